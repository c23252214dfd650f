"""Hand-computed scenarios, one per rule kind (DOMAIN §5, "The product's reading"); the arithmetic
is in each docstring. Days count both ends: 1 April to 30 June 2022 is 30 + 31 + 30 = 91 days."""

import datetime as dt
from decimal import Decimal

import pytest

from budget.constants import RuleKinds as R
from budget.models import SchemeRate, SchemeVersion, SubsidyLine
from budget.subsidy.engine import explanation_items
from hvt.constants import PlaceCategories as C
from hvt.services import place_change
from tests.budget.subsidy_helpers import (
    NOW,
    allocate,
    amounts,
    approve_through,
    calc,
    coordinator,
    place,
    validate_place,
)

# the subsidy reads the CRT guidance counts (crt database)
pytestmark = pytest.mark.django_db(databases=["default", "crt"])

D = Decimal


@pytest.fixture(autouse=True)
def _now(frozen_now):
    frozen_now(NOW)


def test_cat1_public_exactly_90_days_earns_and_89_days_does_not():
    """Tranche 2022-06 (reference 30 June 2022).
    A: start 2 April → 2–30 April (29) + May (31) + June (30) = 90 days → 4 beds × € 1,000 = € 4,000.00.
    B: start 3 April → 89 days → nothing yet."""
    a = place(capacity=4, start=dt.date(2022, 4, 2))
    b = place(capacity=4, start=dt.date(2022, 4, 3))
    run = calc("2022-06")
    assert amounts(run, a) == {R.CAT1_PUBLIC_ONCE: D("4000.00")}
    assert amounts(run, b) == {}
    line = SubsidyLine.objects.get(run=run, place=a)
    assert (line.beds, line.days, line.rate) == (4, 90, D("1000.00"))
    assert explanation_items(line.explanation)[0]["to"] == "2022-06-30"


def test_cat1_public_capacity_rising_after_60_days_earns_the_extra_beds_90_days_later():
    """Start 1 April with 2 beds; from 31 May (day 61) 5 beds.
    2022-06: 2 beds available 1 April–30 June = 91 days ≥ 90 → 2 × € 1,000 = € 2,000.00;
    5 beds only 31 May–30 June = 31 days → not yet.
    2022-09: 5 beds 31 May–30 Sep = 1 + 30 + 31 + 31 + 30 = 123 days ≥ 90 (earned 28 Aug) → entitlement
    5 × € 1,000 = € 5,000.00, minus € 2,000.00 paid → € 3,000.00."""
    p = place(capacity=2, start=dt.date(2022, 4, 1))
    place_change(place=p, effective_from=dt.date(2022, 5, 31), actor=None, capacity=5)
    boss = coordinator()
    first = approve_through("2022-06", boss)
    assert amounts(first, p) == {R.CAT1_PUBLIC_ONCE: D("2000.00")}
    second = calc("2022-09")
    line = SubsidyLine.objects.get(run=second, place=p)
    assert (line.entitlement_to_date, line.previously_paid, line.amount) == (D("5000.00"), D("2000.00"), D("3000.00"))
    assert explanation_items(line.explanation)[-1]["to"] == "2022-08-28"


def test_cat1_private_46_and_92_days_and_the_cap():
    """Private place, 3 beds, from 1 April 2022.
    X: 2 persons 1 April–16 May = 46 days → never earns.
    Y: 2 persons 17 May–16 Aug = 92 days → day 90 = 14 Aug → 2 beds.
    Z: 1 person from 17 May, open → day 90 = 14 Aug → 1 bed.
    W: 2 persons from 17 Aug, open → day 90 = 14 Nov → over the cap (3 beds already) → 0.
    2022-06: nothing (no allocation has lasted 90 days). 2022-09: (2 + 1) × € 400 = € 1,200.00.
    2022-12: entitlement still € 1,200.00 (cap 3), minus € 1,200.00 paid → no line."""
    p = place(category=C.CAT1_PRIVATE, capacity=3, start=dt.date(2022, 4, 1))
    allocate(p, size=2, start=dt.date(2022, 4, 1), end=dt.date(2022, 5, 16), ref="HH-X")
    allocate(p, size=2, start=dt.date(2022, 5, 17), end=dt.date(2022, 8, 16), ref="HH-Y")
    allocate(p, size=1, start=dt.date(2022, 5, 17), ref="HH-Z")
    allocate(p, size=2, start=dt.date(2022, 8, 17), ref="HH-W")
    boss = coordinator()
    assert amounts(approve_through("2022-06", boss), p) == {}
    run = approve_through("2022-09", boss)
    assert amounts(run, p) == {R.CAT1_PRIVATE_ONCE: D("1200.00")}
    assert SubsidyLine.objects.get(run=run, place=p).beds == 3
    assert amounts(calc("2022-12"), p) == {}


def test_cat2_hotel_over_a_tranche_without_and_with_an_allocation_and_fee():
    """Hotels of 3 beds from 1 June 2022, tranche 2022-06: 30 days × 3 beds × € 35 = € 3,150.00 each.
    The second has a household of 2 from 10 to 19 June (10 days) paying € 5.00 a day:
    assignment 2 beds × € 400 = € 800.00; fee −10 × € 5.00 = −€ 50.00 → € 3,900.00 in all."""
    alone = place(category=C.CAT2, subtype="hotel", capacity=3, start=dt.date(2022, 6, 1))
    used = place(category=C.CAT2, subtype="hotel", capacity=3, start=dt.date(2022, 6, 1))
    allocate(used, size=2, start=dt.date(2022, 6, 10), end=dt.date(2022, 6, 19), fee=D("5.00"))
    run = calc("2022-06")
    assert amounts(run, alone) == {R.CAT2_DAY: D("3150.00")}
    assert amounts(run, used) == {R.CAT2_DAY: D("3150.00"), R.CAT2_ASSIGNMENT_ONCE: D("800.00"),
                                  R.CAT2_RESIDENT_FEE: D("-50.00")}
    assert run.total == D("7050.00")


def test_cat2_resident_fee_never_takes_the_category_2_total_below_zero():
    """Youth hostel of 1 bed from 21 June 2022: 10 days × 1 × € 20 = € 200.00; assignment 1 × € 400;
    a fee of € 100.00 a day × 10 days = € 1,000.00 > € 600.00 → the fee line is −€ 600.00."""
    p = place(category=C.CAT2, subtype="youth_hostel", capacity=1, start=dt.date(2022, 6, 21))
    allocate(p, size=1, start=dt.date(2022, 6, 21), fee=D("100.00"))
    assert amounts(calc("2022-06"), p) == {R.CAT2_DAY: D("200.00"), R.CAT2_ASSIGNMENT_ONCE: D("400.00"),
                                           R.CAT2_RESIDENT_FEE: D("-600.00")}


def test_cat3_days_before_8_april_2022_are_not_counted_once_a_rate_is_set():
    """Emergency village of 100 beds from 20 March 2022. Version 1: € 0.00 → no line.
    Version 2 from 15 March 2022 sets € 10.00 a day: eligible from 8 April only →
    8–30 April (23) + May (31) + June (30) = 84 days × 100 beds × € 10.00 = € 84,000.00."""
    p = place(category=C.CAT3, capacity=100, start=dt.date(2022, 3, 20))
    assert amounts(calc("2022-06"), p) == {}
    v1 = SchemeVersion.objects.get(number=1)
    v2 = SchemeVersion.objects.create(scheme=v1.scheme, number=2, valid_from=dt.date(2022, 3, 15))
    for rate in v1.rates.all():
        SchemeRate.objects.create(version=v2, rule_kind=rate.rule_kind, subtype=rate.subtype,
                                  amount=D("10.00") if rate.rule_kind == R.CAT3_DAY else rate.amount)
    run = calc("2022-06")
    assert amounts(run, p) == {R.CAT3_DAY: D("84000.00")}
    assert SubsidyLine.objects.get(run=run, place=p).days == 84


def test_each_day_is_priced_by_the_version_in_force_that_day():
    """Holiday park of 2 beds from 1 June 2022 (€ 10.00); version 2 from 16 June: € 12.00.
    1–15 June: 15 × 2 × € 10 = € 300.00; 16–30 June: 15 × 2 × € 12 = € 360.00 → € 660.00."""
    p = place(category=C.CAT2, subtype="holiday_park", capacity=2, start=dt.date(2022, 6, 1))
    v1 = SchemeVersion.objects.get(number=1)
    v2 = SchemeVersion.objects.create(scheme=v1.scheme, number=2, valid_from=dt.date(2022, 6, 16))
    for rate in v1.rates.all():
        new = D("12.00") if (rate.rule_kind, rate.subtype) == (R.CAT2_DAY, "holiday_park") else rate.amount
        SchemeRate.objects.create(version=v2, rule_kind=rate.rule_kind, subtype=rate.subtype, amount=new)
    run = calc("2022-06")
    assert amounts(run, p) == {R.CAT2_DAY: D("660.00")}
    assert [i["version"] for i in explanation_items(SubsidyLine.objects.get(run=run, place=p).explanation)] == [1, 2]


def test_guidance_with_factor_045_and_030(monkeypatch):
    """Gent has 10 persons registered on 30 June 2022 and 7 on 31 December 2022.
    2022-06: 10 × € 400 × 0.45 = € 1,800.00. 2022-12: 7 × € 400 × 0.30 = € 840.00 (per tranche,
    not cumulative)."""
    from budget.subsidy import engine

    counts = {dt.date(2022, 6, 30): {"44021": 10}, dt.date(2022, 12, 31): {"44021": 7}}
    monkeypatch.setattr(engine, "registered_persons_per_municipality", lambda day: counts.get(day, {}))
    boss = coordinator()
    first = approve_through("2022-06", boss)
    assert amounts(first) == {R.GUIDANCE: D("1800.00")}
    assert first.inputs["crt_counts"] == {"44021": 10}
    approve_through("2022-09", boss)
    line = SubsidyLine.objects.get(run=calc("2022-12"), rule_kind=R.GUIDANCE)
    assert (line.amount, line.explanation["persons"], line.explanation["factor"]) == (D("840.00"), 7, "0.30")


def test_a_place_registered_late_is_caught_up_in_the_next_tranche():
    """Youth hostel of 2 beds from 21 June 2022, validated only after tranche 2022-06 was approved.
    2022-06: nothing. 2022-09: 21 June–30 Sep = 10 + 31 + 31 + 30 = 102 days × 2 × € 20 = € 4,080.00."""
    p = place(category=C.CAT2, subtype="youth_hostel", capacity=2, start=dt.date(2022, 6, 21), validate=False)
    boss = coordinator()
    assert amounts(approve_through("2022-06", boss), p) == {}
    validate_place(p)
    assert amounts(calc("2022-09"), p) == {R.CAT2_DAY: D("4080.00")}


def test_a_back_dated_capacity_reduction_gives_a_recovery_line():
    """Public place of 4 beds from 2 April 2022: 2022-06 pays 4 × € 1,000 = € 4,000.00 (90 days).
    Then the capacity is corrected from 2 April on to 3 beds: 2022-09 entitlement 3 × € 1,000 =
    € 3,000.00 − € 4,000.00 paid = −€ 1,000.00 (a recovery)."""
    p = place(capacity=4, start=dt.date(2022, 4, 2))
    boss = coordinator()
    assert amounts(approve_through("2022-06", boss), p) == {R.CAT1_PUBLIC_ONCE: D("4000.00")}
    place_change(place=p, effective_from=dt.date(2022, 4, 2), actor=None, capacity=3)
    run = calc("2022-09")
    assert amounts(run, p) == {R.CAT1_PUBLIC_ONCE: D("-1000.00")}
    assert run.totals["municipalities"] == {"44021": "-1000.00"}


def test_a_back_dated_day_rate_correction_recovers_the_days_paid_too_much():
    """Holiday park of 4 beds from 1 June 2022: 2022-06 pays 30 × 4 × € 10 = € 1,200.00. Corrected
    from 16 June: 1 bed, ending 20 June. 2022-09: 15 × 4 × € 10 + 5 × 1 × € 10 = € 650.00 − € 1,200.00
    = −€ 550.00."""
    p = place(category=C.CAT2, subtype="holiday_park", capacity=4, start=dt.date(2022, 6, 1))
    boss = coordinator()
    assert amounts(approve_through("2022-06", boss), p) == {R.CAT2_DAY: D("1200.00")}
    place_change(place=p, effective_from=dt.date(2022, 6, 16), actor=None, capacity=1, end_date=dt.date(2022, 6, 20))
    assert amounts(calc("2022-09"), p) == {R.CAT2_DAY: D("-550.00")}
