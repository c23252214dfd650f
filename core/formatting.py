"""How the product writes numbers, percentages, amounts and dates: one place for pages, charts
(``static/js/format.js`` mirrors it) and exports.

Belgian Dutch (the default UI): ``10.168`` beds, ``67,9 %`` (always one decimal), ``€ 1.637.100,45``,
``30-11-2026``. With English chosen the separators follow English; the date order stays.
A missing value is an em dash (``—``, as the templates write it), never 0: "no target" is not "target 0".
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats

MISSING = "\u2014"  # —
NBSP = "\u00a0"


def format_number(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return MISSING
    if decimals:
        value = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_percent(value) -> str:
    """A percentage (67.94 → ``67,9 %``): one decimal, everywhere."""
    if value is None or value == "":
        return MISSING
    return f"{format_number(value, 1)}{NBSP}%"


def format_euro(value) -> str:
    if value is None or value == "":
        return MISSING
    amount = Decimal(value)
    text = format_number(abs(amount), 2)
    return f"{'-' if amount < 0 else ''}€{NBSP}{text}"


def format_date(value) -> str:
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):  # an ISO day of a chart's series ("2022-05-31")
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT", use_l10n=True)
    return formats.date_format(value, "SHORT_DATE_FORMAT", use_l10n=True)


def format_month(value) -> str:
    if value is None or value == "":
        return MISSING
    return formats.date_format(value, "YEAR_MONTH_FORMAT", use_l10n=True)
