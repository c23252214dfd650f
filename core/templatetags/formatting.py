"""``{% load formatting %}``: ``{{ beds|num }}``, ``{{ share|pct }}``, ``{{ amount|euro }}``,
``{{ day|datum }}``, ``{{ day|maand }}`` — see core.formatting."""

from decimal import Decimal

from django import template

from core import formatting

register = template.Library()


@register.filter
def num(value, decimals=0):
    return formatting.format_number(value, int(decimals))


@register.filter
def pct(value):
    return formatting.format_percent(value)


@register.filter
def share_of(part, whole):
    """``{{ beds|share_of:target|pct }}``: ``part`` as a percentage of ``whole`` (a Decimal, so that
    |pct rounds it once, to one decimal); None (shown as —) when there is no whole to compare with."""
    if part is None or part == "" or not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


@register.filter
def euro(value):
    return formatting.format_euro(value)


@register.filter
def datum(value):
    return formatting.format_date(value)


@register.filter
def maand(value):
    return formatting.format_month(value)


@register.filter
def figure(value):
    """A card's figure: a number gets the thousands separator, text (``67,9 %``) stays as it is."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return formatting.format_number(value)
    return value
