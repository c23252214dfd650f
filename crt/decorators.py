"""Who may open a CRT page: the platform's access decorator with the CRT's deny answer."""

from core.access import Deny, access_required
from crt.realm import user_has_crt_role


def crt_role_required(*roles: str):
    """A CRT page: anonymous → the login page; signed in without a matching CRT role (any CRT role
    when ``roles`` is empty) → 404, so the page's existence is not revealed; a CRT role holder
    also needs a verified second factor here, whatever the 2FA middleware's (cached) view of
    their roles is: the CRT does not rely on another layer for that."""
    return access_required(lambda user: user_has_crt_role(user, *roles), deny_with=Deny.NOT_FOUND, verified=True)
