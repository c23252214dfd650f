"""Start-page cards of the HVT (collected by core.home): what each role needs first, in its scope,
with a fixed number of queries whatever the number of places."""

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Sum
from django.db.models.query import EmptyQuerySet
from django.utils.translation import gettext as _

from accounts.constants import Roles
from accounts.selectors import user_has_role
from core import clock
from core.formatting import format_number, format_percent
from hvt import selectors
from hvt.constants import READ_ROLES, TARGET_ROLES, WRITE_ROLES, OfferStatuses, PlaceStatuses
from hvt.querysets import realisation

# Who steers several municipalities: they see the realisation of their whole area and where it lags.
STEERING_ROLES = frozenset({Roles.HVT_VLOT, Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR})
# Below this realisation (%) a municipality needs steering.
LAGGING_BELOW = 50


def _percent(value) -> str:
    """One decimal, as everywhere (core.formatting): "80,0 %", never "80 %" here and "79,6 %" there."""
    return format_percent(value)


def _place_cards(user) -> list[dict]:
    day = clock.today()
    # The rules of the day are annotated first: the aggregate then runs over them (one query).
    totals = selectors.place_list_for_user(user, day=day).order_by().annotate(
        available_today=ExpressionWrapper(selectors.available_q(day), output_field=BooleanField()),
        capacity_today=selectors.capacity_on(day),
    ).aggregate(
        open=Count("pk", filter=~Q(status=PlaceStatuses.CLOSED)),
        waiting=Count("pk", filter=Q(status=PlaceStatuses.REGISTERED)),
        available=Count("pk", filter=Q(available_today=True)),
        # hvt.querysets.free_beds summed over the available places: capacity − beds in use, never clamped.
        free=Sum(F("capacity_today") - F("beds_in_use"), filter=Q(available_today=True)),
    )
    return [
        {
            "title": _("Opvangplaatsen in uw gemeenten") if not user_has_role(user, *STEERING_ROLES)
            else _("Opvangplaatsen in uw gebied"),
            "value": totals["open"],
            "detail": _("waarvan %(waiting)s wachten op validatie") % {"waiting": totals["waiting"]},
            "url_name": "hvt:place_list", "icon": "house-door", "order": 10,
        },
        {
            "title": _("Vrije bedden vandaag"),
            "value": totals["free"] or 0,
            "detail": _("in %(places)s beschikbare opvangplaatsen") % {"places": totals["available"]},
            "url_name": "hvt:place_list", "query": {"free": "on"}, "icon": "door-open", "order": 11,
        },
    ]


def _target_cards(user) -> list[dict]:
    """Realisation in the user's scope and, for steering roles, the municipalities below 50 %: the
    dashboard's figures (same round, same available beds: ``hvt.querysets``) from the target list's
    one grouped statement, not the whole overview with its occupied beds, which no card shows."""
    targets = selectors.target_list_for_user(user)
    rows = [] if isinstance(targets, EmptyQuerySet) else [  # no round yet
        (target, available) for target, available in targets.values_list("assigned", "available_beds") if target]
    target = sum(t for t, _a in rows) or None
    available = sum(a for _t, a in rows)
    steering = user_has_role(user, *STEERING_ROLES)
    detail = (
        _("%(available)s beschikbare bedden voor een objectief van %(target)s")
        % {"available": format_number(available), "target": format_number(target)}
        if target else _("Nog geen objectief vastgelegd")
    )
    cards = [{
        "title": _("Realisatie in uw gebied") if steering else _("Uw objectief en realisatie"),
        "value": _percent(realisation(available, target)),
        "detail": detail,
        "url_name": "hvt:dashboard" if steering else "hvt:target_list", "icon": "bullseye", "order": 5,
    }]
    if steering:
        lagging = sum(1 for t, a in rows if realisation(a, t) < LAGGING_BELOW)
        cards.append({
            "title": _("Gemeenten onder %(percent)s %%") % {"percent": LAGGING_BELOW},
            "value": lagging,
            "detail": _("van %(count)s gemeenten met een objectief: hier bijsturen") % {"count": len(rows)},
            "url_name": "hvt:dashboard", "query": {"sorteer": "realisatie", "onder": str(LAGGING_BELOW)},
            "icon": "sign-turn-right", "order": 6,
        })
    return cards


def _queue_card(user) -> dict:
    return {
        "title": _("Aanbod te valideren"),
        "value": selectors.offer_queue_for_user(user).count(),
        "detail": _("aanbod van burgers via het portaal"),
        "url_name": "hvt:offer_queue", "icon": "inbox", "order": 12,
    }


def _portal_card(user) -> dict:
    counts = dict(
        selectors.offer_list_for_portal_user(user).order_by().values_list("status").annotate(n=Count("pk"))
    )
    parts = [f"{label}: {counts.get(status, 0)}" for status, label in OfferStatuses.choices]
    return {
        "title": _("Mijn aanbod"),
        "value": sum(counts.values()),
        "detail": " · ".join(parts),
        "url_name": "hvt:offer_list", "icon": "house-add", "order": 20,
    }


def cards(user) -> list[dict]:
    out = []
    if user_has_role(user, *TARGET_ROLES):
        out += _target_cards(user)
    if user_has_role(user, *READ_ROLES):
        out += _place_cards(user)
    if user_has_role(user, *WRITE_ROLES):
        out.append(_queue_card(user))
    if user_has_role(user, Roles.PORTAL_USER):
        out.append(_portal_card(user))
    return out
