"""Subsidy totals for VLOT and the central coordination: per tranche, province and municipality,
drafted / approved / paid, a chart with its table, CSV/XLSX through core.exports; VLOT sees its
provinces only."""

import datetime as dt
import io
import json
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from accounts.constants import Roles
from audit.models import AuditEvent
from budget.corrections import tranche_mark_paid
from hvt.constants import PlaceCategories as C
from tests.budget.subsidy_helpers import NOW, approve_through, calc, coordinator, place
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])
HASSELT, HASSELT_POSTAL = "71072", "3500"
URL, EXPORT = reverse("budget:subsidy_totals"), reverse("budget:subsidy_totals_export")


@pytest.fixture
def world(frozen_now):
    """Gent: a hotel of 2 beds from 1 June 2022 (€ 35): 2022-06 = 30 × 2 × 35 = € 2,100.00, approved
    and paid; 2022-09 = 92 × 2 × 35 = € 6,440.00, drafted. Hasselt: a youth hostel of 1 bed from
    1 June 2022 (€ 20): 2022-06 = 30 × 20 = € 600.00 (paid), 2022-09 = 92 × 20 = € 1,840.00 (drafted)."""
    frozen_now(NOW)
    place(category=C.CAT2, subtype="hotel", capacity=2, start=dt.date(2022, 6, 1))
    place(category=C.CAT2, subtype="youth_hostel", capacity=1, start=dt.date(2022, 6, 1),
          municipality=HASSELT, postal_code=HASSELT_POSTAL)
    boss = coordinator()
    approved = approve_through("2022-06", boss)
    tranche_mark_paid(actor=boss, tranche=approved.tranche)
    calc("2022-09", boss)
    return boss


def test_central_coordination_sees_every_province_paid_and_drafted(client, login, world):
    login(make_user(Roles.HVT_COORDINATOR))
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Oost-Vlaanderen" in body and "Limburg" in body
    assert "2.700,00" in body  # 2022-06 paid: 2,100 + 600
    assert "8.280,00" in body  # 2022-09 drafted: 6,440 + 1,840
    data = json.loads(body.split('id="budget-chart-data" type="application/json">')[1].split("</script>")[0])
    chart = data["charts"][0]
    assert chart["labels"] == ["2022-06", "2022-09"]
    assert {ds["label"]: ds["data"] for ds in chart["datasets"]}["Limburg"] == ["600.00", "1840.00"]
    assert "<script>" not in body  # no inline script (CSP)


def test_vlot_sees_only_its_provinces_in_page_and_export(client, login, world):
    login(make_user(Roles.HVT_VLOT, provinces=["40000"]))
    body = client.get(URL).content.decode()
    assert "Gent" in body and "2.100,00" in body and "6.440,00" in body
    assert "Hasselt" not in body and "Limburg" not in body and "1.840,00" not in body
    assert "Hasselt" not in client.get(URL + "?provincie=70000").content.decode()
    text = client.get(EXPORT).content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].split(";")[:4] == ["Schijf", "Provincie", "NIS-code", "Gemeente"]
    assert any("44021" in line and "2100,00" in line.replace(".", "") and "Betaald" in line for line in lines)
    assert any("2022-09" in line and "Ontwerp" in line for line in lines)
    assert "71072" not in text
    response = client.get(EXPORT + "?formaat=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Schijf" and len(values) == 3
    assert D(str(values[1][5])) == D("2100.00")
    assert AuditEvent.objects.filter(action="export", object_type="budget.subsidyline").count() == 2


def test_others_are_refused(client, login, world):
    for user in (make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"]), make_user(Roles.HVT_SECURITY_AUDITOR)):
        login(user)
        assert client.get(URL).status_code == 403
        assert client.get(EXPORT).status_code == 403
