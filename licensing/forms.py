from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from licensing.constants import LicenceTypes
from licensing.models import LicencePool


class LicenceAssignForm(forms.Form):
    username = forms.CharField(label=_("Gebruikersnaam"), max_length=150)
    pool = forms.ModelChoiceField(label=_("Licentiepool"), queryset=LicencePool.objects.none())

    def __init__(self, *args, period=None, **kwargs):
        super().__init__(*args, **kwargs)
        pools = LicencePool.objects.exclude(licence_type=LicenceTypes.PORTAL).select_related("period")
        self.fields["pool"].queryset = pools.filter(period=period) if period is not None else pools

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise forms.ValidationError(_("Er bestaat geen gebruiker %(username)s."), params={"username": username}) from None
