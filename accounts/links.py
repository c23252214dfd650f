"""The single-use links that accounts sends by e-mail: the password reset (Django's token) and
the second-factor enrolment (a token of its own). Only the account's own e-mail address gets
them; the token never goes into a log or an audit event.

Both tokens are Django ``PasswordResetTokenGenerator`` hashes: signed with SECRET_KEY, valid for
PASSWORD_RESET_TIMEOUT, and tied to the account's state, so that they stop working once used:
a reset link when the password changes, an enrolment link once a device is confirmed (or the
password changes).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


class EnrolmentTokenGenerator(PasswordResetTokenGenerator):
    """Proof that the person holds the account's mailbox, for a first second-factor enrolment."""

    key_salt = "accounts.links.EnrolmentTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        confirmed = ",".join(
            str(pk) for pk in TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").values_list("pk", flat=True)
        )
        return f"{user.pk}{user.password}{user.is_active}[{confirmed}]{timestamp}"


enrolment_token_generator = EnrolmentTokenGenerator()
password_token_generator = default_token_generator


def uid_for(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_for_uid(uidb64: str) -> User | None:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return User._default_manager.filter(pk=pk).first()


def absolute_url(path: str, request=None) -> str:
    """The link's address: SITE_URL when set, else the request's host (checked against ALLOWED_HOSTS)."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def password_reset_url(user: User, request=None) -> str:
    token = password_token_generator.make_token(user)
    return absolute_url(reverse("accounts:password_reset_confirm", args=[uid_for(user), token]), request)


def enrolment_url(user: User, request=None) -> str:
    token = enrolment_token_generator.make_token(user)
    return absolute_url(reverse("accounts:otp_enrol_link", args=[uid_for(user), token]), request)


def send_to_user(user: User, *, subject: str, template: str, context: dict) -> None:
    """One Dutch e-mail to the account's own address."""
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, {"name": user.first_name or user.get_username(),
                                           "username": user.get_username(), **context})
        EmailMessage(subject=str(subject), body=body, to=[user.email]).send()
