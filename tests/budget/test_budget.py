from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.constants import Roles
from audit.models import AuditEvent
from budget.models import BudgetLine
from budget.selectors import budget_totals
from budget.services import budget_line_set
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _totals():
    return {(t.tool, t.year): t for t in budget_totals()}


def test_note_budget_totals_and_year_on_year_change():
    totals = _totals()
    assert totals[("hvt", 2024)].total == Decimal("1031700.00")
    assert totals[("hvt", 2023)].total == Decimal("1637100.45")
    assert totals[("hvt", 2024)].change == Decimal("-605400.45")
    assert totals[("crt", 2023)].total == Decimal("287915.00")
    assert totals[("crt", 2023)].change is None


def test_amounts_with_more_than_two_decimals_are_refused_and_nothing_is_stored():
    with pytest.raises(ValidationError):
        budget_line_set(tool="crt", year=2024, category="licences", amount=Decimal("10.005"))
    assert not BudgetLine.objects.filter(tool="crt", year=2024).exists()


def test_float_is_refused():
    with pytest.raises(TypeError):
        budget_line_set(tool="crt", year=2024, category="licences", amount=10.5)


def test_change_is_audited_with_old_and_new_amount():
    user = make_user(Roles.HVT_COORDINATOR)
    budget_line_set(tool="hvt", year=2024, category="governance", amount=Decimal("81000.00"), actor=user)
    event = AuditEvent.objects.filter(object_type="budget.budgetline", action="update").latest("occurred_at")
    assert event.changes == {"amount": ["80000.00", "81000.00"]}
    assert event.actor_id == user.pk
    assert _totals()[("hvt", 2024)].total == Decimal("1032700.00")


@pytest.mark.django_db(databases=["default", "crt"])
def test_overview_for_coordinator_and_hidden_from_municipal_officer(login):
    client = login(make_user(Roles.HVT_COORDINATOR))
    body = client.get("/budget/").content.decode()
    assert "1.031.700,00" in body and "-605.400,45" in body
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    client.force_login(officer)
    assert client.get("/budget/").status_code == 404
    assert client.get("/budget/export.csv").status_code == 404


def test_export_is_audited_and_semicolon_separated(login):
    client = login(make_user(Roles.HVT_SUBSIDY_COORDINATOR))
    response = client.get("/budget/export.csv")
    text = response.content.decode("utf-8-sig")
    assert "HVT – Huisvestingstool;hvt;2024;licenties;353700,00" in text  # core.exports: decimal comma, label and code
    assert AuditEvent.objects.filter(action="export", object_type="budget.budgetline").count() == 1
