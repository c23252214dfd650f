"""One Belgian-Dutch way of writing numbers, percentages, amounts and dates (core.formatting)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core import formatting


@pytest.fixture
def nl():
    with translation.override("nl"):
        yield


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10168, "10.168"), (263927, "263.927"), (30000, "30.000"), (0, "0"), (999, "999"), (None, "—")],
)
def test_numbers_have_a_thousands_separator(nl, value, expected):
    assert formatting.format_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(67.94, "67,9\u00a0%"), (2, "2,0\u00a0%"), (1.75, "1,8\u00a0%"), (Decimal("0.05"), "0,1\u00a0%"), (None, "—")],
)
def test_percentages_always_have_one_decimal(nl, value, expected):
    # "2 %" on one page and "1,8 %" on another for the same figure was the complaint.
    assert formatting.format_percent(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("1637100.45"), "€\u00a01.637.100,45"), (Decimal("-605400.45"), "-€\u00a0605.400,45"), (Decimal("0"), "€\u00a00,00")],
)
def test_amounts_in_euro(nl, value, expected):
    assert formatting.format_euro(value) == expected


def test_dates_are_day_month_year_with_dashes_in_both_languages():
    day = dt.date(2022, 5, 3)
    with translation.override("nl"):
        assert formatting.format_date(day) == "03-05-2022"
        assert formatting.format_month(day) == "mei 2022"
        # Django's own date rendering follows the same format module (no "3 Mei 2022", no 2022-05-03).
        assert Template("{{ d }}").render(Context({"d": day})) == "03-05-2022"
    with translation.override("en"):
        assert formatting.format_date(day) == "03-05-2022"
        assert formatting.format_number(10168) == "10,168"


def test_template_filters(nl):
    html = Template("{% load formatting %}{{ n|num }} {{ p|pct }} {{ a|euro }} {{ d|datum }} {{ x|num:1 }}").render(
        Context({"n": 10168, "p": 1.75, "a": Decimal("287915"), "d": dt.date(2026, 11, 30), "x": 2.25})
    )
    assert html == "10.168 1,8\u00a0% €\u00a0287.915,00 30-11-2026 2,3"
