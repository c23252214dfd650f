"""API token authentication: django-rest-knox (tokens stored as a hash, with an expiry), plus
the platform's rules: an API call counts as activity (the licence sweep's input), and the
expiry is judged on the application clock too (``core.clock``, which tests can freeze)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from accounts.services import activity_touch
from core import clock


class ActivityTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``. Knox refuses unknown, expired and inactive users' tokens;
    a token of a deactivated user does not exist any more (``user_deactivate`` deletes them)."""

    def authenticate_credentials(self, token):
        user, auth_token = super().authenticate_credentials(token)
        if auth_token.expiry is not None and auth_token.expiry <= clock.now():
            raise exceptions.AuthenticationFailed(_("Deze API-sleutel is verlopen."))
        activity_touch(user=user)
        return user, auth_token


class ActivityTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI description of the token header (same as DRF's token scheme: ``tokenAuth``)."""

    target_class = ActivityTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
