"""The JSON behind a chart (drawn by ``static/js/charts.js`` with the vendored Chart.js).

A page puts each chart's dict in the page with Django's ``json_script`` and a ``<canvas
data-chart="<that id>">`` next to it (``templates/core/_chart.html`` does both): no inline script,
so the strict CSP holds. The figures are the ones the page's table shows, nothing else: a chart
never holds a figure the table alternative does not (for the CRT, the published figures only,
``None`` where the table shows ``x``). Series differ by colour and by fill pattern or line dash,
so a chart reads without colour; every chart has its table on the page.

Numbers leave the server as int or as strings with two decimals (money): no float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

BAR = "bar"
LINE = "line"


@dataclass
class Series:
    label: str
    data: list[Any]
    kind: str = ""  # "line" on a bar chart: a line over the bars (e.g. the allowance)
    stack: str = ""  # series with the same stack are stacked


@dataclass
class Chart:
    """One chart: ``labels`` on the category axis, one value per label in each series."""

    title: str
    labels: list[str]
    series: list[Series] = field(default_factory=list)
    kind: str = BAR
    horizontal: bool = False
    money: bool = False  # values are euro amounts (strings with two decimals)
    suppressed_label: str = ""  # shown for a None value (the CRT's "x"); empty: a gap
    note: str = ""

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "kind": self.kind,
            "horizontal": self.horizontal,
            "money": self.money,
            "labels": [str(label) for label in self.labels],
            "suppressed_label": self.suppressed_label,
            "note": self.note,
            "series": [{"label": s.label, "data": [_value(v) for v in s.data], "kind": s.kind, "stack": s.stack}
                       for s in self.series],
        }


def _value(value):
    if value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    raise TypeError(f"a chart value is an int, a Decimal or None, not {type(value).__name__}")
