"""Permission-matrix entries: the account pages (login, logout, second factor, password reset and
change, the enrolment link), the accounts admin, and the CRT users' accounts in the CRT admin."""

from accounts.constants import Roles
from tests.security.expectations import objects
from tests.security.expectations._base import (
    ALLOW,
    ANONYMOUS,
    DENY,
    LOGIN,
    STAFF_PRINCIPALS,
    SUPERUSER_NO_CRT,
    AdminRule,
    Entry,
    everyone,
    logged_in,
    posts,
    roles,
    status,
)

BAD_LINK = {"uidb64": "MQ", "token": "c0ffee-0123456789abcdef"}
ADMINS = roles(Roles.SUPPORT, Roles.HVT_COORDINATOR, SUPERUSER_NO_CRT)
AUDITORS = roles(Roles.HVT_SECURITY_AUDITOR)

EXPECTATIONS = {
    # The login form; a logged-in user is sent on to the home page.
    "accounts:login": Entry(default=status(302), roles={ANONYMOUS: ALLOW}),
    # Logout is a POST; a GET is refused with 405 for everyone.
    "accounts:logout": everyone(status(405), post=posts([], default=status(302))),
    # The second-factor step: anonymous → login; the matrix users have passed it → home page.
    "accounts:otp": Entry(default=status(302), roles={ANONYMOUS: LOGIN}),
    # A link from an e-mail with a token that is not valid: the Dutch "link niet geldig" page for
    # everyone (the valid flows: tests/accounts/test_password_reset.py, test_enrolment.py).
    "accounts:otp_enrol_link": everyone(ALLOW, kwargs=BAD_LINK),
    "accounts:password_reset_confirm": everyone(ALLOW, kwargs=BAD_LINK),
    # "Wachtwoord vergeten": open to everyone, the same answer whether the account exists or not.
    "accounts:password_reset": everyone(ALLOW),
    "accounts:password_reset_done": everyone(ALLOW),
    "accounts:password_reset_complete": everyone(ALLOW),
    # One's own password, knowing the current one.
    "accounts:password_change": logged_in(ALLOW, anonymous=LOGIN),
    "accounts:password_change_done": logged_in(ALLOW, anonymous=LOGIN),
    # UserAdmin's "set this user's password" form: nobody sets another person's password.
    "admin:auth_user_password_change": everyone(DENY, obj=objects.user_id),
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


def crt_user(scope) -> dict:
    """An account holding a CRT role (a case manager of the scope's CRT organisation)."""
    from tests.factories import make_user

    user = make_user("crt_case_manager", username=f"obj-crt-user-{objects._n()}", crt_organisation=scope.crt_organisation())
    return {"object_id": user.pk}


# CRT users' accounts: managed only in the CRT realm, by CRT central management (reset link,
# second factor, (de)activation, name and address); nobody adds or deletes them there.
ADMIN_MODELS["crt_admin:accounts.user"] = AdminRule(
    view=roles(Roles.CRT_CENTRAL_ADMIN), change=roles(Roles.CRT_CENTRAL_ADMIN), obj=crt_user
)

assert ANONYMOUS not in STAFF_PRINCIPALS
