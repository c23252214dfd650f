"""Rules that used to live in forms, views or templates, pinned where they live now (issue 13):
postal code → municipality and the upper limits in the services, "can confirm" / "can allocate" and
"active today" in the selectors, the shift's reference date in one constant."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count

from accounts.constants import Roles
from geo.models import PostalCode
from hvt import selectors, services
from hvt.constants import MAX_HOUSEHOLD_SIZE, MAX_OFFER_CAPACITY, MAX_PLACE_CAPACITY, PlaceCategories
from hvt.querysets import SHIFT_REFERENCE, shift_points
from tests.hvt.helpers import GENT, GENT_POSTAL, allocate, register, validated

pytestmark = pytest.mark.django_db


def _offer(actor, **extra):
    data = dict(street="Veldstraat", house_number="3", postal_code=GENT_POSTAL, operator="Familie",
                capacity=3, available_from=dt.date(2024, 1, 1))
    data.update(extra)
    return services.offer_submit(actor=actor, **data)


def test_offer_without_municipality_takes_the_one_of_its_postal_code(make_user):
    assert _offer(make_user(Roles.PORTAL_USER)).municipality_id == GENT


def test_offer_with_a_postal_code_outside_flanders_is_refused_on_the_postal_code(make_user):
    with pytest.raises(ValidationError) as exc:
        _offer(make_user(Roles.PORTAL_USER), postal_code="1000")  # Brussels
    assert "postal_code" in exc.value.message_dict


def test_offer_with_a_shared_postal_code_asks_for_the_municipality(make_user):
    shared = (PostalCode.objects.values("code").annotate(n=Count("municipality", distinct=True))
              .filter(n__gt=1).order_by("code").values_list("code", flat=True).first())
    if shared is None:
        pytest.skip("no postal code shared by two municipalities in the reference data")
    with pytest.raises(ValidationError) as exc:
        _offer(make_user(Roles.PORTAL_USER), postal_code=shared)
    assert "municipality" in exc.value.message_dict


def test_upper_limits_hold_in_the_services(make_user, gent_officer):
    with pytest.raises(ValidationError) as exc:
        register(gent_officer, capacity=MAX_PLACE_CAPACITY + 1)
    assert "capacity" in exc.value.message_dict
    place = register(gent_officer, capacity=MAX_PLACE_CAPACITY)
    with pytest.raises(ValidationError) as exc:
        services.place_update(actor=gent_officer, place=place, capacity=MAX_PLACE_CAPACITY + 1)
    assert "capacity" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _offer(make_user(Roles.PORTAL_USER), capacity=MAX_OFFER_CAPACITY + 1)
    assert "capacity" in exc.value.message_dict
    big = validated(gent_officer, capacity=100, street="Groot")
    with pytest.raises(ValidationError) as exc:
        allocate(gent_officer, big, size=MAX_HOUSEHOLD_SIZE + 1)
    assert "household_size" in exc.value.message_dict


def test_place_actions_can_confirm_and_can_allocate(gent_officer, coordinator):
    unconfirmed = validated(gent_officer, capacity=6, category=PlaceCategories.CAT2, category_2_subtype="hotel",
                            start_date=dt.date(2023, 7, 1))
    assert selectors.place_actions(coordinator, unconfirmed)["can_confirm"] is True
    assert selectors.place_actions(gent_officer, unconfirmed) == {
        "can_write": True, "can_allocate": False, "can_confirm": False}
    services.place_confirm_by_agency(actor=coordinator, place=unconfirmed)
    unconfirmed.refresh_from_db()
    assert selectors.place_actions(coordinator, unconfirmed)["can_confirm"] is False
    assert selectors.place_actions(gent_officer, unconfirmed)["can_allocate"] is True
    registered = register(gent_officer, street="Nieuw")
    assert selectors.place_actions(gent_officer, registered)["can_allocate"] is False


def test_allocations_active_and_current_on_a_day(gent_officer):
    place = validated(gent_officer, capacity=10)
    allocate(gent_officer, place, size=1, start=dt.date(2024, 1, 1), end=dt.date(2024, 2, 29), ref="HH-PAST")
    allocate(gent_officer, place, size=1, start=dt.date(2024, 3, 1), ref="HH-NOW")
    allocate(gent_officer, place, size=1, start=dt.date(2024, 3, 2), ref="HH-NEXT")
    rows = {a.household_reference: a for a in selectors.place_allocations_on(place, dt.date(2024, 3, 1), can_write=True)}
    assert {k: (a.active, a.current, a.can_change) for k, a in rows.items()} == {
        "HH-PAST": (False, False, False), "HH-NOW": (True, True, True), "HH-NEXT": (False, True, True)}


def test_shift_points_take_the_last_point_before_the_reference_and_the_last():
    zero = [0, 0, 0]
    labels = ["2023-11-30", (SHIFT_REFERENCE - dt.timedelta(days=1)).isoformat(), "2024-02-29"]
    series = {"labels": labels, "series": {
        PlaceCategories.CAT1_PUBLIC: {"occupied": [1, 2, 3], "available": zero},
        PlaceCategories.CAT1_PRIVATE: {"occupied": zero, "available": zero},
        PlaceCategories.CAT2: {"occupied": [9, 8, 1], "available": zero},
        PlaceCategories.CAT3: {"occupied": zero, "available": zero},
    }}
    points = shift_points(series)
    assert [p["date"] for p in points] == [labels[1], labels[2]]
    assert [str(p["share"]) for p in points] == ["20.0", "75.0"]
