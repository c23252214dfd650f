from django.utils.translation import gettext_lazy as _


def items(user):
    if user.has_perm("licensing.view_licence_report"):
        return [{"label": _("Licenties"), "url_name": "licensing:overview", "icon": "key", "order": 80}]
    return []
