"""Django permissions of the roles for licences (synced to role groups by `sync_roles`)."""

from accounts.constants import Roles

# The two licence-specific permissions, named once for views, admin, navigation and home cards.
REPORT_PERM = "licensing.view_licence_report"
MANAGE_PERM = "licensing.manage_licences"



def may_read_reports(user) -> bool:
    """Who opens the licence reports (core.access.access_required's test)."""
    return user.has_perm(REPORT_PERM)


def may_manage(user) -> bool:
    """Who assigns licences and reactivates users from the licence pages."""
    return user.has_perm(MANAGE_PERM)


REPORTS = [REPORT_PERM]
READ = [
    "licensing.view_planperiod",
    "licensing.view_licencepool",
    "licensing.view_licenceassignment",
    "licensing.view_deactivationevent",
    "licensing.view_idlewarning",
    "licensing.view_sweeprun",
]
MANAGE = [
    MANAGE_PERM,
    "licensing.add_planperiod",
    "licensing.change_planperiod",
    "licensing.add_licencepool",
    "licensing.change_licencepool",
    "licensing.add_licenceassignment",
]

ROLE_PERMISSIONS = {
    Roles.SUPPORT: REPORTS + READ + MANAGE,
    Roles.HVT_COORDINATOR: REPORTS + READ + MANAGE,
    Roles.HVT_SECURITY_AUDITOR: REPORTS + READ,  # reads, changes nothing
}
