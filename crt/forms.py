from django import forms
from django.utils.translation import gettext_lazy as _

from crt.constants import (
    DossierStatuses,
    HouseholdRoles,
    LookupPurposes,
    ReferralOutcomes,
    ReferralServices,
    RevealReasons,
    Sexes,
)
from crt.numbers import parse_person_number
from crt.selectors import municipality_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


NUMBER_ATTRS = {"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}


class ContactAddressForm(forms.Form):
    """Contact, address and certificate fields shared by registration and correction (the
    templates place each field by name, so declaration order does not matter)."""

    phone = forms.CharField(label=_("Telefoon"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    street = forms.CharField(label=_("Straat en huisnummer"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postcode"), max_length=4, required=False)
    municipality_refnis = forms.ChoiceField(label=_("Gemeente"))
    certificate_number = forms.CharField(label=_("Nummer attest tijdelijke bescherming"), max_length=40, required=False)
    certificate_valid_from = forms.DateField(label=_("Attest geldig vanaf"), required=False, widget=DateInput())
    certificate_valid_until = forms.DateField(label=_("Attest geldig tot"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality_refnis"].choices = [("", "—")] + municipality_choices()


class PersonRegisterForm(ContactAddressForm):
    national_number = forms.CharField(label=_("Rijksregisternummer of BIS-nummer"), max_length=20,
                                      widget=forms.TextInput(attrs=NUMBER_ATTRS))
    lookup_purpose = forms.ChoiceField(
        label=_("Wettelijk doel van de opzoeking in het rijksregister"), required=False,
        choices=[("", "—")] + [c for c in LookupPurposes.choices if c[0] != LookupPurposes.SYNC],
    )
    first_name = forms.CharField(label=_("Voornaam"), max_length=100)
    last_name = forms.CharField(label=_("Familienaam"), max_length=100)
    birth_date = forms.DateField(label=_("Geboortedatum"), widget=DateInput())
    sex = forms.ChoiceField(label=_("Geslacht"), choices=[("", "—"), *Sexes.choices])
    nationality = forms.CharField(label=_("Nationaliteit (landcode)"), max_length=2, initial="UA")
    languages = forms.CharField(label=_("Talen"), max_length=200, required=False,
                                help_text=_("Bijvoorbeeld: Oekraïens, Russisch, Engels"))
    household_dossier = forms.CharField(
        label=_("Gezin: dossiernummer van een gezinslid"), max_length=20, required=False,
        help_text=_("Leeg laten om een nieuw gezin te starten."),
    )
    household_role = forms.ChoiceField(label=_("Plaats in het gezin"), choices=HouseholdRoles.choices)
    confirm_duplicate = forms.BooleanField(
        label=_("Ik heb de mogelijke dubbele registratie nagekeken: toch registreren"), required=False
    )

    def clean_national_number(self):
        """The number's own rule (format and check digits) at once, with the other fields' errors; the
        service checks it again with everything else."""
        raw = self.cleaned_data["national_number"]
        parse_person_number(raw)
        return raw


class SearchForm(forms.Form):
    number = forms.CharField(label=_("Rijksregisternummer of BIS-nummer (exact)"), max_length=20, required=False,
                             widget=forms.TextInput(attrs=NUMBER_ATTRS))
    text = forms.CharField(label=_("Naam of dossiernummer"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("number") and not data.get("text"):
            raise forms.ValidationError(_("Vul een nummer, een naam of een dossiernummer in."))
        return data


# The status a case manager most likely sets next (the form's default): the next step of the
# trajectory; an ended dossier keeps its status.
NEXT_STATUS = {
    DossierStatuses.REGISTERED: DossierStatuses.PRE_TRAJECTORY,
    DossierStatuses.PRE_TRAJECTORY: DossierStatuses.REFERRED,
    DossierStatuses.REFERRED: DossierStatuses.CIVIC_INTEGRATION,
    DossierStatuses.CIVIC_INTEGRATION: DossierStatuses.CLOSED,
}


def status_suggested(current: str) -> str:
    return NEXT_STATUS.get(current, current)


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("Nieuwe status"), choices=DossierStatuses.choices)
    effective_on = forms.DateField(label=_("Datum"), widget=DateInput())
    note = forms.CharField(label=_("Notitie"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReferralForm(forms.Form):
    service = forms.ChoiceField(label=_("Dienst"), choices=ReferralServices.choices)
    referred_on = forms.DateField(label=_("Doorverwezen op"), widget=DateInput())
    note = forms.CharField(label=_("Notitie"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReferralOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=ReferralOutcomes.choices)
    outcome_on = forms.DateField(label=_("Datum uitkomst"), widget=DateInput())
    note = forms.CharField(label=_("Notitie"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RevealForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reden om de identiteit te tonen"), choices=RevealReasons.choices)


class RegisterCheckForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Wettelijk doel"),
                                choices=[c for c in LookupPurposes.choices if c[0] != LookupPurposes.SYNC])


class PersonUpdateForm(ContactAddressForm):
    languages = forms.CharField(label=_("Talen"), max_length=200, required=False)
