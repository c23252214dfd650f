"""What every HVT service shares: the scope check, the address, date and category rules, the place
lock, the beds in use over a period and the audit call."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.selectors import user_in_scope_of
from audit.services import audit_log
from geo.selectors import municipalities_of_postal_code, postal_code_belongs_to
from hvt.constants import (
    EARLIEST_START,
    WRITE_ROLES,
    PlaceCategories,
)
from hvt.models import (
    Allocation,
    ReceptionPlace,
)

PLACE_FIELDS = [
    "municipality_id", "name", "street", "house_number", "postal_code", "operator", "capacity", "category",
    "category_2_subtype", "start_date", "end_date", "accessible", "pets_allowed", "notes",
]
EDITABLE_PLACE_FIELDS = frozenset(PLACE_FIELDS) - {"municipality_id"} | {"municipality"}


class ScopeError(ValidationError):
    """The actor may not change data of this municipality."""


def _require_scope(actor, municipality_id: str, *, roles=WRITE_ROLES, permitted: frozenset[str] | None = None) -> None:
    """Defence in depth: views already 404 outside the scope; imports and the API rely on this.
    ``permitted``: the municipalities (among those of a batch) the actor may write to, loaded once
    by ``new_place_lookups`` (with WRITE_ROLES); without it the scope is queried."""
    if actor is None:  # system work: demo seeding, tasks
        return
    if permitted is not None:
        allowed = municipality_id in permitted
    else:
        allowed = user_in_scope_of(actor, municipality_id, roles=roles)
    if not allowed:
        raise ScopeError(_("U hebt geen toegang tot gemeente %(refnis)s.") % {"refnis": municipality_id})


def _check_address(*, municipality_id: str, postal_code: str,
                   known_pairs: frozenset[tuple[str, str]] | None = None) -> None:
    """``known_pairs``: the existing (postal code, municipality) pairs of a batch, loaded once."""
    if not (postal_code and municipality_id):
        return
    if known_pairs is not None:
        belongs = (postal_code, municipality_id) in known_pairs
    else:
        belongs = postal_code_belongs_to(postal_code=postal_code, municipality_refnis=municipality_id)
    if not belongs:
        raise ValidationError(
            {"postal_code": _("Postcode %(code)s hoort niet bij deze gemeente.") % {"code": postal_code}}
        )


def errors_together(*checks) -> None:
    """Run every check (a callable that may raise a ValidationError) and raise their errors as one,
    so a form shows every problem at once instead of one per submit."""
    errors: dict = {}
    for check in checks:
        try:
            check()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _check_start(start_date, field="start_date") -> None:
    if start_date and start_date < EARLIEST_START:
        raise ValidationError({field: _("De startdatum kan niet voor 14 maart 2022 liggen.")})


def _check_period(start_date, end_date) -> None:
    """The Python twin of the hvt_place_period constraint (so a batch is checked without queries)."""
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("De einddatum ligt voor de startdatum van de plaats.")})


def _check_at_most(value, maximum: int, field: str) -> None:
    """The upper limits of hvt.constants (capacity, household size)."""
    if value is not None and value > maximum:
        raise ValidationError({field: _("Ten hoogste %(max)s.") % {"max": maximum}})


def municipality_of_postal_code(postal_code: str) -> str:
    """The one municipality (REFNIS) of a postal code; a ValidationError when there is none (not in
    Flanders) or several (the caller must choose the municipality)."""
    matches = list(municipalities_of_postal_code(postal_code).values_list("pk", flat=True)[:2])
    if not matches:
        raise ValidationError({"postal_code": _("Deze postcode ligt niet in Vlaanderen.")})
    if len(matches) > 1:
        raise ValidationError({"municipality": _("Deze postcode hoort bij meerdere gemeenten: kies de gemeente.")})
    return matches[0]


def _check_subtype(category: str, subtype: str) -> None:
    if category == PlaceCategories.CAT2 and not subtype:
        raise ValidationError({"category_2_subtype": _("Kies het type van een plaats van categorie 2.")})
    if category != PlaceCategories.CAT2 and subtype:
        raise ValidationError({"category_2_subtype": _("Enkel een plaats van categorie 2 heeft een type.")})


def _lock_place(place: ReceptionPlace | int) -> ReceptionPlace:
    """Lock the place row for the rest of the transaction: allocations on one place are serialised."""
    pk = place.pk if isinstance(place, ReceptionPlace) else place
    return ReceptionPlace.objects.select_for_update().get(pk=pk)


def _beds_in_use_changes(*, place_id: int, start: dt.date, end: dt.date | None,
                         exclude_pk: int | None) -> dict[dt.date, int]:
    """Day → change in beds in use from that day on, over the allocations of the place that touch
    [start, end] (one query); a sweep over the sorted days gives the beds in use on each day."""
    qs = Allocation.objects.filter(place_id=place_id).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    changes: dict[dt.date, int] = defaultdict(int)
    for a_start, a_end, size in qs.values_list("start_date", "end_date", "household_size"):
        changes[max(a_start, start)] += size
        if a_end is not None:
            changes[a_end + dt.timedelta(days=1)] -= size
    return changes


def peak_beds(*, place_id: int, start: dt.date, end: dt.date | None, exclude_pk: int | None = None) -> int:
    """The highest number of beds in use on any day of [start, end] (end None: open-ended)."""
    changes = _beds_in_use_changes(place_id=place_id, start=start, end=end, exclude_pk=exclude_pk)
    peak = running = 0
    for day in sorted(changes):
        running += changes[day]
        peak = max(peak, running)
    return peak


def capacity_segments(place) -> list[tuple[dt.date, dt.date | None, int]]:
    """(from, until, capacity) of a place over time by its effective-dated periods (one query): the
    days a period is in force and the place open by that period's dates; the place's own fields when
    it has no period (the same definition as ``hvt.querysets.capacity_on`` / ``place_open_on_q``)."""
    periods = list(place.periods.order_by("valid_from").values_list(
        "valid_from", "valid_until", "start_date", "end_date", "capacity"))
    if not periods:
        return [(place.start_date, place.end_date, place.capacity)]
    out = []
    for valid_from, valid_until, start_date, end_date, capacity in periods:
        begin = max(valid_from, start_date)
        ends = [d for d in (valid_until, end_date) if d is not None]
        until = min(ends) if ends else None
        if until is None or begin <= until:
            out.append((begin, until, capacity))
    return out


def least_free_beds(*, place, start: dt.date, end: dt.date | None, exclude_pk: int | None = None) -> int:
    """The fewest free beds on any day of [start, end] (end None: open-ended): the capacity in force
    that day (``capacity_segments``; 0 on a day no period holds) minus the beds in use that day.
    Two queries (periods, allocations), a sweep over the change days in Python."""
    used = _beds_in_use_changes(place_id=place.pk, start=start, end=end, exclude_pk=exclude_pk)
    capacity: dict[dt.date, int] = defaultdict(int)
    for seg_from, seg_until, beds in capacity_segments(place):
        if seg_until is not None and seg_until < start:
            continue
        capacity[max(seg_from, start)] += beds
        if seg_until is not None:
            capacity[seg_until + dt.timedelta(days=1)] -= beds
    days = sorted({d for d in (*used, *capacity) if end is None or d <= end} | {start})
    in_use = beds = 0
    least = None
    for day in days:
        in_use += used.get(day, 0)
        beds += capacity.get(day, 0)
        free = beds - in_use
        least = free if least is None else min(least, free)
    return max(least or 0, 0)


def _audit(actor, action, obj, changes, reason=""):
    audit_log(actor=actor, action=action, obj=obj, changes=changes, reason=reason)
