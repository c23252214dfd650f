"""Django permissions of the general roles (see accounts.roles).

The roles live here, above ``audit``: the audit permissions of a role are declared here too, so
that ``audit`` knows no role."""

from accounts.constants import Roles

ACCOUNT_ADMIN = [
    "accounts.view_user",
    "accounts.add_user",
    "accounts.change_user",
    "accounts.view_organisation",
    "accounts.add_organisation",
    "accounts.change_organisation",
    "accounts.view_roleassignment",
    "accounts.add_roleassignment",
    "accounts.change_roleassignment",
    "accounts.delete_roleassignment",
]

ROLE_PERMISSIONS = {
    Roles.SUPPORT: ACCOUNT_ADMIN,
    Roles.HVT_COORDINATOR: ACCOUNT_ADMIN + ["geo.view_municipality", "geo.view_populationfigure", "geo.add_populationfigure"],
    Roles.HVT_SECURITY_AUDITOR: [
        "accounts.view_user",
        "accounts.view_organisation",
        "accounts.view_roleassignment",
        "audit.view_auditevent",
        "audit.view_audit_trail",
    ],
}
