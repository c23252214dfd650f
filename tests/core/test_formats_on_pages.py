"""One Belgian-Dutch format on every main page (issue 12, item 5): numbers of 1,000 and more with a
thousands separator (``1.234``), dates as ``30-11-2026`` — never ``2022-04-25``, ``25/04/2022`` or an
English month. The pages are walked with a place of 1,234 beds, so that its figures show up in the
lists, the place page, the dashboards and the municipality pages."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.constants import Roles
from tests.factories import make_user
from tests.hvt.helpers import GENT, allocate, validated

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

CAPACITY, HOUSEHOLD = 1234, 3
RAW_FIGURES = re.compile(rf"(?<![\d.,]){CAPACITY}(?![\d.,])|(?<![\d.,]){CAPACITY - HOUSEHOLD}(?![\d.,])")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SLASH_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{2}/\d{4}\b")
ENGLISH_MONTH = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                           r"December|Mei|Maart|Juni|Juli)\b")


class _Text(HTMLParser):
    """The text a user reads: no script, style, attributes or hidden form values."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def world(frozen_now):
    frozen_now(dt.datetime(2022, 6, 1, 10, 0))
    coordinator = make_user(Roles.HVT_COORDINATOR, is_staff=True)
    place = validated(coordinator, capacity=CAPACITY, start_date=dt.date(2022, 4, 25))
    allocate(coordinator, place, size=HOUSEHOLD, start=dt.date(2022, 5, 1))
    from hvt import services

    services.snapshot_take(day=dt.date(2022, 5, 31))
    return coordinator, place


def _pages(place):
    return [
        reverse("core:home"), reverse("hvt:place_list"), reverse("hvt:place_detail", args=[place.pk]),
        reverse("hvt:dashboard"), reverse("hvt:municipality_list"), reverse("hvt:municipality_detail", args=[GENT]),
        reverse("hvt:target_list"), reverse("hvt:capacity_evolution"),
    ]


def test_every_main_page_writes_numbers_and_dates_the_belgian_dutch_way(world, client, login):
    coordinator, place = world
    login(coordinator)
    problems = []
    for url in _pages(place):
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        for pattern, what in ((RAW_FIGURES, "number without thousands separator"), (ISO_DATE, "ISO date"),
                              (SLASH_DATE, "date with slashes"), (ENGLISH_MONTH, "month not in Dutch")):
            for match in pattern.finditer(text):
                start = max(match.start() - 40, 0)
                problems.append(f"{url}: {what}: …{text[start:match.end() + 20]}…")
    assert not problems, "\n".join(problems)


def test_the_walk_sees_the_figures_it_checks(world, client, login):
    """Guard against a test that passes because the figure is not on the page at all."""
    coordinator, place = world
    login(coordinator)
    text = visible_text(client.get(reverse("hvt:place_list")).content.decode())
    assert "1.234" in text
    text = visible_text(client.get(reverse("hvt:dashboard")).content.decode())
    assert "1.234" in text or "1.231" in text
    # percentages with one decimal, the weekly table's share too (visible_text folds the no-break space)
    assert re.search(r"\d+,\d %", text)
    assert not re.search(r"\d+\.\d %", text)  # never the bare "81.0 %" of a Decimal


def test_charts_write_numbers_through_the_shared_format(world, client, login):
    """Every chart script formats through static/js/format.js (window.AppFormat, loaded by the base
    template on every page), not with its own toLocaleString: one format, and English follows the
    chosen language."""
    from pathlib import Path

    from django.conf import settings

    coordinator, _place = world
    login(coordinator)
    body = client.get(reverse("hvt:dashboard")).content.decode()
    assert body.index("js/format.js") < body.index("hvt/dashboard.js")
    for script in ("static/js/charts.js", "static/hvt/dashboard.js"):
        source = (Path(settings.BASE_DIR) / script).read_text()
        assert "AppFormat" in source, script
        assert "toLocaleString" not in source, script
    # the budget charts are drawn by charts.js itself (window.AppCharts): no second pattern or format
    budget = (Path(settings.BASE_DIR) / "static/budget/budget_chart.js").read_text()
    assert "AppCharts.draw" in budget
    assert not any(own in budget for own in ("createPattern", "COLOURS", "toLocaleString", "new window.Chart"))


def test_a_missing_value_is_one_dash_everywhere():
    """Pages, filters, exports and charts write a missing value as the same em dash (``—``): never
    an en dash on one page and an em dash on the next, and never 0."""
    from pathlib import Path

    from django.conf import settings

    from core import formatting
    from core.templatetags import formatting as filters

    assert formatting.MISSING == "\u2014"
    assert filters.num(None) == filters.pct(None) == filters.datum(None) == filters.euro(None) == "\u2014"
    base = Path(settings.BASE_DIR)
    assert 'const missing = "\\u2014"' in (base / "static/js/format.js").read_text()
    en_dash_as_missing = re.compile(r'default:"\u2013"|%\}\u2013\{%')
    offenders = [str(path.relative_to(base)) for path in base.glob("*/templates/**/*.html")
                 if en_dash_as_missing.search(path.read_text())]
    offenders += [str(path.relative_to(base)) for path in (base / "templates").glob("**/*.html")
                  if en_dash_as_missing.search(path.read_text())]
    assert not offenders
