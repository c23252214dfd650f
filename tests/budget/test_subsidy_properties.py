"""Property tests (hypothesis): for random places, capacity changes (also back-dated), allocations
with fees and tranche sequences,
* the sum of a place's lines over all approved tranches equals its entitlement at the last
  reference date (per rule), and
* recalculating a draft gives the same cents."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.constants import RunStatuses
from budget.models import SubsidyLine, Tranche
from budget.subsidy.engine import _entitlements, scheme_rates
from budget.subsidy.sql import rule_rows
from hvt.constants import PlaceCategories as C
from hvt.services import place_change
from tests.budget.subsidy_helpers import NOW, allocate, approve_through, calc, coordinator, place

# the subsidy reads the CRT guidance counts (crt database)
pytestmark = pytest.mark.django_db(databases=["default", "crt"])

FIRST = dt.date(2022, 3, 14)
KINDS = [(C.CAT1_PUBLIC, ""), (C.CAT1_PRIVATE, ""), (C.CAT2, "hotel"), (C.CAT2, "holiday_park"), (C.CAT3, "")]
TRANCHES = ["2022-06", "2022-09", "2022-12", "2023-02"]

days = st.integers(min_value=0, max_value=330)
allocation = st.tuples(days, st.integers(1, 3), st.one_of(st.none(), st.integers(1, 200)),
                       st.sampled_from([Decimal("0.00"), Decimal("2.50"), Decimal("40.00")]))
place_spec = st.tuples(
    st.sampled_from(KINDS), st.integers(1, 5), days,
    st.lists(allocation, max_size=3),
    st.one_of(st.none(), st.tuples(days, st.integers(1, 6))),  # a capacity change from day D
)
scenario = st.tuples(
    st.lists(place_spec, min_size=1, max_size=3),
    st.integers(1, len(TRANCHES) - 1),  # approved tranches before the last one
    st.one_of(st.none(), st.tuples(st.integers(0, 2), days, st.integers(1, 6))),  # a back-dated change later
)


def _build(specs):
    places = []
    for (category, subtype), capacity, start, allocations, change in specs:
        p = place(category=category, subtype=subtype, capacity=capacity, start=FIRST + dt.timedelta(days=start))
        places.append(p)
        for i, (offset, size, length, fee) in enumerate(allocations):
            a_start = p.start_date + dt.timedelta(days=offset % 200)
            end = None if length is None else a_start + dt.timedelta(days=length - 1)
            try:
                with transaction.atomic():
                    allocate(p, size=size, start=a_start, end=end, fee=fee, ref=f"HH-{p.pk}-{i}")
            except ValidationError:
                pass
        if change is not None:
            _change(p, *change)
    return places


def _change(p, day, capacity):
    try:
        with transaction.atomic():
            place_change(place=p, effective_from=FIRST + dt.timedelta(days=day), actor=None, capacity=capacity)
    except ValidationError:
        pass


def _paid(place_ids):
    paid = defaultdict(Decimal)
    for line in SubsidyLine.objects.filter(run__status=RunStatuses.APPROVED, place_id__in=place_ids):
        paid[(line.place_id, line.rule_kind)] += line.amount
    return {k: v for k, v in paid.items() if v != 0}


def _entitled(code):
    rates, _ = scheme_rates()
    lines = _entitlements(rule_rows(Tranche.objects.get(code=code).reference_date, rates))
    return {k: line.entitlement_to_date for k, line in lines.items() if line.entitlement_to_date != 0}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(scenario)
def test_paid_over_approved_tranches_equals_the_entitlement_and_recalculation_is_stable(frozen_now, data):
    frozen_now(NOW)
    specs, approved, late_change = data
    with transaction.atomic():
        boss = coordinator()
        places = _build(specs)
        for code in TRANCHES[:approved]:
            approve_through(code, boss)
        if late_change is not None:
            index, day, capacity = late_change
            _change(places[index % len(places)], day, capacity)
        last = TRANCHES[approved]
        first = calc(last, boss)
        lines_before = sorted(SubsidyLine.objects.filter(run=first).values_list("place_id", "rule_kind", "amount"))
        again = calc(last, boss)
        assert sorted(SubsidyLine.objects.filter(run=again).values_list("place_id", "rule_kind", "amount")) == lines_before
        assert again.total == first.total
        approve_through(last, boss)
        assert _paid([p.pk for p in places]) == _entitled(last)
        transaction.set_rollback(True)
