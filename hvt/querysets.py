"""One definition behind every HVT figure (issue 11). Pages, API, snapshots, exports and home cards
read "available", "occupied", "free" and "realisation" from here, and nowhere else.

* **Open on a day**: a place (or an allocation) whose period covers the day: start ≤ day and no
  end or end ≥ day (the end date is the last day).
* **Available on a day** (``available_q``): a place that was validated (``validated_on`` set: a
  place closed later stays available until its last day), is open on the day and, for a category-2
  place starting on or after 1 June 2023, is confirmed by the agency. Its capacity counts as
  available beds. ``ReceptionPlace.is_available_on`` is the Python twin for one place.
* **Occupied on a day** (``occupied_q``): the household sizes of the allocations active on the day
  in places available on the day.
* **Beds in use of a place** (``beds_in_use_on``): every allocation of the place active on the day
  (the place list shows it for every place, available or not).
* **Free** (``free_beds``): available − occupied, **never clamped**. The services keep the beds in
  use within the capacity on every day, so free is never negative for a place; a negative total
  would reveal a data error and is shown, not hidden.
* **Realisation** (``realisation``): available beds / target as a **percentage with one decimal**
  (``Decimal``, half up; ``None`` without a target). Everywhere: pages, exports, API, home cards.
* **A period's point** (``last_point_of_month``): the figures of a month are those of its last
  snapshot date — on the dashboard, the evolution page and in exports alike.

**Facts in force on a day** (DOMAIN §5): capacity, category and start/end dates are effective-dated
(``hvt.PlacePeriod``). Every rule above reads the period in force on the day (``period_on``):
``capacity_on``, ``category_on``, ``place_open_on_q`` and ``available_q`` are correlated subqueries
(no extra query, no loop). A place without any period (a path that predates them) counts with its
own fields, exactly as the subsidy engine's SQL (``hvt.periods.available_segments_sql``) does, so
the dashboards, the snapshots and the engine agree on every day.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import CharField, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from hvt.constants import CATEGORY_2_CONFIRMATION_FROM, PlaceCategories

# The shift of DOMAIN §4 is measured at the last point before this date, and at the last point.
SHIFT_REFERENCE = dt.date(2024, 1, 1)
# Individual housing (category 1) against collective sites (categories 2 and 3).
INDIVIDUAL_CATEGORIES = frozenset({PlaceCategories.CAT1_PUBLIC, PlaceCategories.CAT1_PRIVATE})
COLLECTIVE_CATEGORIES = frozenset({PlaceCategories.CAT2, PlaceCategories.CAT3})


def open_on_q(day: dt.date, prefix: str = "") -> Q:
    """The row's period (start_date, end_date) covers ``day``."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def confirmed_q(prefix: str = "") -> Q:
    """Not a category-2 place from 1 June 2023 still waiting for the agency's confirmation."""
    return ~Q(**{f"{prefix}category": PlaceCategories.CAT2, f"{prefix}start_date__gte": CATEGORY_2_CONFIRMATION_FROM,
                 f"{prefix}agency_confirmed_on__isnull": True})


def _place_ref(prefix: str) -> OuterRef:
    """The outer place: ``pk`` of a ReceptionPlace queryset, or the ``place`` FK for ``prefix="place__"``."""
    return OuterRef(f"{prefix[:-2]}" if prefix else "pk")


def period_on(day: dt.date, prefix: str = "") -> QuerySet:
    """The PlacePeriod of the outer place in force on ``day`` (at most one: periods never overlap)."""
    from hvt.models import PlacePeriod

    return PlacePeriod.objects.filter(
        Q(valid_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day)), place=_place_ref(prefix)
    ).order_by()


def _without_periods(prefix: str) -> Exists:
    from hvt.models import PlacePeriod

    return ~Exists(PlacePeriod.objects.filter(place=_place_ref(prefix)))


def capacity_on(day: dt.date, prefix: str = ""):
    """The capacity in force on ``day`` (the place's own field when it has no period)."""
    return Coalesce(Subquery(period_on(day, prefix).values("capacity")[:1], output_field=IntegerField()),
                    f"{prefix}capacity", output_field=IntegerField())


def category_on(day: dt.date, prefix: str = ""):
    """The category in force on ``day`` (the place's own field when it has no period)."""
    return Coalesce(Subquery(period_on(day, prefix).values("category")[:1], output_field=CharField()),
                    f"{prefix}category", output_field=CharField())


def place_open_on_q(day: dt.date, prefix: str = "") -> Q:
    """The place is open on ``day`` by the start and end dates in force on that day."""
    return Q(Exists(period_on(day, prefix).filter(open_on_q(day)))) | (
        Q(_without_periods(prefix)) & open_on_q(day, prefix)
    )


def available_q(day: dt.date, prefix: str = "") -> Q:
    """A place whose capacity in force (``capacity_on``) counts as available beds on ``day`` (see
    the module): validated, open and confirmed by the facts of the period in force on ``day``."""
    in_force = period_on(day, prefix).filter(open_on_q(day)).exclude(
        category=PlaceCategories.CAT2, start_date__gte=CATEGORY_2_CONFIRMATION_FROM,
        place__agency_confirmed_on__isnull=True,
    )
    return Q(**{f"{prefix}validated_on__isnull": False}) & (
        Q(Exists(in_force)) | (Q(_without_periods(prefix)) & open_on_q(day, prefix) & confirmed_q(prefix))
    )


def occupied_q(day: dt.date) -> Q:
    """An allocation whose household counts as occupied beds on ``day`` (filter on Allocation)."""
    return open_on_q(day) & available_q(day, prefix="place__")


def beds_in_use_on(day: dt.date):
    """Per place (``OuterRef("pk")`` of a ReceptionPlace queryset): beds of its allocations active on ``day``."""
    from hvt.models import Allocation

    used = (
        Allocation.objects.filter(open_on_q(day), place=OuterRef("pk"))
        .order_by().values("place").annotate(beds=Sum("household_size")).values("beds")
    )
    return Coalesce(Subquery(used, output_field=IntegerField()), Value(0))


def free_beds(available: int | None, occupied: int | None) -> int:
    """Available − occupied, never clamped (see the module)."""
    return (available or 0) - (occupied or 0)


PERCENT = Decimal("0.1")


def percentage(part: int | None, whole: int | None) -> Decimal | None:
    """``part`` / ``whole`` as a percentage with one decimal (half up); None when ``whole`` is 0 or None."""
    if not whole:
        return None
    return (Decimal(100) * Decimal(part or 0) / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def realisation(available: int | None, target: int | None) -> Decimal | None:
    """Available beds / target, a percentage with one decimal (``Decimal``); None without a target."""
    return percentage(available, target)


def last_point_of_month(qs: QuerySet, field: str = "date") -> QuerySet:
    """Keep the rows of the last ``field`` date of each month present in ``qs`` (chosen in SQL)."""
    month_ends = (qs.order_by().annotate(month=TruncMonth(field)).values("month")
                  .annotate(last=Max(field)).values("last"))
    return qs.filter(**{f"{field}__in": month_ends})


def shift_points(series: dict) -> list[dict]:
    """Occupied beds in individual housing (category 1) against collective sites (2 and 3) at the
    last point before ``SHIFT_REFERENCE`` and at the last point of ``series`` (capacity_series_for_user):
    the shift of DOMAIN §4 in figures; ``share`` is a percentage with one decimal."""
    labels = series["labels"]
    if not labels:
        return []
    points = []
    before = [i for i, label in enumerate(labels) if label < SHIFT_REFERENCE.isoformat()]
    if before and before[-1] != len(labels) - 1:
        points.append(before[-1])
    points.append(len(labels) - 1)
    out = []
    for i in points:
        individual = sum(series["series"][c]["occupied"][i] for c in INDIVIDUAL_CATEGORIES)
        collective = sum(series["series"][c]["occupied"][i] for c in COLLECTIVE_CATEGORIES)
        out.append({"date": labels[i], "individual": individual, "collective": collective,
                    "share": percentage(individual, individual + collective)})
    return out
