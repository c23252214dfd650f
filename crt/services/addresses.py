"""The address history behind the guidance-subsidy count: municipality and dates only.

Call these inside a ``transaction.atomic(using="crt")`` of the service that changes the person.
"""

from __future__ import annotations

import datetime as dt

from crt.models import AddressPeriod, Person
from crt.services.common import DB
from crt.services.counts import counts_kept


def _address_period_current(person_id: int) -> AddressPeriod | None:
    return (AddressPeriod.objects.using(DB).select_for_update()
            .filter(person_id=person_id, valid_to__isnull=True).first())


def address_move(*, person: Person, municipality_refnis: str, moved_on: dt.date) -> None:
    """A real move: close the open period the day of the move and open one in the new municipality.

    Nothing happens when the municipality does not change (a move within it does not change any
    count). A move dated on or before the open period's start replaces that period's
    municipality (no empty period).
    """
    with counts_kept(person.pk):
        current = _address_period_current(person.pk)
        if current is not None and current.municipality_refnis == municipality_refnis:
            return
        if current is not None and moved_on <= current.valid_from:
            current.municipality_refnis = municipality_refnis
            current.save(using=DB, update_fields=["municipality_refnis"])
            return
        if current is not None:
            current.valid_to = moved_on
            current.save(using=DB, update_fields=["valid_to"])
        AddressPeriod.objects.using(DB).create(person=person, municipality_refnis=municipality_refnis, valid_from=moved_on)


def address_correct(*, person: Person, municipality_refnis: str, default_from: dt.date) -> None:
    """A correction (a typo, a wrong municipality chosen): the open period gets the right
    municipality from its start, so counts for dates in that period change with it. Real moves
    come from the national register (``person_register_check``)."""
    with counts_kept(person.pk):
        current = _address_period_current(person.pk)
        if current is None:
            AddressPeriod.objects.using(DB).create(person=person, municipality_refnis=municipality_refnis,
                                                   valid_from=default_from)
        elif current.municipality_refnis != municipality_refnis:
            current.municipality_refnis = municipality_refnis
            current.save(using=DB, update_fields=["municipality_refnis"])
