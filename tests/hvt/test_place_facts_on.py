"""One definition of "available" and of the beds in force on a day, also for one loaded place:
``ReceptionPlace.is_available_on`` / ``capacity_on`` (the place page) and the allocation capacity
check read the effective-dated periods (hvt.PlacePeriod) like ``hvt.querysets.available_q`` /
``capacity_on`` and the subsidy engine."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hvt.constants import PlaceCategories as C
from hvt.models import ReceptionPlace
from hvt.querysets import available_q, capacity_on
from hvt.selectors import place_beds_on
from hvt.services import place_change
from tests.budget.subsidy_helpers import NOW, allocate, place

pytestmark = pytest.mark.django_db(databases=["default", "crt"])
DAYS = [dt.date(2022, 3, 31), dt.date(2022, 4, 1), dt.date(2022, 5, 31), dt.date(2022, 6, 1), dt.date(2022, 8, 31),
        dt.date(2022, 9, 1), dt.date(2023, 1, 1)]


@pytest.fixture(autouse=True)
def _now(frozen_now):
    frozen_now(NOW)


@pytest.fixture
def changed():
    """4 beds from 1 April 2022; 2 beds from 1 June 2022; closed after 31 August 2022 from 1 June on."""
    p = place(category=C.CAT1_PUBLIC, capacity=4, start=dt.date(2022, 4, 1))
    place_change(place=p, effective_from=dt.date(2022, 6, 1), actor=None, capacity=2)
    place_change(place=p, effective_from=dt.date(2022, 6, 1), actor=None, end_date=dt.date(2022, 8, 31))
    return ReceptionPlace.objects.get(pk=p.pk)


def test_python_twin_equals_the_queryset_day_by_day(changed):
    for day in DAYS:
        row = ReceptionPlace.objects.filter(pk=changed.pk).annotate(cap=capacity_on(day)).values(
            "cap").get()
        in_sql = ReceptionPlace.objects.filter(available_q(day), pk=changed.pk).exists()
        assert changed.is_available_on(day) == in_sql, day
        if in_sql:
            assert changed.capacity_on(day) == row["cap"], day
    assert [changed.capacity_on(d) for d in (dt.date(2022, 5, 31), dt.date(2022, 6, 1))] == [4, 2]
    assert changed.is_available_on(dt.date(2022, 5, 31)) and not changed.is_available_on(dt.date(2022, 9, 1))
    # today's own fields say 2 beds and closed: a past day still reads its own facts
    assert changed.capacity == 2
    assert place_beds_on(changed, dt.date(2022, 5, 15))["available"] == 4


def test_prefetched_periods_are_used_without_a_query(changed, django_assert_num_queries):
    loaded = ReceptionPlace.objects.prefetch_related("periods").get(pk=changed.pk)
    with django_assert_num_queries(0):
        assert [loaded.capacity_on(d) for d in DAYS[1:5]] == [4, 4, 2, 2]


def test_allocation_check_uses_the_capacity_in_force_on_each_day():
    """4 beds until 31 May 2022, 2 beds from 1 June (today's fields: 2 beds). A household of 3 in
    May fits (4 beds then); 3 from 20 May to 10 June does not (2 beds from 1 June); a household of 2
    over the change fits, and then a third person in June does not."""
    p = place(category=C.CAT1_PUBLIC, capacity=4, start=dt.date(2022, 4, 1))
    place_change(place=p, effective_from=dt.date(2022, 6, 1), actor=None, capacity=2)
    p = ReceptionPlace.objects.get(pk=p.pk)
    allocate(p, size=3, start=dt.date(2022, 5, 1), end=dt.date(2022, 5, 19), ref="HH-MAY")
    with pytest.raises(ValidationError) as exc:
        allocate(p, size=3, start=dt.date(2022, 5, 20), end=dt.date(2022, 6, 10), ref="HH-OVER")
    assert "2 vrij" in str(exc.value)
    allocate(p, size=2, start=dt.date(2022, 5, 20), end=dt.date(2022, 6, 10), ref="HH-TWO")
    with pytest.raises(ValidationError):
        allocate(p, size=1, start=dt.date(2022, 6, 5), end=dt.date(2022, 6, 6), ref="HH-JUNE")
    allocate(p, size=2, start=dt.date(2022, 5, 20), end=dt.date(2022, 5, 31), ref="HH-MAY2")  # 4 beds in May
