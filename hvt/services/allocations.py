"""Allocations: a household assigned to a place, ended, moved; the beds in use never exceed the
capacity on any day (the place row is locked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from audit.constants import AuditActions
from hvt.constants import (
    MAX_HOUSEHOLD_SIZE,
    PlaceStatuses,
)
from hvt.models import (
    Allocation,
    ReceptionPlace,
)
from hvt.services.common import (
    _audit,
    _check_at_most,
    _check_start,
    _lock_place,
    _require_scope,
    errors_together,
    least_free_beds,
)


def first_allocation_refresh(place_ids: Iterable[int] | QuerySet | None = None) -> int:
    """Set ``ReceptionPlace.first_allocation_on`` of the given places (ids, a queryset of their ids,
    or ``None``: every place) to the earliest start of their allocations (NULL without any): one
    set-based UPDATE with a correlated MIN (an index probe per place on ``hvt_alloc_period_idx``;
    ``updated_at`` is left alone: not an edit of the place). The one writer of the column: every
    path that adds, moves or removes an allocation or changes its start calls it (the services
    below, ``hvt.demo``, ``benchmarks.generate``); returns the number of places updated."""
    places = ReceptionPlace.objects.all()
    if place_ids is not None:
        places = places.filter(pk__in=place_ids if isinstance(place_ids, QuerySet) else sorted(set(place_ids)))
    first = (Allocation.objects.filter(place_id=OuterRef("pk")).order_by().values("place_id")
             .annotate(first=Min("start_date")).values("first"))
    return places.update(first_allocation_on=Subquery(first))


def _check_size_sum(household_size, adults, minors) -> None:
    if adults is not None and minors is not None and household_size is not None and adults + minors != household_size:
        raise ValidationError({"household_size": _("Gezinsgrootte moet gelijk zijn aan volwassenen + minderjarigen.")})


def _check_allocation_period(start_date, end_date) -> None:
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("De toewijzing kan niet eindigen voor ze begint.")})


def _check_allocation_fits(place: ReceptionPlace, allocation: Allocation, *, exclude_pk: int | None = None) -> None:
    if place.status == PlaceStatuses.CLOSED:
        raise ValidationError(_("Deze plaats is afgesloten: er kan niemand meer toegewezen worden."))
    if place.status != PlaceStatuses.VALIDATED:
        raise ValidationError(_("Deze plaats is nog niet gevalideerd (woningkwaliteitscontrole)."))
    if not place.is_available:
        raise ValidationError(_("Deze plaats van categorie 2 wacht nog op de bevestiging van het agentschap."))
    if allocation.start_date < place.start_date:
        raise ValidationError({"start_date": _("De toewijzing begint voor de startdatum van de plaats.")})
    if place.end_date is not None:
        if allocation.end_date is None:
            raise ValidationError({"end_date": _("De plaats heeft een einddatum: geef een einddatum op.")})
        if allocation.end_date > place.end_date or allocation.start_date > place.end_date:
            raise ValidationError({"end_date": _("De toewijzing loopt na de einddatum van de plaats.")})
    # over the period: the fewest free beds on any day, by the capacity in force that day (PlacePeriod)
    free = least_free_beds(place=place, start=allocation.start_date, end=allocation.end_date, exclude_pk=exclude_pk)
    if allocation.household_size > free:
        raise ValidationError(
            {"household_size": _("Niet genoeg vrije bedden in deze periode: %(free)s vrij, %(size)s nodig.")
             % {"free": free, "size": allocation.household_size}}
        )


@transaction.atomic
def allocation_create(
    *,
    actor,
    place: ReceptionPlace,
    household_reference: str,
    household_size: int,
    adults: int,
    minors: int,
    start_date: dt.date,
    end_date: dt.date | None = None,
    moved_from: Allocation | None = None,
    is_demo: bool = False,
    resident_fee_per_day: Decimal = Decimal("0.00"),
) -> Allocation:
    """Assign a household to a validated, open place. The place row is locked (SELECT … FOR
    UPDATE), so two officers allocating the last bed at once are served one after the other and
    the beds in use never exceed the capacity on any day."""
    place = _lock_place(place)
    _require_scope(actor, place.municipality_id)
    allocation = Allocation(
        place=place, household_reference=household_reference, household_size=household_size, adults=adults,
        minors=minors, start_date=start_date, end_date=end_date, moved_from=moved_from, is_demo=is_demo,
        resident_fee_per_day=resident_fee_per_day,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    errors_together(  # every rule at once, each next to its field (the constraints' Python twins)
        lambda: _check_at_most(household_size, MAX_HOUSEHOLD_SIZE, "household_size"),
        lambda: _check_size_sum(household_size, adults, minors),
        lambda: _check_start(start_date),
        lambda: _check_allocation_period(start_date, end_date),
        lambda: allocation.full_clean(validate_constraints=False),
    )
    _check_allocation_fits(place, allocation)
    allocation.save()
    first_allocation_refresh([place.pk])
    _audit(actor, AuditActions.CREATE, allocation, {
        "place": place.pk, "household_reference": household_reference, "household_size": household_size,
        "adults": adults, "minors": minors, "start_date": str(start_date),
        "end_date": str(end_date) if end_date else None, "resident_fee_per_day": str(resident_fee_per_day),
    })
    return allocation


@transaction.atomic
def allocation_end(*, actor, allocation: Allocation, end_date: dt.date, reason: str = "") -> Allocation:
    """End an allocation on ``end_date`` (its last day); an end never lies before the start or
    after an end already set (extending is a new allocation, with its capacity check)."""
    place = _lock_place(allocation.place_id)
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _require_scope(actor, place.municipality_id)
    if end_date < allocation.start_date:
        raise ValidationError({"end_date": _("De einddatum ligt voor het begin van de toewijzing.")})
    if allocation.end_date is not None and end_date > allocation.end_date:
        raise ValidationError({"end_date": _("Een toewijzing kan hier niet verlengd worden.")})
    before = str(allocation.end_date) if allocation.end_date else None
    allocation.end_date = end_date
    allocation.end_reason = reason[:200]
    allocation.full_clean()
    allocation.save(update_fields=["end_date", "end_reason"])
    _audit(actor, AuditActions.UPDATE, allocation, {"end_date": [before, str(end_date)]}, reason=reason)
    return allocation


@transaction.atomic
def allocation_move(*, actor, allocation: Allocation, to_place: ReceptionPlace, move_date: dt.date) -> Allocation:
    """Move a household: the allocation ends the day before ``move_date`` and a new one in
    ``to_place`` starts on it, until the old end date. Both places are locked in id order."""
    if to_place.pk == allocation.place_id:
        raise ValidationError({"to_place": _("Kies een andere plaats.")})
    for pk in sorted([allocation.place_id, to_place.pk]):
        _lock_place(pk)
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _require_scope(actor, allocation.place.municipality_id)
    if move_date <= allocation.start_date:
        raise ValidationError({"move_date": _("De verhuisdatum ligt na het begin van de toewijzing.")})
    if allocation.end_date is not None and move_date > allocation.end_date:
        raise ValidationError({"move_date": _("De toewijzing is dan al beëindigd.")})
    old_end = allocation.end_date
    allocation_end(actor=actor, allocation=allocation, end_date=move_date - dt.timedelta(days=1), reason=_("verhuisd"))
    return allocation_create(
        actor=actor, place=to_place, household_reference=allocation.household_reference,
        household_size=allocation.household_size, adults=allocation.adults, minors=allocation.minors,
        start_date=move_date, end_date=old_end, moved_from=allocation, resident_fee_per_day=allocation.resident_fee_per_day,
    )
