from django.db import models
from django.utils.translation import gettext_lazy as _


class CrtRoles(models.TextChoices):
    """The CRT realm's roles. Held only in crt.RoleAssignment (crt database)."""

    CASE_MANAGER = "crt_case_manager", _("Dossierbeheerder")
    REPORTING = "crt_reporting", _("Reporting")
    CENTRAL_ADMIN = "crt_central_admin", _("Centraal beheer")
    SECURITY_AUDITOR = "crt_security_auditor", _("Security auditor CRT")
