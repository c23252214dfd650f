from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditActions(models.TextChoices):
    LOGIN = "login", _("aangemeld")
    LOGIN_FAILED = "login_failed", _("mislukte aanmelding")
    LOCKED_OUT = "locked_out", _("account geblokkeerd")
    LOGOUT = "logout", _("afgemeld")
    OTP_ENROLLED = "otp_enrolled", _("tweede factor ingesteld")
    OTP_FAILED = "otp_failed", _("foute tweede factor")
    SESSION_EXPIRED = "session_expired", _("sessie verlopen")
    ROLE_ASSIGNED = "role_assigned", _("rol toegekend")
    ROLE_REVOKED = "role_revoked", _("rol ingetrokken")
    CREATE = "create", _("aangemaakt")
    UPDATE = "update", _("gewijzigd")
    DELETE = "delete", _("verwijderd")
    VIEW = "view", _("bekeken")
    EXPORT = "export", _("geëxporteerd")
    IMPORT = "import", _("geïmporteerd")
    LOOKUP = "lookup", _("opgezocht")
    DEACTIVATE = "deactivate", _("gedeactiveerd")
    REACTIVATE = "reactivate", _("opnieuw geactiveerd")
    OTHER = "other", _("andere")


AUDIT_DATABASES = ("default", "crt")
