"""Capacity snapshots: the figures of one day per municipality × category, kept for the evolution."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Case, IntegerField, Q, Sum, When

from hvt.constants import (
    CATEGORY_2_CONFIRMATION_FROM,
    PlaceCategories,
)
from hvt.models import (
    Allocation,
    CapacitySnapshot,
    ReceptionPlace,
)


def _open_on(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def _available_q(prefix: str = "") -> Q:
    """Ever validated and, for a category-2 place from 1 June 2023, confirmed by the agency."""
    return Q(**{f"{prefix}validated_on__isnull": False}) & ~Q(
        **{f"{prefix}category": PlaceCategories.CAT2, f"{prefix}start_date__gte": CATEGORY_2_CONFIRMATION_FROM,
           f"{prefix}agency_confirmed_on__isnull": True}
    )


@transaction.atomic
def snapshot_take(*, day: dt.date) -> int:
    """Store capacity, available, occupied and free beds per municipality × category for ``day``.
    Idempotent: the day's rows are replaced. Three queries whatever the data size."""
    places = (
        ReceptionPlace.objects.filter(_open_on(day))
        .values("municipality_id", "category")
        .annotate(
            capacity_sum=Sum("capacity"),
            available_sum=Sum(Case(When(_available_q(), then="capacity"), default=0, output_field=IntegerField())),
        )
    )
    occupied = (
        Allocation.objects.filter(_open_on(day))
        .values("place__municipality_id", "place__category")
        .annotate(beds=Sum("household_size"))
    )
    occ = {(r["place__municipality_id"], r["place__category"]): r["beds"] for r in occupied}
    rows = []
    for r in places:
        key = (r["municipality_id"], r["category"])
        used = occ.get(key, 0) or 0
        available = r["available_sum"] or 0
        rows.append(CapacitySnapshot(
            date=day, municipality_id=key[0], category=key[1], capacity=r["capacity_sum"] or 0,
            available=available, occupied=used, free=max(available - used, 0),
        ))
    CapacitySnapshot.objects.filter(date=day).delete()
    CapacitySnapshot.objects.bulk_create(rows)
    return len(rows)
