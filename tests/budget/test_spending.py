"""Actual spending: recording (central coordination, through the service, audited), budget vs actual
per line and year with the licence line next to the licence pools' cost, the export, and the
budget chart (JSON for the chart, the table alternative, year on year per line)."""

import datetime as dt
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.constants import Roles
from audit.models import AuditEvent
from budget.models import BudgetLine, Expenditure
from budget.selectors import budget_vs_actual
from budget.services import budget_line_set, expenditure_record
from tests.factories import make_user

# pages: the navigation asks the CRT realm about the signed-in user
pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture
def coordinator():
    return make_user(Roles.HVT_COORDINATOR)


def line(category="licences", year=2024, tool="hvt"):
    return BudgetLine.objects.get(tool=tool, year=year, category=category)


def record(actor, amount, *, category="licences", reference="F-1", date=dt.date(2024, 5, 2), supplier="Leverancier NV"):
    return expenditure_record(actor=actor, budget_line=line(category), date=date, supplier=supplier,
                              reference=reference, amount=Decimal(amount))


def test_recording_is_audited_and_counted(coordinator):
    entry = record(coordinator, "176850.00")
    event = AuditEvent.objects.get(object_type="budget.expenditure", action="create")
    assert event.actor_id == coordinator.pk and event.changes["amount"] == "176850.00"
    assert (entry.created_by_id, entry.budget_line.year) == (coordinator.pk, 2024)


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"amount": "0.00"}, "amount", "€ 0,00"),
    ({"date": dt.date(2023, 12, 31)}, "date", "niet in 2024"),
])
def test_refusals_are_dutch_and_nothing_is_stored(coordinator, kwargs, field, message):
    with pytest.raises(ValidationError) as caught:
        record(coordinator, kwargs.pop("amount", "10.00"), **kwargs)
    assert message in caught.value.message_dict[field][0]
    assert not Expenditure.objects.exists()


def test_a_reference_of_a_supplier_is_booked_once(coordinator):
    record(coordinator, "10.00", reference="F-7")
    with pytest.raises(ValidationError) as caught:
        record(coordinator, "10.00", reference="f-7", supplier="leverancier nv")
    assert "al geboekt" in caught.value.message_dict["reference"][0]


def test_float_and_other_roles_are_refused(coordinator):
    with pytest.raises(TypeError):
        expenditure_record(actor=coordinator, budget_line=line(), date=dt.date(2024, 5, 2), supplier="X",
                           reference="F-1", amount=10.5)
    with pytest.raises(PermissionDenied):
        record(make_user(Roles.HVT_SUBSIDY_COORDINATOR), "10.00")


def test_budget_vs_actual_per_line_with_the_licence_pools_cost(coordinator):
    """2024 licence line € 353,700.00; invoices 176,850.00 + 1,200.00 and a credit note of -850.00:
    spent 177,200.00, remaining 176,500.00, 50.1 % (177,200 / 353,700 = 0.50099). The 2024 licence
    plan costs 250 × 1,050 + 160 × 570 + 50 portal × 0 = 353,700.00 (licensing/data.py)."""
    record(coordinator, "176850.00", reference="F-1")
    record(coordinator, "1200.00", reference="F-2")
    record(coordinator, "-850.00", reference="CN-1")
    record(coordinator, "500.00", reference="F-3", category="governance")
    rows = {(r.year, r.category): r for r in budget_vs_actual(year=2024)}
    licences = rows[(2024, "licences")]
    assert (licences.budget, licences.actual, licences.remaining) == (
        Decimal("353700.00"), Decimal("177200.00"), Decimal("176500.00"))
    assert (licences.entries, licences.used_percent) == (3, Decimal("50.1"))
    assert licences.licence_cost == Decimal("353700.00") and licences.licence_difference == Decimal("0.00")
    assert rows[(2024, "governance")].actual == Decimal("500.00")
    assert rows[(2024, "governance")].licence_cost is None
    assert rows[(2024, "maintenance")].actual == Decimal("0.00")
    assert {r.year for r in budget_vs_actual(year=None)} == {2023, 2024}


def test_budget_vs_actual_queries_do_not_grow_with_the_entries(client, login, coordinator, django_assert_max_num_queries):
    login(coordinator)
    record(coordinator, "1.00", reference="F-0")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("budget:actual") + "?jaar=alle")
    for i in range(1, 30):
        record(coordinator, "1.00", reference=f"F-{i}", category=["licences", "governance", "it_support"][i % 3])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("budget:actual") + "?jaar=alle")
    assert response.status_code == 200


def test_page_shows_the_figures_and_an_overspent_line(client, login, coordinator):
    budget_line_set(tool="hvt", year=2024, category="governance", amount=Decimal("100.00"), actor=coordinator)
    record(coordinator, "150.00", category="governance")
    body = login(coordinator).get(reverse("budget:actual") + "?jaar=2024").content.decode()
    assert "353.700,00" in body and "150,00" in body and "-€\u00a050,00" in body and "overschreden" in body
    assert "2023" in body  # offered in the year filter


def test_form_records_through_the_service_and_shows_refusals(client, login, coordinator):
    login(coordinator)
    url = reverse("budget:spending_new")
    data = {"budget_line": line().pk, "date": "2024-06-01", "supplier": "Leverancier NV", "reference": "F-9",
            "description": "Licenties Q2", "amount": "1234,56"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("?jaar=2024")
    assert Expenditure.objects.get().amount == Decimal("1234.56")
    response = client.post(url, data)  # the same reference again
    assert response.status_code == 200 and "al geboekt" in response.content.decode()
    assert Expenditure.objects.count() == 1
    listing = client.get(reverse("budget:spending") + "?jaar=2024").content.decode()
    assert "Licenties Q2" in listing and "1.234,56" in listing


def test_subsidy_coordinator_reads_but_does_not_record(client, login):
    client = login(make_user(Roles.HVT_SUBSIDY_COORDINATOR))
    assert client.get(reverse("budget:actual")).status_code == 200
    assert client.get(reverse("budget:spending_new")).status_code == 403
    response = client.post(reverse("budget:spending_new"), {"budget_line": line().pk, "date": "2024-06-01",
                                                            "supplier": "X", "amount": "1,00"})
    assert response.status_code == 403 and not Expenditure.objects.exists()
    client = login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"]))
    for name in ("budget:actual", "budget:actual_export", "budget:spending"):
        assert client.get(reverse(name)).status_code == 403


def test_export_csv_and_xlsx_are_audited(client, login, coordinator):
    record(coordinator, "176850.00")
    login(coordinator)
    response = client.get(reverse("budget:actual_export") + "?jaar=2024")
    text = response.content.decode("utf-8-sig")
    assert "2024;HVT – Huisvestingstool;licenties;353700,00;176850,00;176850,00;50,0;1;353700,00" in text
    response = client.get(reverse("budget:actual_export") + "?jaar=2024&formaat=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    licence = next(r for r in rows if r[2] == "licenties")
    assert licence[3:6] == (Decimal("353700.00"), Decimal("176850.00"), Decimal("176850.00")) or \
        licence[3:6] == (353700, 176850, 176850)
    events = AuditEvent.objects.filter(action="export", object_type="budget.expenditure")
    assert sorted(e.changes["format"] for e in events) == ["csv", "xlsx"]


def test_budget_chart_json_and_year_on_year_table(client, login, coordinator):
    budget_line_set(tool="hvt", year=2025, category="licences", amount=Decimal("300000.00"), actor=coordinator)
    body = login(coordinator).get(reverse("budget:overview")).content.decode()
    found = re.search(r'<script id="budget-chart-data" type="application/json">(.*?)</script>', body, re.S)
    data = json.loads(found.group(1))
    hvt = next(c for c in data["charts"] if c["tool"] == "hvt")
    licences = hvt["labels"].index("licenties")
    series = {ds["label"]: ds["data"] for ds in hvt["datasets"]}
    assert series["2024"][licences] == "353700.00" and series["2025"][licences] == "300000.00"
    assert series["2023"][licences] is None  # the 2023 budget is a total only
    assert data["years"] == [2023, 2024, 2025]
    # the table alternative: the change per line against the previous year with that line
    assert "-€\u00a053.700,00" in body  # the one euro format (core.formatting)
    # CSP: the only inline script element is the JSON data
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert sorted(scripts) == ['<script id="budget-chart-change" type="application/json">',
                               '<script id="budget-chart-data" type="application/json">']
    assert "budget/budget_chart.js" in body
