"""Every change of HVT data is an audit event (actor, action, object)."""

import datetime as dt

import pytest

from audit.models import AuditEvent
from hvt import services
from tests.hvt.helpers import GENT, allocate, register, validated

pytestmark = pytest.mark.django_db


def _events(obj):
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
                .order_by("pk").values_list("action", "actor_username"))


def test_place_lifecycle_is_audited(gent_officer):
    place = register(gent_officer)
    services.quality_check_record(actor=gent_officer, place=place, checked_on=dt.date(2022, 4, 1), inspector="X",
                                  no_category_3_defects=True, no_critical_category_2_defects=True,
                                  not_uninhabitable=True, no_overcrowding=True)
    services.place_validate(actor=gent_officer, place=place)
    services.place_update(actor=gent_officer, place=place, capacity=9)
    services.place_close(actor=gent_officer, place=place, end_date=dt.date(2023, 1, 1), reason="einde huurcontract")
    assert _events(place) == [("create", "officer-gent")] + [("update", "officer-gent")] * 3
    close = AuditEvent.objects.filter(object_type="hvt.receptionplace", object_id=str(place.pk)).latest("pk")
    assert close.reason == "einde huurcontract" and close.changes["status"] == ["validated", "closed"]
    assert AuditEvent.objects.filter(object_type="hvt.qualitycheck", changes__place=place.pk).exists()


def test_allocation_changes_are_audited_without_names(gent_officer):
    first, second = validated(gent_officer, capacity=4), validated(gent_officer, capacity=4)
    allocation = allocate(gent_officer, first, size=2, ref="HH-AUD-1")
    moved = services.allocation_move(actor=gent_officer, allocation=allocation, to_place=second, move_date=dt.date(2022, 7, 1))
    services.allocation_end(actor=gent_officer, allocation=moved, end_date=dt.date(2022, 8, 1))
    assert [a for a, _ in _events(allocation)] == ["create", "update"]
    assert [a for a, _ in _events(moved)] == ["create", "update"]
    created = AuditEvent.objects.filter(object_type="hvt.allocation", object_id=str(allocation.pk), action="create").get()
    assert created.changes["household_reference"] == "HH-AUD-1" and created.changes["household_size"] == 2


def test_offers_notes_and_targets_are_audited(make_user, gent_officer, coordinator):
    from geo.models import Municipality, PopulationFigure

    portal = make_user("portal_user")
    offer = services.offer_submit(actor=portal, municipality=GENT, street="Veldstraat", house_number="1",
                                  postal_code="9000", operator="P", capacity=2, available_from=dt.date(2022, 4, 1))
    services.offer_reject(actor=gent_officer, offer=offer, reason="te klein")
    assert [a for a, _ in _events(offer)] == ["create", "update"]
    vlot = make_user("hvt_vlot", provinces=["40000"])
    note = services.steering_note_create(actor=vlot, municipality=GENT, text="opvolgen")
    assert _events(note) == [("create", vlot.username)]
    PopulationFigure.objects.bulk_create([PopulationFigure(municipality=m, year=2024, men=1, women=1, total=2)
                                          for m in Municipality.objects.all()])
    round_ = services.target_round_create(actor=coordinator, total=600, effective_on=dt.date(2022, 4, 1))
    target = round_.municipality_targets.get(municipality_id=GENT)
    services.target_override_set(actor=coordinator, target=target, value=10, reason="nooddorp")
    assert _events(round_) == [("create", "coordinator")]
    assert _events(target) == [("update", "coordinator")]
