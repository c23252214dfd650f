"""The engine's own steps (budget.subsidy.engine): the scheme's rates in one query with the day range
of each version, and the rule rows grouped into lines in one pass — the shown days, beds and rate,
and the explanation rows in a fixed order, so a recalculation stores the same line."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budget.constants import RuleKinds as R
from budget.models import SchemeRate, SchemeVersion, SubsidyLine
from budget.subsidy.engine import _entitlements, entitlements, scheme_rates
from budget.subsidy.sql import rule_rows
from hvt.constants import PlaceCategories as C
from hvt.selectors import subsidy_day_number as day
from hvt.services import place_change
from tests.budget.subsidy_helpers import NOW, calc, place

pytestmark = pytest.mark.django_db(databases=["default", "crt"])
D = Decimal


@pytest.fixture(autouse=True)
def _now(frozen_now):
    frozen_now(NOW)


def _version(valid_from, **changed):
    v1 = SchemeVersion.objects.get(number=1)
    v = SchemeVersion.objects.create(scheme=v1.scheme, number=SchemeVersion.objects.count() + 1, valid_from=valid_from)
    for rate in v1.rates.all():
        amount = changed.get(f"{rate.rule_kind}__{rate.subtype}", rate.amount)
        SchemeRate.objects.create(version=v, rule_kind=rate.rule_kind, subtype=rate.subtype, amount=amount)
    return v


def test_rates_in_one_query_each_version_until_the_next_one_a_version_without_rates_prices_nothing():
    _version(dt.date(2022, 6, 16), cat2_day__holiday_park=D("12.00"))
    empty = SchemeVersion.objects.create(scheme=SchemeVersion.objects.get(number=1).scheme, number=3,
                                         valid_from=dt.date(2023, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        rates, versions = scheme_rates()
    assert len(queries) == 1
    assert [(v.number, v.valid_from) for v in versions] == [(1, dt.date(2022, 3, 14)), (2, dt.date(2022, 6, 16)),
                                                              (3, dt.date(2023, 1, 1))]
    assert versions[2].pk == empty.pk and versions[2]._state.db == "default"
    park = {(r.version_number, r.from_day, r.until_day): r.cents for r in rates
            if (r.rule_kind, r.subtype) == (R.CAT2_DAY, "holiday_park")}
    assert park == {(1, day(dt.date(2022, 3, 14)), day(dt.date(2022, 6, 15))): 1000,
                    (2, day(dt.date(2022, 6, 16)), day(dt.date(2022, 12, 31))): 1200}
    assert len(rates) == 20  # ten amounts in each of versions 1 and 2, none in 3


def test_lines_show_the_latest_rate_and_ordered_rows_and_recalculate_to_the_same_line():
    """Holiday park of 2 beds from 1 June 2022 (€ 10.00), 3 beds from 21 June; version 2 from
    16 June (€ 12.00). Rows: 1–15 June 15 × 2 × € 10 = € 300.00; 16–20 June 5 × 2 × € 12 = € 120.00;
    21–30 June 10 × 3 × € 12 = € 360.00 → € 780.00, 30 days, at most 3 beds, rate € 12.00."""
    p = place(category=C.CAT2, subtype="holiday_park", capacity=2, start=dt.date(2022, 6, 1))
    place_change(place=p, effective_from=dt.date(2022, 6, 21), actor=None, capacity=3)
    _version(dt.date(2022, 6, 16), cat2_day__holiday_park=D("12.00"))
    rates, _ = scheme_rates()
    line = entitlements(dt.date(2022, 6, 30), rates, only=("day",))[(p.pk, R.CAT2_DAY)]
    assert (line.days, line.beds, line.rate, line.entitlement_to_date) == (30, 3, D("12.00"), D("780.00"))
    assert [r[:7] for r in line.explanation["rows"]] == [
        [day(dt.date(2022, 6, 1)), day(dt.date(2022, 6, 15)), 15, 2, 1000, 1, 30000],
        [day(dt.date(2022, 6, 16)), day(dt.date(2022, 6, 20)), 5, 2, 1200, 2, 12000],
        [day(dt.date(2022, 6, 21)), day(dt.date(2022, 6, 30)), 10, 3, 1200, 2, 36000],
    ]
    # the same rows in any order give the same line (the database returns them unordered)
    rows = rule_rows(dt.date(2022, 6, 30), rates, only=("day",))
    again = _entitlements(list(reversed(rows)))[(p.pk, R.CAT2_DAY)]
    assert (again.rate, again.explanation) == (line.rate, line.explanation)
    first = calc("2022-06")
    stored = SubsidyLine.objects.get(run=first, place=p).explanation
    second = calc("2022-06")
    assert SubsidyLine.objects.get(run=second, place=p).explanation == stored == line.explanation
