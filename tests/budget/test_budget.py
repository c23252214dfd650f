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
    assert "1.031.700,00" in body and "-€\u00a0605.400,45" in body  # the one euro format (core.formatting)
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    client.force_login(officer)
    # core.access: a budget page's existence is no secret, so a signed-in user without the role gets
    # 403 (it was 404 under login_required + a hand-made check); anonymous → the login page.
    assert client.get("/budget/").status_code == 403
    assert client.get("/budget/export.csv").status_code == 403
    client.logout()
    for url in ("/budget/", "/budget/export.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"], url


def test_export_is_audited_and_semicolon_separated(login):
    client = login(make_user(Roles.HVT_SUBSIDY_COORDINATOR))
    response = client.get("/budget/export.csv")
    text = response.content.decode("utf-8-sig")
    assert "HVT – Huisvestingstool;hvt;2024;licenties;353700,00" in text  # core.exports: decimal comma, label and code
    assert AuditEvent.objects.filter(action="export", object_type="budget.budgetline").count() == 1


@pytest.mark.django_db(databases=["default", "crt"])
def test_admin_writes_budget_lines_through_the_service_audited_and_keeps_the_key(client, login):
    """BudgetLineAdmin saves through budget_line_set (core.admin.ServiceModelForm): the add and the
    change are audited with the signed-in user, and an existing line's key cannot be changed."""
    from django.urls import reverse

    coordinator = make_user(Roles.HVT_COORDINATOR, is_staff=True)
    login(coordinator)
    response = client.post(reverse("admin:budget_budgetline_add"),
                           {"tool": "crt", "year": 2031, "category": "licences", "amount": "1200.50", "note": "plan"})
    assert response.status_code == 302, response.content.decode()[:2000]
    line = BudgetLine.objects.get(tool="crt", year=2031, category="licences")
    created = AuditEvent.objects.get(object_type="budget.budgetline", object_id=str(line.pk), action="create")
    assert created.actor_id == coordinator.pk and created.changes == {"amount": [None, "1200.50"]}
    url = reverse("admin:budget_budgetline_change", args=[line.pk])
    response = client.post(url, {"year": 2032, "amount": "1300.00", "note": "herzien"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.year, line.amount, line.note) == (2031, Decimal("1300.00"), "herzien")  # key read-only
    assert not BudgetLine.objects.filter(year=2032).exists()
    updated = AuditEvent.objects.get(object_type="budget.budgetline", object_id=str(line.pk), action="update")
    assert updated.actor_id == coordinator.pk and updated.changes == {"amount": ["1200.50", "1300.00"]}
    # a second line with the same key is refused on the form, nothing is changed
    response = client.post(reverse("admin:budget_budgetline_add"),
                           {"tool": "crt", "year": 2031, "category": "licences", "amount": "1.00"})
    assert response.status_code == 200 and "errornote" in response.content.decode()
    line.refresh_from_db()
    assert line.amount == Decimal("1300.00")
