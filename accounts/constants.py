from django.db import models
from django.utils.translation import gettext_lazy as _


class Realms(models.TextChoices):
    HVT = "hvt", "HVT"
    CRT = "crt", "CRT"
    GENERAL = "general", _("algemeen")
    PORTAL = "portal", _("portaal")


class Roles(models.TextChoices):
    """Every role code of DOMAIN.md §1. CRT roles are granted only in the CRT realm (crt database)."""

    HVT_MUNICIPAL_FULL = "hvt_municipal_full", _("Lokaal bestuur – volledig (subsidiebeheer)")
    HVT_MUNICIPAL_LIMITED = "hvt_municipal_limited", _("Lokaal bestuur – beperkt (huisvestingsopvolging)")
    HVT_VLOT = "hvt_vlot", _("VLOT-team")
    HVT_SUBSIDY_COORDINATOR = "hvt_subsidy_coordinator", _("Centrale subsidiecoördinatie")
    HVT_COORDINATOR = "hvt_coordinator", _("Centrale coördinatie")
    HVT_SECURITY_AUDITOR = "hvt_security_auditor", _("Security auditor HVT")
    CRT_CASE_MANAGER = "crt_case_manager", _("Dossierbeheerder")
    CRT_REPORTING = "crt_reporting", _("Reporting")
    CRT_CENTRAL_ADMIN = "crt_central_admin", _("Centraal beheer")
    CRT_SECURITY_AUDITOR = "crt_security_auditor", _("Security auditor CRT")
    SUPPORT = "support", _("Beheer, support, technische users")
    PORTAL_USER = "portal_user", _("Portaalgebruiker")


CRT_ROLES = frozenset(
    {Roles.CRT_CASE_MANAGER, Roles.CRT_REPORTING, Roles.CRT_CENTRAL_ADMIN, Roles.CRT_SECURITY_AUDITOR}
)
HVT_ROLES = frozenset(r for r in Roles if r.value.startswith("hvt_"))
# Roles stored in the default database (accounts.RoleAssignment). CRT roles never are.
DEFAULT_REALM_ROLES = frozenset(Roles) - CRT_ROLES

MUNICIPAL_ROLES = frozenset({Roles.HVT_MUNICIPAL_FULL, Roles.HVT_MUNICIPAL_LIMITED})
PROVINCIAL_ROLES = frozenset({Roles.HVT_VLOT})
FLANDERS_ROLES = frozenset({Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR, Roles.HVT_SECURITY_AUDITOR})

# Two-factor authentication: admin, coordinators, auditors and every CRT role.
TWO_FACTOR_ROLES = frozenset(
    {Roles.SUPPORT, Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR, Roles.HVT_SECURITY_AUDITOR} | CRT_ROLES
)


class AccountEvents:
    """Reasons of the account audit events (``AuditEvent.reason``) that have no action of their own."""

    PASSWORD_RESET_SENT = "password_reset_link_sent"
    PASSWORD_RESET_DONE = "password_reset_done"
    PASSWORD_CHANGED = "password_changed"
    OTP_ENROLMENT_SENT = "otp_enrolment_link_sent"
    OTP_RESET = "otp_reset"


class DeactivationReasons:
    """Why ``accounts.services.user_deactivate`` switched an account off (the audit reason)."""

    ADMIN = "admin"
    CRT_REALM = "crt_realm"
    IDLE = "idle_40_days"


class OrganisationKinds(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("Lokaal bestuur")
    REGIONAL_GOVERNMENT = "regional_government", _("Regionaal bestuur")
    VLOT_TEAM = "vlot_team", _("VLOT-team (provincie)")
    CENTRAL_COORDINATION = "central_coordination", _("Centrale coördinatie")
    INTEGRATION_AGENCY = "integration_agency", _("Agentschap integratie en inburgering")
    SUPPORT = "support", _("Support")
    PORTAL = "portal", _("Portaalorganisatie")


INTEGRATION_AGENCIES = {
    "agii": "Agentschap Integratie en Inburgering (AgII)",
    "amal": "Amal (Gent)",
    "atlas": "Atlas (Antwerpen)",
    "huis-nl": "Huis van het Nederlands Brussel",
}
