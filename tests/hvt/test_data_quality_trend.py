"""The data-quality trend (hvt.quality) on its boundaries: each item computed as an interval of days
per record must flag exactly the weekly points the rule names — the local (Brussels) date of a
creation moment, the day of a validation, closure or decision, 180 against 181 days, an allocation
starting on the point itself — and a municipality's own report must give the same figures as its
row in the Flanders report."""

import datetime as dt

import pytest

from hvt import quality, services
from hvt.models import QualityCheck, ReceptionPlace
from tests.hvt.helpers import GENT, HASSELT, HASSELT_POSTAL, allocate, register, validated
from tests.hvt.test_data_quality import TODAY, brussels, offer

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

DAYS = quality.trend_days(TODAY)  # 15-12-2023, 22-12, 29-12, 05-01-2024, …, 23-02, 01-03


@pytest.fixture
def today(frozen_now):
    frozen_now(dt.datetime(2024, 3, 1, 10, 0))
    return TODAY


def trend(code, **kwargs):
    table = quality.quality_counts(days=DAYS, **kwargs)
    return {d: sum(items[code][i] for items in table.values()) for i, d in enumerate(DAYS)}


def plant(place, **fields):
    ReceptionPlace.objects.filter(pk=place.pk).update(**fields)


def check(actor, place, *, recorded):
    services.quality_check_record(actor=actor, place=place, checked_on=TODAY, inspector="I",
                                  no_category_3_defects=True, no_critical_category_2_defects=True,
                                  not_uninhabitable=True, no_overcrowding=True)
    QualityCheck.objects.filter(place=place).update(created_at=recorded)


def test_without_check_follows_the_local_dates_of_registration_check_and_validation(today, gent_officer):
    # Registered half an hour into 17 February in Brussels (still 16 February in UTC): not on the 16th.
    late = register(gent_officer, street="Laat")
    plant(late, created_at=brussels(2024, 2, 17, 0, 30))
    check(gent_officer, late, recorded=brussels(2024, 2, 24, 0, 30))  # known from 24 February
    early = register(gent_officer, street="Vroeg")
    plant(early, created_at=brussels(2024, 1, 10, 12), validated_on=dt.date(2024, 2, 2))
    got = trend("places_without_check")
    assert [got[dt.date(2024, m, d)] for m, d in ((1, 5), (1, 12), (1, 26), (2, 2), (2, 16), (2, 23), (3, 1))] == \
        [0, 1, 1, 0, 0, 1, 0]


def test_idle_counts_from_the_181st_day_and_stops_on_the_first_allocation_day(today, gent_officer):
    just = validated(gent_officer, street="181 dagen", start_date=TODAY - dt.timedelta(days=181))
    plant(just, validated_on=TODAY - dt.timedelta(days=181))
    young = validated(gent_officer, street="180 dagen", start_date=TODAY - dt.timedelta(days=180))
    plant(young, validated_on=TODAY - dt.timedelta(days=180))
    used = validated(gent_officer, street="Later gebruikt", start_date=dt.date(2023, 6, 1))
    plant(used, validated_on=dt.date(2023, 6, 1))
    allocate(gent_officer, used, start=dt.date(2024, 2, 16))
    got = trend("idle_places")
    assert got[dt.date(2023, 12, 15)] == 1  # used: 197 days since its start, no allocation yet
    assert got[dt.date(2024, 2, 9)] == 1
    assert got[dt.date(2024, 2, 16)] == 0  # its allocation starts on the point itself
    assert got[dt.date(2024, 2, 23)] == 0  # "181 dagen" is 174 days old then
    assert got[TODAY] == 1  # only "181 dagen"


def test_duplicates_follow_opening_and_closing(today, gent_officer):
    a = register(gent_officer, street="Kouter", house_number="9")
    b = register(gent_officer, street=" KOUTER", house_number="9 ")
    c = register(gent_officer, street="kouter", house_number="9")
    register(gent_officer, street="Kouter", house_number="9A")  # another number, same length class
    plant(a, created_at=brussels(2024, 1, 1, 12))
    plant(b, created_at=brussels(2024, 1, 1, 12), closed_on=dt.date(2024, 2, 20))
    plant(c, created_at=brussels(2024, 2, 27, 12))
    got = trend("duplicate_addresses")
    assert got[dt.date(2023, 12, 29)] == 0  # none registered yet
    assert got[dt.date(2024, 1, 5)] == 2
    assert got[dt.date(2024, 2, 16)] == 2
    assert got[dt.date(2024, 2, 23)] == 0  # b closed, c not yet there
    assert got[TODAY] == 2


def test_offer_waits_from_its_15th_day_until_the_day_of_its_decision(today):
    offer(created=brussels(2024, 1, 1, 12), status="validated", decided=brussels(2024, 2, 16, 10))
    got = trend("offers_waiting")
    assert [got[dt.date(2024, m, d)] for m, d in ((1, 12), (1, 19), (2, 9), (2, 16))] == [0, 1, 1, 0]


def test_a_municipality_report_equals_its_row_in_the_flanders_report(today, gent_officer, coordinator):
    for municipality, postal, actor in ((GENT, "9000", gent_officer), (HASSELT, HASSELT_POSTAL, coordinator)):
        register(actor, municipality=municipality, postal_code=postal, street="Zonder controle")
        validated(actor, municipality=municipality, postal_code=postal, street="Dubbel", start_date=dt.date(2023, 1, 1))
        validated(actor, municipality=municipality, postal_code=postal, street="dubbel", start_date=dt.date(2023, 1, 1))
        used = validated(actor, municipality=municipality, postal_code=postal, street="Gebruikt",
                         start_date=dt.date(2023, 1, 1))
        allocate(actor, used, start=dt.date(2024, 1, 20))
    flanders = quality.report_for_user(coordinator, day=TODAY)["table"]
    assert set(flanders) == {GENT, HASSELT}
    assert quality.quality_counts(user=coordinator, days=DAYS, municipality=GENT) == {GENT: flanders[GENT]}
    assert quality.report_for_user(gent_officer, day=TODAY)["table"] == {GENT: flanders[GENT]}
    assert flanders[GENT]["places_without_check"][-1] == 1
    assert flanders[GENT]["idle_places"][-1] == 2  # the two at one address; the used one is not idle
    assert flanders[GENT]["duplicate_addresses"][-1] == 2
