import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from hvt import services
from hvt.constants import Category2Subtypes, OfferStatuses, PlaceCategories, PlaceStatuses
from hvt.models import Allocation, PlaceOffer, ReceptionPlace
from tests.hvt.helpers import ANTWERPEN, ANTWERPEN_POSTAL, GENT, GENT_POSTAL, allocate, register, validated

pytestmark = pytest.mark.django_db


# --- registering ----------------------------------------------------------------------------------


def test_register_creates_a_place_awaiting_validation_and_audits(gent_officer):
    place = register(gent_officer, capacity=6)
    assert place.status == PlaceStatuses.REGISTERED
    assert not place.is_available
    event = AuditEvent.objects.get(object_type="hvt.receptionplace", object_id=str(place.pk))
    assert event.action == "create" and event.changes["capacity"] == 6 and event.actor_username == "officer-gent"


def test_register_refuses_a_postal_code_of_another_municipality(gent_officer):
    with pytest.raises(ValidationError) as exc:
        register(gent_officer, postal_code=ANTWERPEN_POSTAL)
    assert "postal_code" in exc.value.message_dict
    assert not ReceptionPlace.objects.exists()


def test_register_refuses_a_start_before_14_march_2022(gent_officer):
    with pytest.raises(ValidationError) as exc:
        register(gent_officer, start_date=dt.date(2022, 3, 13))
    assert "start_date" in exc.value.message_dict
    register(gent_officer, start_date=dt.date(2022, 3, 14))  # the first day itself is fine


def test_register_outside_scope_is_refused(gent_officer):
    with pytest.raises(services.ScopeError):
        register(gent_officer, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL)
    assert not ReceptionPlace.objects.exists()


def test_category_2_needs_a_subtype(gent_officer):
    with pytest.raises(ValidationError):
        register(gent_officer, category=PlaceCategories.CAT2)
    place = register(gent_officer, category=PlaceCategories.CAT2, category_2_subtype=Category2Subtypes.HOTEL)
    assert place.category_2_subtype == "hotel"


# --- validation and availability ------------------------------------------------------------------


def test_validation_needs_a_recorded_quality_check(gent_officer):
    place = register(gent_officer)
    with pytest.raises(ValidationError):
        services.place_validate(actor=gent_officer, place=place)


@pytest.mark.parametrize(
    "failing", ["no_category_3_defects", "no_critical_category_2_defects", "not_uninhabitable", "no_overcrowding"]
)
def test_validation_refused_when_one_criterion_fails(gent_officer, failing):
    place = register(gent_officer)
    criteria = dict.fromkeys(
        ["no_category_3_defects", "no_critical_category_2_defects", "not_uninhabitable", "no_overcrowding"], True
    )
    criteria[failing] = False
    services.quality_check_record(actor=gent_officer, place=place, checked_on=dt.date(2022, 4, 1), inspector="X", **criteria)
    with pytest.raises(ValidationError):
        services.place_validate(actor=gent_officer, place=place)
    place.refresh_from_db()
    assert place.status == PlaceStatuses.REGISTERED


def test_unvalidated_place_cannot_be_allocated(gent_officer):
    place = register(gent_officer)
    with pytest.raises(ValidationError, match="niet gevalideerd"):
        allocate(gent_officer, place)
    assert not Allocation.objects.exists()


def test_category_2_from_june_2023_needs_agency_confirmation(gent_officer, coordinator):
    place = validated(gent_officer, category=PlaceCategories.CAT2, category_2_subtype="hotel",
                      start_date=dt.date(2023, 6, 1))
    assert place.needs_agency_confirmation and not place.is_available
    with pytest.raises(ValidationError, match="agentschap"):
        allocate(gent_officer, place, start=dt.date(2023, 7, 1))
    with pytest.raises(services.ScopeError):
        services.place_confirm_by_agency(actor=gent_officer, place=place)
    services.place_confirm_by_agency(actor=coordinator, place=place)
    allocate(gent_officer, place, start=dt.date(2023, 7, 1))
    assert place.allocations.count() == 1


def test_category_2_before_june_2023_needs_no_confirmation(gent_officer):
    place = validated(gent_officer, category=PlaceCategories.CAT2, category_2_subtype="hotel",
                      start_date=dt.date(2023, 5, 31))
    assert place.is_available


# --- capacity -------------------------------------------------------------------------------------


def test_allocations_never_exceed_capacity_on_any_day(gent_officer):
    place = validated(gent_officer, capacity=4)
    allocate(gent_officer, place, size=3, start=dt.date(2022, 5, 1), end=dt.date(2022, 5, 31), ref="HH-A")
    with pytest.raises(ValidationError) as exc:
        allocate(gent_officer, place, size=2, start=dt.date(2022, 5, 31), ref="HH-B")  # overlaps one day
    assert "household_size" in exc.value.message_dict
    allocate(gent_officer, place, size=2, start=dt.date(2022, 6, 1), ref="HH-B")  # the day after: fine
    allocate(gent_officer, place, size=1, start=dt.date(2022, 5, 10), end=dt.date(2022, 5, 20), ref="HH-C")
    assert place.allocations.count() == 3


def test_future_allocations_count_for_an_open_ended_request(gent_officer):
    place = validated(gent_officer, capacity=2)
    allocate(gent_officer, place, size=2, start=dt.date(2023, 1, 1), end=dt.date(2023, 1, 31), ref="HH-LATER")
    with pytest.raises(ValidationError):
        allocate(gent_officer, place, size=1, start=dt.date(2022, 6, 1), ref="HH-OPEN")


def test_capacity_cannot_drop_below_use(gent_officer):
    place = validated(gent_officer, capacity=5)
    allocate(gent_officer, place, size=4)
    with pytest.raises(ValidationError) as exc:
        services.place_update(actor=gent_officer, place=place, capacity=3)
    assert "capacity" in exc.value.message_dict
    place.refresh_from_db()
    assert place.capacity == 5
    services.place_update(actor=gent_officer, place=place, capacity=4)
    place.refresh_from_db()
    assert place.capacity == 4


def test_household_size_must_equal_adults_plus_minors(gent_officer):
    place = validated(gent_officer)
    with pytest.raises(ValidationError):
        services.allocation_create(actor=gent_officer, place=place, household_reference="HH-1", household_size=3,
                                   adults=1, minors=1, start_date=dt.date(2022, 5, 1))


def test_household_reference_is_pseudonymous_not_a_name(gent_officer):
    place = validated(gent_officer)
    with pytest.raises(ValidationError) as exc:
        allocate(gent_officer, place, ref="Olena Kovalenko")
    assert "household_reference" in exc.value.message_dict


# --- periods and closing ------------------------------------------------------------------------


def test_allocation_must_lie_within_the_open_period(gent_officer):
    place = validated(gent_officer, start_date=dt.date(2022, 4, 1), end_date=dt.date(2022, 12, 31))
    with pytest.raises(ValidationError):
        allocate(gent_officer, place, start=dt.date(2022, 3, 31), end=dt.date(2022, 5, 1))
    with pytest.raises(ValidationError):
        allocate(gent_officer, place, start=dt.date(2022, 5, 1), end=dt.date(2023, 1, 1))
    with pytest.raises(ValidationError):
        allocate(gent_officer, place, start=dt.date(2022, 5, 1), end=None)
    allocate(gent_officer, place, start=dt.date(2022, 5, 1), end=dt.date(2022, 12, 31))


def test_closed_place_refuses_allocations(gent_officer):
    place = validated(gent_officer)
    services.place_close(actor=gent_officer, place=place, end_date=dt.date(2024, 12, 31))
    with pytest.raises(ValidationError, match="afgesloten"):
        allocate(gent_officer, place, start=dt.date(2023, 1, 1), end=dt.date(2023, 2, 1))


def test_close_refused_while_allocations_run_past_the_end(gent_officer):
    place = validated(gent_officer)
    allocation = allocate(gent_officer, place)  # open-ended
    with pytest.raises(ValidationError):
        services.place_close(actor=gent_officer, place=place, end_date=dt.date(2023, 1, 31))
    services.allocation_end(actor=gent_officer, allocation=allocation, end_date=dt.date(2023, 1, 31))
    services.place_close(actor=gent_officer, place=place, end_date=dt.date(2023, 1, 31))
    place.refresh_from_db()
    assert place.status == PlaceStatuses.CLOSED and place.end_date == dt.date(2023, 1, 31)


def test_allocation_end_cannot_precede_its_start(gent_officer):
    allocation = allocate(gent_officer, validated(gent_officer))
    with pytest.raises(ValidationError):
        services.allocation_end(actor=gent_officer, allocation=allocation, end_date=dt.date(2022, 4, 30))


def test_move_ends_the_old_allocation_and_starts_a_new_one(gent_officer):
    first = validated(gent_officer, capacity=4)
    second = validated(gent_officer, capacity=3)
    allocation = allocate(gent_officer, first, size=3)
    moved = services.allocation_move(actor=gent_officer, allocation=allocation, to_place=second,
                                     move_date=dt.date(2022, 8, 1))
    allocation.refresh_from_db()
    assert allocation.end_date == dt.date(2022, 7, 31)
    assert moved.place == second and moved.start_date == dt.date(2022, 8, 1) and moved.moved_from == allocation
    assert moved.household_reference == allocation.household_reference


def test_move_into_a_full_place_changes_nothing(gent_officer):
    first = validated(gent_officer, capacity=4)
    full = validated(gent_officer, capacity=2)
    allocate(gent_officer, full, size=2, ref="HH-FULL")
    allocation = allocate(gent_officer, first, size=2)
    with pytest.raises(ValidationError):
        services.allocation_move(actor=gent_officer, allocation=allocation, to_place=full, move_date=dt.date(2022, 8, 1))
    allocation.refresh_from_db()
    assert allocation.end_date is None


# --- scope -----------------------------------------------------------------------------------------


def test_officer_cannot_change_a_place_of_another_municipality(gent_officer, hasselt_officer):
    place = validated(gent_officer)
    with pytest.raises(services.ScopeError):
        allocate(hasselt_officer, place)
    with pytest.raises(services.ScopeError):
        services.place_close(actor=hasselt_officer, place=place, end_date=dt.date(2023, 1, 1))
    with pytest.raises(services.ScopeError):
        services.place_update(actor=hasselt_officer, place=place, capacity=10)


# --- portal offers ---------------------------------------------------------------------------------


def _offer(user, **kw):
    data = dict(municipality=GENT, street="Veldstraat", house_number="5", postal_code=GENT_POSTAL,
                operator="Familie (pseudoniem)", capacity=3, available_from=dt.date(2022, 4, 1))
    data.update(kw)
    return services.offer_submit(actor=user, **data)


CHECK = dict(checked_on=dt.date(2022, 4, 2), inspector="Inspecteur", no_category_3_defects=True,
             no_critical_category_2_defects=True, not_uninhabitable=True, no_overcrowding=True)


def test_portal_offer_validated_creates_an_available_place(make_user, gent_officer):
    portal = make_user("portal_user")
    offer = _offer(portal)
    assert offer.status == OfferStatuses.OFFERED
    place = services.offer_validate(actor=gent_officer, offer=offer, **CHECK)
    offer.refresh_from_db()
    assert offer.status == OfferStatuses.VALIDATED and offer.place == place
    assert place.is_available and place.source == "portal" and place.capacity == 3


def test_offer_validation_with_a_failing_check_changes_nothing(make_user, gent_officer):
    offer = _offer(make_user("portal_user"))
    with pytest.raises(ValidationError):
        services.offer_validate(actor=gent_officer, offer=offer, **{**CHECK, "no_overcrowding": False})
    offer.refresh_from_db()
    assert offer.status == OfferStatuses.OFFERED and not ReceptionPlace.objects.exists()


def test_offer_reject_needs_a_reason_and_only_the_municipality(make_user, gent_officer, hasselt_officer):
    offer = _offer(make_user("portal_user"))
    with pytest.raises(services.ScopeError):
        services.offer_reject(actor=hasselt_officer, offer=offer, reason="nee")
    with pytest.raises(ValidationError):
        services.offer_reject(actor=gent_officer, offer=offer, reason="  ")
    services.offer_reject(actor=gent_officer, offer=offer, reason="Woning te klein")
    offer.refresh_from_db()
    assert offer.status == OfferStatuses.REJECTED and offer.rejection_reason == "Woning te klein"


def test_only_portal_users_offer(gent_officer):
    with pytest.raises(services.ScopeError):
        _offer(gent_officer)
    assert not PlaceOffer.objects.exists()
