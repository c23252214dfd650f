"""Capacity snapshots: the figures of one day per municipality × category, kept for the evolution.
Available, occupied and free beds follow hvt.querysets, as every page does."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum

from hvt.models import Allocation, CapacitySnapshot, ReceptionPlace
from hvt.querysets import available_q, free_beds, occupied_q, open_on_q


@transaction.atomic
def snapshot_take(*, day: dt.date) -> int:
    """Store capacity (every place open on ``day``), available, occupied and free beds per
    municipality × category for ``day``. Idempotent: the day's rows are replaced. Three queries
    whatever the data size."""
    places = (
        ReceptionPlace.objects.filter(open_on_q(day))
        .values("municipality_id", "category")
        .annotate(capacity_sum=Sum("capacity"), available_sum=Sum("capacity", filter=available_q(day)))
        .order_by()
    )
    occupied = (
        Allocation.objects.filter(occupied_q(day))
        .values("place__municipality_id", "place__category")
        .annotate(beds=Sum("household_size"))
        .order_by()
    )
    occ = {(r["place__municipality_id"], r["place__category"]): r["beds"] for r in occupied}
    rows = []
    for r in places:
        key = (r["municipality_id"], r["category"])
        used = occ.get(key, 0) or 0
        available = r["available_sum"] or 0
        rows.append(CapacitySnapshot(
            date=day, municipality_id=key[0], category=key[1], capacity=r["capacity_sum"] or 0,
            available=available, occupied=used, free=free_beds(available, used),
        ))
    CapacitySnapshot.objects.filter(date=day).delete()
    CapacitySnapshot.objects.bulk_create(rows)
    return len(rows)
