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
(no extra query, no loop), exactly as the subsidy engine's SQL (``hvt.periods.available_segments_sql``)
reads them, so the dashboards, the snapshots and the engine agree on every day. Every place has a
period (its services create the first with the place; on PostgreSQL a constraint trigger refuses a
commit that leaves a place without one, hvt migration 0008): a day no period of a place holds is a
day it counts nowhere.

**Two readings of the same rule.** The correlated form above fits anywhere (a filter, a subquery,
one place). An aggregate over many rows reads the period in force once by a join instead:
``with_period_on(qs, day, prefix)`` LEFT JOINs it (at most one row per place, since periods never
overlap) and ``capacity_in_force``, ``category_in_force`` and ``available_in_force_q`` read its
columns; occupied beds are read from the same places, with their allocations active on the day
joined (``with_allocations_on``, ``occupied_in_force``). Both readings are built from the same
conditions (``_in_force_q``, ``_period_counts_q``, ``open_on_q``);
``tests/hvt/test_definitions.py`` holds them equal place by place and allocation by allocation. Why: Django repeats an annotation inside every ``FILTER``
clause, so a per-category sum over ``category_on`` ran one correlated probe per row *and* per
category (4 per allocation, up to 9 per place); the dashboard's two sums went from 2 ms of period
probes to ~1 s at scale 1 (benchmarks/RESULTS.md, "Effective-dated overview").
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    CharField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from hvt.constants import CATEGORY_2_CONFIRMATION_FROM, PlaceCategories

# The shift of DOMAIN §4 is measured at the last point before this date, and at the last point.
SHIFT_REFERENCE = dt.date(2024, 1, 1)
# Individual housing (category 1) against collective sites (categories 2 and 3).
INDIVIDUAL_CATEGORIES = frozenset({PlaceCategories.CAT1_PUBLIC, PlaceCategories.CAT1_PRIVATE})
COLLECTIVE_CATEGORIES = frozenset({PlaceCategories.CAT2, PlaceCategories.CAT3})
OTHER_THAN_CATEGORY_2 = tuple(c for c in PlaceCategories.values if c != PlaceCategories.CAT2)


def open_on_q(day: dt.date, prefix: str = "") -> Q:
    """The row's period (start_date, end_date) covers ``day``."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def not_validated_on_q(day: dt.date, prefix: str = "") -> Q:
    """The place was not (yet) validated on ``day``: never, or only later."""
    return Q(**{f"{prefix}validated_on__isnull": True}) | Q(**{f"{prefix}validated_on__gt": day})


def confirmed_q(prefix: str = "", facts: str | None = None) -> Q:
    """Not a category-2 place from 1 June 2023 still waiting for the agency's confirmation. The
    category and start date are read with ``facts`` (the period in force; default: the place's own
    fields, ``prefix``), the confirmation always from the place (``prefix``)."""
    facts = prefix if facts is None else facts
    # Written without negation (category and start date are NOT NULL): a negated condition on the
    # joined period (a reverse relation) would make Django add a NOT IN subquery.
    return (Q(**{f"{facts}category__in": OTHER_THAN_CATEGORY_2})
            | Q(**{f"{facts}start_date__lt": CATEGORY_2_CONFIRMATION_FROM})
            | Q(**{f"{prefix}agency_confirmed_on__isnull": False}))


def _in_force_q(day: dt.date, period: str = "") -> Q:
    """The period (fields prefixed ``period``) is in force on ``day``."""
    return Q(**{f"{period}valid_from__lte": day}) & (
        Q(**{f"{period}valid_until__isnull": True}) | Q(**{f"{period}valid_until__gte": day})
    )


def _period_counts_q(day: dt.date, period: str, place: str) -> Q:
    """The period in force (``period``) makes its place's capacity count on ``day``: open on the day by
    the period's dates and confirmed (the confirmation is the place's, ``place``)."""
    return open_on_q(day, period) & confirmed_q(place, facts=period)


def _place_ref(prefix: str) -> OuterRef:
    """The outer place: ``pk`` of a ReceptionPlace queryset, or the ``place`` FK for ``prefix="place__"``."""
    return OuterRef(f"{prefix[:-2]}" if prefix else "pk")


def period_on(day: dt.date, prefix: str = "") -> QuerySet:
    """The PlacePeriod of the outer place in force on ``day`` (at most one: periods never overlap)."""
    from hvt.models import PlacePeriod

    return PlacePeriod.objects.filter(_in_force_q(day), place=_place_ref(prefix)).order_by()


def capacity_on(day: dt.date, prefix: str = ""):
    """The capacity in force on ``day`` (the place's own field on a day no period holds)."""
    return Coalesce(Subquery(period_on(day, prefix).values("capacity")[:1], output_field=IntegerField()),
                    f"{prefix}capacity", output_field=IntegerField())


def category_on(day: dt.date, prefix: str = ""):
    """The category in force on ``day`` (the place's own field on a day no period holds)."""
    return Coalesce(Subquery(period_on(day, prefix).values("category")[:1], output_field=CharField()),
                    f"{prefix}category", output_field=CharField())


def place_open_on_q(day: dt.date, prefix: str = "") -> Q:
    """The place is open on ``day`` by the start and end dates in force on that day."""
    return Q(Exists(period_on(day, prefix).filter(open_on_q(day))))


def available_q(day: dt.date, prefix: str = "") -> Q:
    """A place whose capacity in force (``capacity_on``) counts as available beds on ``day`` (see
    the module): validated, open and confirmed by the facts of the period in force on ``day``."""
    in_force = period_on(day, prefix).filter(_period_counts_q(day, "", "place__"))
    return Q(**{f"{prefix}validated_on__isnull": False}) & Q(Exists(in_force))


def occupied_q(day: dt.date) -> Q:
    """An allocation whose household counts as occupied beds on ``day`` (filter on Allocation)."""
    return open_on_q(day) & available_q(day, prefix="place__")


# --- The same rules read through one join (for aggregates over many places or allocations) -------------
IN_FORCE = "period_in_force"


def with_period_on(qs: QuerySet, day: dt.date, prefix: str = "") -> QuerySet:
    """``qs`` (ReceptionPlace; Allocation with ``prefix="place__"``) with the place's period in force
    on ``day`` LEFT JOINed as ``IN_FORCE``: one row per place or allocation, since periods never
    overlap. Read it with the ``*_in_force`` functions below (same ``prefix``)."""
    relation = f"{prefix}periods"
    return qs.alias(**{IN_FORCE: FilteredRelation(relation, condition=_in_force_q(day, f"{relation}__"))})


def capacity_in_force():
    """``capacity_on`` over the joined period (``with_period_on``), on the rows ``available_in_force_q``
    keeps: they always have a period in force, so no fallback to the place's own field."""
    return F(f"{IN_FORCE}__capacity")


def category_in_force():
    """``category_on`` over the joined period (``with_period_on``), as ``capacity_in_force``."""
    return F(f"{IN_FORCE}__category")


def available_in_force_q(day: dt.date, prefix: str = "") -> Q:
    """``available_q`` over the joined period (``with_period_on``): the same conditions."""
    return (Q(**{f"{prefix}validated_on__isnull": False}) & Q(**{f"{IN_FORCE}__isnull": False})
            & _period_counts_q(day, f"{IN_FORCE}__", prefix))


OCCUPYING = "allocation_on_day"


def with_allocations_on(qs: QuerySet, day: dt.date) -> QuerySet:
    """``qs`` (ReceptionPlace) with its allocations active on ``day`` (``open_on_q``) LEFT JOINed as
    ``OCCUPYING``: one row per place and active allocation. Filtered by ``available_in_force_q`` (over
    ``with_period_on`` of the same day), ``occupied_in_force()`` summed over the rows is ``occupied_q``'s
    beds: the allocations active on the day in the places available on the day. Why from the place
    side: "has no period at all" then correlates on the place, so PostgreSQL decides availability once
    per place before it joins the allocations (from the allocation side it correlated on
    ``allocation.place_id`` and ran after the join; the planner costed that per allocation, ~50×, which
    also switched on JIT compilation: 100–200 ms of a 300 ms overview)."""
    return qs.alias(**{OCCUPYING: FilteredRelation("allocations", condition=open_on_q(day, "allocations__"))})


def occupied_in_force():
    """The household size of the joined allocation (``with_allocations_on``); NULL on a place's row
    without one (a sum skips it)."""
    return F(f"{OCCUPYING}__household_size")


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
