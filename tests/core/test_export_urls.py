"""Every export of the product opens cleanly in a Belgian Excel (issue 12, item 6): UTF-8 with BOM,
``;`` separator, decimal comma, Dutch headings and labels — a code only in a column of its own
(its heading says "code"). The URL configuration is walked, so a new export without a case fails."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.constants import Roles
from budget.constants import BudgetCategories, Tools
from hvt.constants import Category2Subtypes, PlaceCategories, PlaceStatuses
from tests.factories import make_user
from tests.hvt.helpers import GENT, allocate, validated

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

DECIMAL_POINT = re.compile(r"^-?\d+\.\d+$")
CODES = {value for choices in (PlaceStatuses, PlaceCategories, Category2Subtypes, Tools, BudgetCategories)
         for value, label in choices.choices if str(value) != str(label) and not str(value).isdigit()}


def _export_names(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _export_names(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name and (
                "export" in pattern.name or pattern.name == "subsidy_payment"):
            yield prefix + pattern.name


def _place_export(client, login):
    officer = make_user(Roles.HVT_COORDINATOR)
    place = validated(officer, capacity=1200, category=PlaceCategories.CAT2, category_2_subtype="hotel")
    allocate(officer, place, size=3)
    login(officer)
    return client.get(reverse("hvt:place_export"))


def _dashboard_export(client, login):
    officer = make_user(Roles.HVT_COORDINATOR)
    validated(officer, capacity=1500)
    login(officer)
    return client.get(reverse("hvt:dashboard_export"))


def _dashboard_evolution_export(client, login):
    from hvt.models import CapacitySnapshot

    CapacitySnapshot.objects.create(date=dt.date(2024, 2, 29), municipality_id=GENT, category=PlaceCategories.CAT1_PUBLIC,
                                    capacity=1500, available=1500, occupied=1234, free=266)
    login(make_user(Roles.HVT_COORDINATOR))
    return client.get(reverse("hvt:dashboard_evolution_export"))


def _budget_export(client, login):
    login(make_user(Roles.HVT_SUBSIDY_COORDINATOR))
    return client.get(reverse("budget:export"))


def _actual_export(client, login):
    from budget.models import BudgetLine
    from budget.services import expenditure_record

    coordinator = make_user(Roles.HVT_COORDINATOR)
    expenditure_record(actor=coordinator, budget_line=BudgetLine.objects.get(tool="hvt", year=2024, category="licences"),
                       date=dt.date(2024, 5, 2), supplier="Leverancier NV", reference="F-1", amount=Decimal("1234.56"))
    login(coordinator)
    return client.get(reverse("budget:actual_export") + "?jaar=2024")


def _crt_report_export(client, login):
    from crt.constants import CrtRoles

    login(make_user(CrtRoles.REPORTING))
    return client.get(reverse("crt:report_export", args=["municipality"]))


def _subsidy_payment(client, login):
    """The payment file is written by the same columns as the page's download (an approved run is
    built in tests/budget/test_subsidy_pages.py; here its columns and one row)."""
    from budget.subsidy.payment import PaymentRow, _columns
    from core.exports import csv_response

    row = PaymentRow(refnis=GENT, municipality="Gent", amount=Decimal("6440.5"), iban="BE48001123456727", bic="")
    return csv_response(filename="subsidie", columns=_columns(), rows=[row])


def _data_quality_export(client, login):
    """A registered place without a housing-quality check: one ``places_without_check`` row."""
    from tests.hvt.helpers import register

    coordinator = make_user(Roles.HVT_COORDINATOR)
    register(coordinator, capacity=4)
    login(coordinator)
    return client.get(reverse("hvt:data_quality_export"))


def _subsidy_totals_export(client, login):
    """Gent's hotel of 2 beds from 1 June 2022: tranche 2022-06 approved (€ 2,100.00, a decimal
    comma in the file), 2022-09 drafted (tests/budget/test_subsidy_totals.py's world)."""
    from core import clock
    from hvt.constants import PlaceCategories
    from tests.budget.subsidy_helpers import NOW, approve_through, calc, coordinator, place

    with clock.frozen(NOW):
        place(category=PlaceCategories.CAT2, subtype="hotel", capacity=2, start=dt.date(2022, 6, 1))
        boss = coordinator()
        approve_through("2022-06", boss)
        calc("2022-09", boss)
    login(make_user(Roles.HVT_COORDINATOR))
    return client.get(reverse("budget:subsidy_totals_export"))


def _as_coordinator(name, *args, query=""):
    """An export of a page a coordinator reads, with one place of 1,500 beds in the data."""

    def get(client, login):
        coordinator = make_user(Roles.HVT_COORDINATOR)
        validated(coordinator, capacity=1500)
        login(coordinator)
        return client.get(reverse(name, args=args) + query)

    return get


CASES = {
    "hvt:place_export": _place_export, "hvt:dashboard_export": _dashboard_export, "budget:export": _budget_export,
    "hvt:dashboard_evolution_export": _dashboard_evolution_export,
    "budget:actual_export": _actual_export, "crt:report_export": _crt_report_export,
    "budget:subsidy_payment": _subsidy_payment,
    # exports added by other pages (issue 12 item 6 holds for them too); the walk checks their headings
    # and whatever rows they have with the data above
    "hvt:data_quality_export": _data_quality_export,
    "budget:history_export": _as_coordinator("budget:history_export"),
    "budget:subsidy_totals_export": _subsidy_totals_export,
    "licensing:export": _as_coordinator("licensing:export", "pools"),
}


def test_every_export_url_has_a_case():
    assert set(_export_names()) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_export_opens_cleanly_in_belgian_excel(name, client, login):
    response = CASES[name](client, login)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert len(header) > 1 and data, rows  # every case plants data: the rows' cells are checked too
    assert not [label for label in header if "_" in label or label != label.strip()], header
    for row in data:
        for heading, cell in zip(header, row, strict=False):
            assert not DECIMAL_POINT.match(cell), f"{heading}: {cell} (decimal point)"
            assert cell not in CODES or "code" in heading.lower(), f"{heading}: {cell} (a code outside a code column)"
