"""Licence vocabulary (DOMAIN §2) and the idle rule's numbers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.constants import Roles


class Tools(models.TextChoices):
    HVT = "hvt", "HVT"
    CRT = "crt", "CRT"
    GENERAL = "general", _("algemeen")
    PORTAL = "portal", _("portaal")


class LicenceTypes(models.TextChoices):
    FULL = "full", _("volledig")
    LIMITED = "limited", _("beperkt")
    PORTAL = "portal", _("portaal (per aanmelding)")


class LicenceGroups(models.TextChoices):
    """The groups of the licence plan (the rows of the note's table)."""

    LOCAL_GOVERNMENTS = "local_governments", _("Lokale en regionale besturen")
    VLOT = "vlot", _("VLOT-team")
    SUBSIDY_COORDINATION = "subsidy_coordination", _("Centrale subsidiecoördinatie")
    CENTRAL_COORDINATION = "central_coordination", _("Centrale coördinatie")
    HVT_SECURITY_AUDITOR = "hvt_security_auditor", _("Security auditor HVT")
    CRT_CASE_MANAGERS = "crt_case_managers", _("Dossierbeheerders")
    CRT_REPORTING = "crt_reporting", _("Reporting")
    CRT_CENTRAL_MANAGEMENT = "crt_central_management", _("Centraal beheer")
    CRT_SECURITY_AUDITOR = "crt_security_auditor", _("Security auditor CRT")
    GENERAL = "general", _("Beheer, support, technische users")
    PORTAL = "portal", _("Portaalgebruikers")


class ReleaseReasons(models.TextChoices):
    IDLE = "idle", _("40 dagen inactief")
    MANUAL = "manual", _("ingetrokken")
    DEACTIVATED = "deactivated", _("gebruiker gedeactiveerd")


class SweepSources(models.TextChoices):
    SCHEDULE = "schedule", _("planning (Celery beat)")
    COMMAND = "command", _("beheerscommando")


# Which tool each role works in, and whether it needs a full licence (DOMAIN §1, column "licence").
ROLE_TOOL = {
    Roles.HVT_MUNICIPAL_FULL: Tools.HVT,
    Roles.HVT_MUNICIPAL_LIMITED: Tools.HVT,
    Roles.HVT_VLOT: Tools.HVT,
    Roles.HVT_SUBSIDY_COORDINATOR: Tools.HVT,
    Roles.HVT_COORDINATOR: Tools.HVT,
    Roles.HVT_SECURITY_AUDITOR: Tools.HVT,
    Roles.CRT_CASE_MANAGER: Tools.CRT,
    Roles.CRT_REPORTING: Tools.CRT,
    Roles.CRT_CENTRAL_ADMIN: Tools.CRT,
    Roles.CRT_SECURITY_AUDITOR: Tools.CRT,
    Roles.SUPPORT: Tools.GENERAL,
    Roles.PORTAL_USER: Tools.PORTAL,
}
FULL_LICENCE_ROLES = frozenset(
    {
        Roles.HVT_MUNICIPAL_FULL,  # subsidy management always needs a full licence
        Roles.HVT_VLOT,
        Roles.HVT_SUBSIDY_COORDINATOR,
        Roles.HVT_COORDINATOR,
        Roles.HVT_SECURITY_AUDITOR,
        Roles.CRT_CENTRAL_ADMIN,
        Roles.CRT_SECURITY_AUDITOR,
        Roles.SUPPORT,
    }
)

# Who a pool's licences are for: the roles of each group of the licence plan (DOMAIN §2). A user
# gets a licence from a pool only when holding one of its group's roles (the general group also
# takes technical accounts); portal licences are never named.
GROUP_ROLES = {
    LicenceGroups.LOCAL_GOVERNMENTS: frozenset({Roles.HVT_MUNICIPAL_FULL, Roles.HVT_MUNICIPAL_LIMITED}),
    LicenceGroups.VLOT: frozenset({Roles.HVT_VLOT}),
    LicenceGroups.SUBSIDY_COORDINATION: frozenset({Roles.HVT_SUBSIDY_COORDINATOR}),
    LicenceGroups.CENTRAL_COORDINATION: frozenset({Roles.HVT_COORDINATOR}),
    LicenceGroups.HVT_SECURITY_AUDITOR: frozenset({Roles.HVT_SECURITY_AUDITOR}),
    LicenceGroups.CRT_CASE_MANAGERS: frozenset({Roles.CRT_CASE_MANAGER}),
    LicenceGroups.CRT_REPORTING: frozenset({Roles.CRT_REPORTING}),
    LicenceGroups.CRT_CENTRAL_MANAGEMENT: frozenset({Roles.CRT_CENTRAL_ADMIN}),
    LicenceGroups.CRT_SECURITY_AUDITOR: frozenset({Roles.CRT_SECURITY_AUDITOR}),
    LicenceGroups.GENERAL: frozenset({Roles.SUPPORT}),
    LicenceGroups.PORTAL: frozenset({Roles.PORTAL_USER}),
}

# URL prefixes of the named-licence tools: a user needs an active licence for the tool to use them.
TOOL_PATH_PREFIXES = (("/crt/", Tools.CRT), ("/hvt/", Tools.HVT), ("/api/v1/hvt/", Tools.HVT))

# The idle rule (DOMAIN §2): deactivated at 40 days, warned a week before, "upcoming" from 30.
IDLE_DAYS = 40
WARNING_DAYS_BEFORE = 7
UPCOMING_IDLE_DAYS = 30

# Portal pages are login-based (portal licences are not named): portal users may use them
# (hvt.urls: the offers under /hvt/aanbod/, and /hvt/ itself, which sends them there).
PORTAL_PATH_PREFIXES = ("/hvt/aanbod/", "/api/v1/hvt/offers/")
PORTAL_EXACT_PATHS = ("/hvt/",)
