"""Permission-matrix entries: the account pages (login, logout, second factor) and the accounts admin."""

from accounts.constants import Roles
from tests.security.expectations import objects
from tests.security.expectations._base import (
    ALLOW,
    ANONYMOUS,
    LOGIN,
    STAFF_PRINCIPALS,
    SUPERUSER_NO_CRT,
    AdminRule,
    Entry,
    everyone,
    only,
    roles,
    status,
)

ADMINS = roles(Roles.SUPPORT, Roles.HVT_COORDINATOR, SUPERUSER_NO_CRT)
AUDITORS = roles(Roles.HVT_SECURITY_AUDITOR)

EXPECTATIONS = {
    # The login form; a logged-in user is sent on to the home page.
    "accounts:login": Entry(default=status(302), roles={ANONYMOUS: ALLOW}),
    # Logout is a POST; a GET is refused with 405 for everyone.
    "accounts:logout": everyone(status(405)),
    # The second-factor step: anonymous → login; the matrix users have passed it → home page.
    "accounts:otp": Entry(default=status(302), roles={ANONYMOUS: LOGIN}),
    # UserAdmin's password form: needs change permission on users.
    "admin:auth_user_password_change": only(ADMINS, obj=objects.user_id),
}

ADMIN_MODELS = {
    "admin:accounts.user": AdminRule(view=AUDITORS, add=ADMINS, change=ADMINS, delete=roles(SUPERUSER_NO_CRT), obj=objects.user),
    "admin:accounts.organisation": AdminRule(
        view=AUDITORS, add=ADMINS, change=ADMINS, delete=roles(SUPERUSER_NO_CRT), obj=objects.organisation
    ),
    "admin:accounts.roleassignment": AdminRule(
        view=AUDITORS, add=ADMINS, change=ADMINS, delete=ADMINS, obj=objects.role_assignment
    ),
}

assert ANONYMOUS not in STAFF_PRINCIPALS
