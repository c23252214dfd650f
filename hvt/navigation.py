from django.utils.translation import gettext_lazy as _

from accounts.constants import Roles
from accounts.selectors import user_has_role
from hvt.constants import NOTE_ROLES, READ_ROLES, TARGET_ROLES, WRITE_ROLES


def items(user):
    out = []
    if user_has_role(user, *READ_ROLES):
        out.append({"label": _("Opvangplaatsen"), "url_name": "hvt:place_list", "icon": "house-door", "order": 10})
    if user_has_role(user, *READ_ROLES):
        out.append({"label": _("Evolutie"), "url_name": "hvt:capacity_evolution", "icon": "graph-up", "order": 11})
    if user_has_role(user, *TARGET_ROLES):
        out.append({"label": _("Dashboard"), "url_name": "hvt:dashboard", "icon": "speedometer2", "order": 9})
    if user_has_role(user, *WRITE_ROLES):
        out.append({"label": _("Te valideren aanbod"), "url_name": "hvt:offer_queue", "icon": "inbox", "order": 12})
    if user_has_role(user, *TARGET_ROLES):
        out.append({"label": _("Objectieven"), "url_name": "hvt:target_list", "icon": "bullseye", "order": 14})
    if user_has_role(user, *NOTE_ROLES):
        out.append({"label": _("Gemeenten"), "url_name": "hvt:municipality_list", "icon": "geo-alt", "order": 16})
    if user_has_role(user, *READ_ROLES):
        out.append({"label": _("Datakwaliteit"), "url_name": "hvt:data_quality", "icon": "clipboard-check", "order": 17})
    if user_has_role(user, Roles.PORTAL_USER):
        out.append({"label": _("Mijn aanbod"), "url_name": "hvt:offer_list", "icon": "house-add", "order": 20})
    return out
