from django.utils.translation import gettext_lazy as _


def items(user):
    out = []
    # Whoever the admin site lets in (active staff) and who may do something there: the subsidy
    # coordinator too. The permissions are cached on the user for the request.
    if user.is_active and user.is_staff and user.get_all_permissions():
        out.append({"label": _("Beheer"), "url_name": "admin:index", "icon": "gear", "order": 90})
    out.append({"label": _("Wachtwoord"), "url_name": "accounts:password_change", "icon": "key", "order": 99})
    return out
