"""Permission-matrix entries for the crt app (see tests/security/README.md)."""

from tests.security.expectations import objects
from tests.security.expectations._base import (  # noqa: F401  (the vocabulary, for whoever fills this in)
    ALLOW,
    ANONYMOUS,
    AUTHENTICATED,
    CRT_PRINCIPALS,
    DENY,
    FLANDERS,
    IN_SCOPE_ONLY,
    MUNICIPAL,
    NOT_FOUND,
    PROVINCIAL,
    SUPERUSER_NO_CRT,
    AdminRule,
    Entry,
    Scope,
    everyone,
    logged_in,
    only,
    roles,
    status,
    table,
)

# Who may use the CRT admin site (/crt/beheer/): crt.admin.ADMIN_ROLES, with a second factor.
CRT_ADMINS = roles("crt_central_admin", "crt_security_auditor")

EXPECTATIONS: dict = {
    # The CRT landing page: any CRT role; everyone else 404 (anonymous: the login page).
    "crt:index": only(CRT_PRINCIPALS),
    # --- The CRT admin site itself -------------------------------------------------------------
    "crt_admin:index": only(CRT_ADMINS),
    # Django's admin login form (a known finding, see CRT_RULE_EXCEPTIONS in the test).
    "crt_admin:login": Entry(default=ALLOW, roles={p: status(302) for p in CRT_ADMINS}),
    "crt_admin:logout": only(CRT_ADMINS, status(405), otherwise=status(302)),
    "crt_admin:password_change": only(CRT_ADMINS),
    "crt_admin:password_change_done": only(CRT_ADMINS),
    "crt_admin:jsi18n": only(CRT_ADMINS),
    "crt_admin:autocomplete": everyone(DENY),
    "crt_admin:view_on_site": everyone(DENY, obj=objects.crt_organisation_content),
    "crt_admin:app_list": only(CRT_ADMINS, kwargs={"app_label": "crt"}),
}

ADMIN_MODELS: dict = {
    "crt_admin:crt.organisation": AdminRule(
        view=roles("crt_central_admin"), add=roles("crt_central_admin"), change=roles("crt_central_admin"),
        delete=roles("crt_central_admin"), obj=objects.crt_organisation,
    ),
    "crt_admin:crt.roleassignment": AdminRule(
        view=roles("crt_central_admin"), add=roles("crt_central_admin"), change=roles("crt_central_admin"),
        delete=roles("crt_central_admin"), obj=objects.crt_role_assignment,
    ),
    # The CRT audit trail: read by the CRT security auditor (central admin too: has_view allows write roles).
    "crt_admin:crt.auditevent": AdminRule(view=roles("crt_security_auditor"), obj=objects.crt_audit_event),
}


def make_markers() -> list[str]:
    """Create CRT data with distinctive strings (e.g. a person with surname "Zyqvarnenko") and return
    the strings; the matrix asserts none appears in any response to a non-CRT principal.
    The test already creates a CRT organisation marker."""
    return []
