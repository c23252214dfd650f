"""Start-page cards of the CRT (collected by core.home): counts only, never a name.

Users without any CRT role get nothing and cause no query on the CRT database: the cached realm
check (``user_has_any_crt_role_cached``) comes first, as in crt.navigation."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from crt import selectors
from crt.constants import ENDING_STATUSES, CrtRoles, RegisterFlags
from crt.realm import crt_roles_for_user, user_has_any_crt_role_cached


def cards(user) -> list[dict]:
    if not user_has_any_crt_role_cached(user):
        return []
    if CrtRoles.CASE_MANAGER not in crt_roles_for_user(user):
        return []
    is_open = ~Q(status__in=ENDING_STATUSES)
    counts = selectors.dossier_list_for_user(user).select_related(None).order_by().aggregate(
        open=Count("pk", filter=is_open),
        moved=Count("pk", filter=is_open & Q(person__register_flag=RegisterFlags.MOVED)),
        deceased=Count("pk", filter=is_open & Q(person__register_flag=RegisterFlags.DECEASED)),
    )
    return [
        {
            "title": _("Open CRT-dossiers"),
            "value": counts["open"],
            "detail": _("van uw organisatie"),
            "url_name": "crt:dossier_list", "icon": "person-vcard", "order": 50,
        },
        {
            "title": _("Signalen van het rijksregister"),
            "value": counts["moved"] + counts["deceased"],
            "detail": _("verhuisd: %(moved)s · overleden: %(deceased)s (open dossiers)")
            % {"moved": counts["moved"], "deceased": counts["deceased"]},
            "url_name": "crt:dossier_list", "icon": "flag", "order": 51,
        },
    ]
