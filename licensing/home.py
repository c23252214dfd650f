"""Start-page cards of licence management (collected by core.home): free licences per tool in the
plan in force and users idle for 30 days or more (a fixed number of queries)."""

from django.utils.translation import gettext as _

from core import clock
from licensing import selectors
from licensing.constants import IDLE_DAYS, UPCOMING_IDLE_DAYS, Tools
from licensing.permissions import REPORT_PERM


def cards(user) -> list[dict]:
    if not user.has_perm(REPORT_PERM):
        return []
    out = []
    period = selectors.period_current()
    if period is not None:
        free: dict[str, int] = {}
        for pool in selectors.pools_with_usage(period=period).order_by():
            free[pool.tool] = free.get(pool.tool, 0) + pool.free
        labels = dict(Tools.choices)
        out.append({
            "title": _("Vrije licenties"),
            "value": sum(free.values()),
            "detail": " · ".join(f"{labels.get(tool, tool)}: {n}" for tool, n in sorted(free.items())),
            "url_name": "licensing:overview", "icon": "key", "order": 80,
        })
    out.append({
        "title": _("Gebruikers %(days)s+ dagen inactief") % {"days": UPCOMING_IDLE_DAYS},
        "value": selectors.upcoming_deactivations(now=clock.now()).order_by().count(),
        "detail": _("na %(days)s dagen inactiviteit volgt de deactivatie") % {"days": IDLE_DAYS},
        "url_name": "licensing:activity", "icon": "person-dash", "order": 81,
    })
    return out
