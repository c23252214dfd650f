"""Budget year on year per post: the chart's JSON, the table and the export show the same known
figures; the page's query count does not grow with the number of lines."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.constants import Roles
from audit.models import AuditEvent
from budget.services import budget_line_set
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def change_chart(body: str) -> dict:
    found = re.search(r'<script id="budget-chart-change" type="application/json">(.*?)</script>', body, re.S)
    assert found
    return json.loads(found.group(1))


def test_year_on_year_per_post_in_chart_table_and_export(login):
    coordinator = make_user(Roles.HVT_COORDINATOR)
    budget_line_set(tool="hvt", year=2025, category="licences", amount=Decimal("300000.00"), actor=coordinator)
    client = login(coordinator)
    body = client.get(reverse("budget:overview")).content.decode()
    data = change_chart(body)
    row = data["labels"].index("HVT – licenties") if "HVT – licenties" in data["labels"] else \
        next(i for i, label in enumerate(data["labels"]) if label.endswith("licenties") and "HVT" in label.upper())
    series = {s["label"]: s["data"] for s in data["series"]}
    assert series["2025"][row] == "-53700.00" and data["money"] is True  # 300,000.00 - 353,700.00
    assert "2023" not in series  # no year before the first: no change, no series
    governance = next(i for i, label in enumerate(data["labels"]) if "HVT" in label.upper() and label.endswith("governance"))
    assert series["2025"][governance] is None  # no 2025 line for that post: a gap, not a 0
    csv = client.get(reverse("budget:history_export")).content.decode("utf-8")
    assert csv.startswith("\ufeff")
    assert re.search(r"\n[^;\n]*;licenties;2025;300000,00;-53700,00\r?\n", csv)
    assert re.search(r"\n[^;\n]*;licenties;2024;353700,00;", csv)
    xlsx = client.get(reverse("budget:history_export"), {"formaat": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    formats = AuditEvent.objects.filter(action="export", object_repr="budget-historiek").values_list("changes", flat=True)
    assert sorted(c["format"] for c in formats) == ["csv", "xlsx"]


def test_history_export_refused_outside_the_budget_viewers(login):
    client = login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"]))
    assert client.get(reverse("budget:history_export")).status_code == 403


def test_overview_queries_do_not_grow_with_the_lines(login):
    coordinator = make_user(Roles.HVT_COORDINATOR)
    client = login(coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("budget:overview")).status_code == 200
        return len(ctx)

    count()
    small = count()
    for year in (2025, 2026, 2027):
        for category in ("licences", "maintenance", "governance"):
            budget_line_set(tool="crt", year=year, category=category, amount=Decimal("1000.00"), actor=coordinator)
    assert count() == small
