from django.utils.translation import gettext_lazy as _

from crt.admin import ADMIN_ROLES
from crt.realm import crt_roles_for_user, user_has_any_crt_role_cached


def items(user):
    if not user_has_any_crt_role_cached(user.pk):  # cached: HVT pages do not query the CRT database
        return []
    roles = crt_roles_for_user(user)
    out = [{"label": _("CRT"), "url_name": "crt:index", "icon": "person-vcard", "order": 50}]
    if roles & set(ADMIN_ROLES):
        out.append({"label": _("CRT-beheer"), "url_name": "crt_admin:index", "icon": "shield-lock", "order": 91})
    return out
