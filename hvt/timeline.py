"""A place's timeline: its dated events, oldest first (the place page)."""

from __future__ import annotations

from core import clock
from hvt.models import ReceptionPlace


def _capacity_changes(place: ReceptionPlace) -> list[dict]:
    """Each change of the capacity (from the audit trail of place_update): one query."""
    from audit.constants import AuditActions
    from audit.models import AuditEvent

    rows = (AuditEvent.objects.filter(object_type=ReceptionPlace._meta.label_lower, object_id=str(place.pk),
                                      action=AuditActions.UPDATE, changes__has_key="capacity")
            .order_by("occurred_at", "pk").values("occurred_at", "changes", "actor_username"))
    return [{"date": clock.brussels_date(row["occurred_at"]),
             "kind": "capacity", "old": row["changes"]["capacity"][0], "new": row["changes"]["capacity"][1],
             "actor": row["actor_username"]} for row in rows
            if isinstance(row["changes"].get("capacity"), list)]


def place_timeline(place: ReceptionPlace) -> list[dict]:
    """Dated events of a place, oldest first: start, checks, validation, capacity changes, allocations, end."""
    events = [{"date": place.start_date, "kind": "start", "label": "start"}]
    for check in place.quality_checks.all():
        events.append({"date": check.checked_on, "kind": "check", "object": check})
    if place.validated_on:
        events.append({"date": place.validated_on, "kind": "validated"})
    if place.agency_confirmed_on:
        events.append({"date": place.agency_confirmed_on, "kind": "confirmed"})
    for allocation in place.allocations.all():
        events.append({"date": allocation.start_date, "kind": "allocation_start", "object": allocation})
        if allocation.end_date:
            events.append({"date": allocation.end_date, "kind": "allocation_end", "object": allocation})
    if place.end_date:
        events.append({"date": place.end_date, "kind": "end"})
    events += _capacity_changes(place)
    order = {"start": 0, "check": 1, "validated": 2, "confirmed": 3, "capacity": 4, "allocation_start": 5,
             "allocation_end": 6, "end": 7}
    return sorted(events, key=lambda e: (e["date"], order[e["kind"]]))
