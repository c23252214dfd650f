from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Gebruikersnaam of wachtwoord is niet juist. Na 5 mislukte pogingen wordt de account tijdelijk geblokkeerd."),
        "inactive": _("Deze account is niet actief. Vraag de support om ze opnieuw te activeren."),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            # The backends refuse an inactive user like a wrong password. Someone who knows the
            # password of a deactivated account (40 days idle) is told why, instead of being locked out.
            username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
            if username and password:
                user = get_user_model()._default_manager.filter(username=username, is_active=False).first()
                if user is not None and user.check_password(password):
                    raise ValidationError(self.error_messages["inactive"], code="inactive") from None
            raise


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code uit uw authenticator-app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PasswordResetRequestForm(PasswordResetForm):
    """The e-mail address of "wachtwoord vergeten". The view sends the links itself
    (``accounts.services.password_reset_send``: audited, rate limited), so ``save`` is not used."""

    def get_users(self, email):
        # Also accounts without a usable password yet: a new account waits for its first link.
        return get_user_model()._default_manager.filter(email__iexact=email.strip(), is_active=True).exclude(email="")

    def save(self, *args, **kwargs):  # pragma: no cover - the view does not call it
        raise NotImplementedError("PasswordResetView sends through accounts.services.password_reset_send")
