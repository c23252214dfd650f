from django.utils.translation import gettext_lazy as _

from licensing.permissions import REPORT_PERM


def items(user):
    if user.has_perm(REPORT_PERM):
        return [{"label": _("Licenties"), "url_name": "licensing:overview", "icon": "key", "order": 80}]
    return []
