"""The place chooser (issue 12, item 9): places a user may allocate a household to, searched by
what an officer types (street, municipality, postal code, name, operator or number), each with its
municipality and the beds free for the period — one query, scoped on the server.

**Free for a period** (``free_for_period``): the capacity in force on the first day minus the
household sizes of every allocation of the place that overlaps the period. It is the lower bound of
the free beds on each day of the period (an allocation that ends before another starts is counted
twice), so a place shown with room has room on every day; the service checks day by day anyway.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.selectors import scope_filter
from hvt.constants import WRITE_ROLES, PlaceStatuses
from hvt.models import Allocation, ReceptionPlace
from hvt.querysets import available_q, capacity_on

CHOICES_LIMIT = 20


def _beds_overlapping(start: dt.date, end: dt.date | None):
    """Per place (``OuterRef("pk")``): beds of its allocations overlapping ``start``…``end`` (open: no end)."""
    overlap = Q(end_date__isnull=True) | Q(end_date__gte=start)
    if end is not None:
        overlap &= Q(start_date__lte=end)
    used = (Allocation.objects.filter(overlap, place=OuterRef("pk")).order_by().values("place")
            .annotate(beds=Sum("household_size")).values("beds"))
    return Coalesce(Subquery(used, output_field=IntegerField()), Value(0))


def place_choices_for_user(user, *, q: str = "", start: dt.date, end: dt.date | None = None,
                           exclude_place: int | None = None) -> QuerySet[ReceptionPlace]:
    """Validated places in the user's write scope, available on ``start``, matching ``q``; annotated
    with ``free_for_period`` (see the module). Most free beds first, then by municipality and street."""
    qs = scope_filter(ReceptionPlace.objects.select_related("municipality"), user, roles=WRITE_ROLES)
    qs = qs.filter(available_q(start), status=PlaceStatuses.VALIDATED)
    if exclude_place:
        qs = qs.exclude(pk=exclude_place)
    for word in (q or "").split()[:5]:
        condition = (Q(street__icontains=word) | Q(municipality__name_nl__icontains=word) | Q(name__icontains=word)
                     | Q(operator__icontains=word) | Q(postal_code__startswith=word) | Q(house_number__iexact=word))
        if word.isdigit() and len(word) < 10:
            condition |= Q(pk=int(word))
        qs = qs.filter(condition)
    qs = qs.annotate(capacity_start=capacity_on(start), beds_overlapping=_beds_overlapping(start, end))
    qs = qs.annotate(free_for_period=F("capacity_start") - F("beds_overlapping"))
    return qs.order_by("-free_for_period", "municipality__name_nl", "street", "house_number", "pk")


def place_choice_label(place: ReceptionPlace) -> str:
    """``Beekstraat 116, 2630 Aartselaar`` (with the place's name in front when it has one)."""
    address = f"{place.street} {place.house_number}, {place.postal_code} {place.municipality.name_nl}"
    return f"{place.name} · {address}" if place.name else address
