from django.utils.translation import gettext_lazy as _

from accounts.constants import Roles
from accounts.selectors import user_has_role


def items(user):
    out = []
    if user.is_staff and user_has_role(user, Roles.SUPPORT, Roles.HVT_COORDINATOR, Roles.HVT_SECURITY_AUDITOR):
        out.append({"label": _("Beheer"), "url_name": "admin:index", "icon": "gear", "order": 90})
    out.append({"label": _("Wachtwoord"), "url_name": "accounts:password_change", "icon": "key", "order": 99})
    return out
