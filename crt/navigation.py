from django.utils.translation import gettext_lazy as _

from crt.constants import ADMIN_ROLES, CrtRoles
from crt.realm import crt_roles_for_user, user_has_any_crt_role_cached


def items(user):
    if not user_has_any_crt_role_cached(user):  # cached: HVT pages do not query the CRT database
        return []
    roles = crt_roles_for_user(user)
    out = []
    if CrtRoles.CASE_MANAGER in roles:
        out.append({"label": _("CRT-dossiers"), "url_name": "crt:dossier_list", "icon": "person-vcard", "order": 50})
        out.append({"label": _("Persoon registreren"), "url_name": "crt:person_register", "icon": "person-plus",
                    "order": 51})
    else:
        out.append({"label": _("CRT"), "url_name": "crt:index", "icon": "person-vcard", "order": 50})
    if roles & {CrtRoles.REPORTING, CrtRoles.CENTRAL_ADMIN}:
        out.append({"label": _("CRT-rapportage"), "url_name": "crt:reports", "icon": "bar-chart", "order": 52})
    if roles & set(ADMIN_ROLES):
        out.append({"label": _("CRT-beheer"), "url_name": "crt_admin:index", "icon": "shield-lock", "order": 91})
    return out
