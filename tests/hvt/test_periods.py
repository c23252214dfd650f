"""Effective-dated place facts (docs/SUBSIDY.md): a change from day D keeps the days before D."""

import datetime as dt

import pytest
from django.db import connection

from hvt.constants import PlaceCategories
from hvt.models import PlacePeriod
from hvt.periods import periods_create_missing
from hvt.services import place_change
from tests.hvt.helpers import allocate, validated

pytestmark = pytest.mark.django_db


def _periods(place):
    return list(PlacePeriod.objects.filter(place=place).order_by("valid_from").values_list(
        "valid_from", "valid_until", "capacity", "category"))


def test_a_change_from_day_d_splits_the_period_and_keeps_the_days_before(frozen_now):
    frozen_now(dt.datetime(2022, 8, 1, 12, 0))
    place = validated(None, capacity=4)
    periods_create_missing()
    place_change(place=place, effective_from=dt.date(2022, 6, 1), actor=None, capacity=6)
    assert _periods(place) == [
        (dt.date(2022, 3, 14), dt.date(2022, 5, 31), 4, PlaceCategories.CAT1_PUBLIC),
        (dt.date(2022, 6, 1), None, 6, PlaceCategories.CAT1_PUBLIC),
    ]
    place.refresh_from_db()
    assert place.capacity == 6  # in force today


def test_a_future_change_leaves_todays_facts_on_the_place(frozen_now):
    frozen_now(dt.datetime(2022, 8, 1, 12, 0))
    place = validated(None, capacity=4)
    place_change(place=place, effective_from=dt.date(2022, 9, 1), actor=None, capacity=2)
    place.refresh_from_db()
    assert place.capacity == 4
    assert _periods(place)[-1] == (dt.date(2022, 9, 1), None, 2, PlaceCategories.CAT1_PUBLIC)


def test_capacity_never_below_the_beds_in_use_from_d(frozen_now):
    from django.core.exceptions import ValidationError

    frozen_now(dt.datetime(2022, 8, 1, 12, 0))
    place = validated(None, capacity=4)
    allocate(None, place, size=3, start=dt.date(2022, 5, 1), end=dt.date(2022, 5, 31))
    with pytest.raises(ValidationError):
        place_change(place=place, effective_from=dt.date(2022, 5, 15), actor=None, capacity=2)
    place_change(place=place, effective_from=dt.date(2022, 6, 1), actor=None, capacity=2)
    assert [p[2] for p in _periods(place)] == [4, 2]


def test_a_category_change_from_d_clears_the_subtype_and_later_periods_follow(frozen_now):
    frozen_now(dt.datetime(2023, 1, 1, 12, 0))
    place = validated(None, capacity=4, category=PlaceCategories.CAT2, category_2_subtype="hotel")
    place_change(place=place, effective_from=dt.date(2022, 10, 1), actor=None, capacity=5)
    place_change(place=place, effective_from=dt.date(2022, 7, 1), actor=None, category=PlaceCategories.CAT1_PUBLIC)
    rows = list(PlacePeriod.objects.filter(place=place).order_by("valid_from").values_list(
        "valid_from", "capacity", "category", "category_2_subtype"))
    assert rows == [
        (dt.date(2022, 3, 14), 4, "2", "hotel"),
        (dt.date(2022, 7, 1), 4, "1_public", ""),
        (dt.date(2022, 10, 1), 5, "1_public", ""),
    ]


def test_register_opens_the_first_period_and_update_and_close_correct_the_current_one(frozen_now):
    from hvt import services

    frozen_now(dt.datetime(2022, 8, 1, 12, 0))
    place = validated(None, capacity=4)
    assert _periods(place) == [(dt.date(2022, 3, 14), None, 4, PlaceCategories.CAT1_PUBLIC)]
    place_change(place=place, effective_from=dt.date(2022, 7, 1), actor=None, capacity=6)
    services.place_update(actor=None, place=place, capacity=5)  # a correction of today's facts
    assert [p[2] for p in _periods(place)] == [4, 5]
    services.place_close(actor=None, place=place, end_date=dt.date(2022, 6, 20))
    ends = list(PlacePeriod.objects.filter(place=place).order_by("valid_from").values_list("end_date", flat=True))
    assert ends == [dt.date(2022, 6, 20), dt.date(2022, 6, 20)]


def test_allocation_create_keeps_the_resident_fee(frozen_now):
    from decimal import Decimal

    from hvt import services

    frozen_now(dt.datetime(2022, 8, 1, 12, 0))
    place = validated(None, capacity=4)
    a = services.allocation_create(actor=None, place=place, household_reference="HH-FEE", household_size=1, adults=1,
                                   minors=0, start_date=dt.date(2022, 5, 1), resident_fee_per_day=Decimal("4.50"))
    a.refresh_from_db()
    assert a.resident_fee_per_day == Decimal("4.50")


def test_the_available_segments_agree_with_available_q_for_unchanged_places(frozen_now):
    """The subsidy's SQL reading of "available" and hvt.querysets.available_q give the same beds on
    every sampled day (places without a change; inside the eligibility window)."""
    from django.db import connection
    from django.db.models import Sum

    from hvt import services
    from hvt.models import ReceptionPlace
    from hvt.periods import available_segments_sql, day_number
    from hvt.querysets import available_q
    from tests.hvt.helpers import register

    frozen_now(dt.datetime(2024, 8, 1, 12, 0))
    validated(None, capacity=4, start_date=dt.date(2022, 4, 1))
    closed = validated(None, capacity=2, start_date=dt.date(2022, 5, 1))
    services.place_close(actor=None, place=closed, end_date=dt.date(2022, 9, 30))
    register(None, capacity=7, start_date=dt.date(2022, 4, 1))  # never validated
    validated(None, capacity=3, category=PlaceCategories.CAT2, category_2_subtype="hotel", start_date=dt.date(2023, 7, 1))
    sql, params = available_segments_sql(dt.date(2024, 7, 31))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        segments = cursor.fetchall()
    for day in [dt.date(2022, 4, 15), dt.date(2022, 6, 1), dt.date(2022, 10, 1), dt.date(2023, 8, 1)]:
        n = day_number(day)
        from_sql = sum(beds for _p, _m, _c, _s, beds, lo, hi in segments if lo <= n <= hi)
        from_q = ReceptionPlace.objects.filter(available_q(day)).aggregate(b=Sum("capacity"))["b"] or 0
        assert from_sql == from_q, day


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the constraint triggers are PostgreSQL's (hvt migration 0008)")
def test_the_database_refuses_a_place_without_any_period(frozen_now):
    """Every reading of "available" reads the periods only, so a place must always have one: on
    PostgreSQL a commit that inserts a place without a period, or deletes or moves the last period of
    a remaining place, fails; deleting the place with its periods and a split period do not."""
    from django.db import IntegrityError, transaction

    from hvt.models import ReceptionPlace

    place = validated(None, capacity=4)
    other = validated(None, capacity=2, street="Ander")

    def refused(change):
        with pytest.raises(IntegrityError, match="has no period"), transaction.atomic():
            change()
            connection.check_constraints()  # what COMMIT does with the deferred triggers

    bare = ReceptionPlace(**{f.attname: getattr(place, f.attname) for f in ReceptionPlace._meta.concrete_fields
                             if not f.primary_key and not f.generated})
    refused(lambda: ReceptionPlace.objects.bulk_create([bare]))
    refused(lambda: PlacePeriod.objects.filter(place=place).delete())
    refused(lambda: PlacePeriod.objects.filter(place=place).update(place=other, valid_from=dt.date(2030, 1, 1)))
    with transaction.atomic():  # a place with a period, a split and a deletion with its periods pass
        new = ReceptionPlace.objects.bulk_create([bare])[0]
        periods_create_missing()
        place_change(place=place, effective_from=dt.date(2022, 6, 1), actor=None, capacity=6)
        ReceptionPlace.objects.filter(pk=other.pk).delete()
        connection.check_constraints()
    assert PlacePeriod.objects.filter(place=new).count() == 1
