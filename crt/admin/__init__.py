"""The CRT admin site (/crt/beheer/), one module per subject: ``site`` (the site: access, login,
recent actions, audited autocomplete), ``base`` (``CrtModelAdmin``: realm permissions, audited
reads of persons, the admin's log in the CRT trail; ``ServiceModelForm``: a form whose save is a
service call), ``realm`` (organisations, role grants), ``dossiers`` (dossiers, transfers),
``trail`` (the CRT audit trail)."""

from crt.admin import dossiers, realm, trail  # noqa: F401  (registers the model admins)
from crt.admin.base import CrtModelAdmin, ServiceModelForm
from crt.admin.site import ADMIN_LOG_VIA, CrtAdminSite, crt_admin_site
from crt.constants import ADMIN_ROLES

__all__ = ["ADMIN_LOG_VIA", "ADMIN_ROLES", "CrtAdminSite", "CrtModelAdmin", "ServiceModelForm", "crt_admin_site"]
