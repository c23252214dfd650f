"""The budget pages write amounts and shares in the product's one format (core.formatting, issue 12
item 5): a decrease reads ``-€ 605.400,45`` as on every other page (not ``€ -605.400,45``), the euro
sign never parts from its amount (a no-break space), a share has one decimal and ``%``."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.constants import Roles
from budget.services import budget_line_set
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])
NBSP = "\u00a0"


def test_overview_writes_the_2024_decrease_in_the_one_euro_format(login):
    body = login(make_user(Roles.HVT_COORDINATOR)).get(reverse("budget:overview")).content.decode()
    assert f"-€{NBSP}605.400,45" in body  # 2024 (€ 1,031,700.00) against 2023 (€ 1,637,100.45)
    assert f"€{NBSP}1.031.700,00" in body
    assert "€ -" not in body and "€ 1" not in body  # no amount in another format, no breakable space


def test_actual_page_writes_amounts_and_the_share_used(login):
    coordinator = make_user(Roles.HVT_COORDINATOR)
    budget_line_set(tool="hvt", year=2024, category="licences", amount=Decimal("353700.00"), actor=coordinator)
    body = login(coordinator).get(reverse("budget:actual"), {"jaar": 2024}).content.decode()
    assert f"€{NBSP}353.700,00" in body
    assert f">0,0{NBSP}%<" in body  # nothing spent yet: one decimal, as every share
    assert "€ " not in body.replace(f"€{NBSP}", "")
