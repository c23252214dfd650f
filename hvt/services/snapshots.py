"""Capacity snapshots: the figures of one day per municipality × category, kept for the evolution.
Available, occupied and free beds follow hvt.querysets, as every page does."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum

from hvt.models import Allocation, CapacitySnapshot, ReceptionPlace
from hvt.querysets import available_q, capacity_on, category_on, free_beds, occupied_q, place_open_on_q


@transaction.atomic
def snapshot_take(*, day: dt.date) -> int:
    """Store capacity (every place open on ``day``), available, occupied and free beds per
    municipality × category for ``day``, by the place facts in force on ``day`` (hvt.querysets). Idempotent: the day's rows are replaced. Three queries
    whatever the data size."""
    places = (
        ReceptionPlace.objects.filter(place_open_on_q(day))
        .annotate(capacity_day=capacity_on(day), category_day=category_on(day))
        .values("municipality_id", "category_day")
        .annotate(capacity_sum=Sum("capacity_day"), available_sum=Sum("capacity_day", filter=available_q(day)))
        .order_by()
    )
    occupied = (
        Allocation.objects.filter(occupied_q(day))
        .annotate(category_day=category_on(day, "place__"))
        .values("place__municipality_id", "category_day")
        .annotate(beds=Sum("household_size"))
        .order_by()
    )
    occ = {(r["place__municipality_id"], r["category_day"]): r["beds"] for r in occupied}
    rows = []
    for r in places:
        key = (r["municipality_id"], r["category_day"])
        used = occ.get(key, 0) or 0
        available = r["available_sum"] or 0
        rows.append(CapacitySnapshot(
            date=day, municipality_id=key[0], category=key[1], capacity=r["capacity_sum"] or 0,
            available=available, occupied=used, free=free_beds(available, used),
        ))
    CapacitySnapshot.objects.filter(date=day).delete()
    CapacitySnapshot.objects.bulk_create(rows)
    return len(rows)
