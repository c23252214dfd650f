"""The licence overview writes counts with the thousands separator and amounts as the product's
one euro format (issue 12, item 5): a pool of 1,200 seats reads ``1.200``, its cost ``€ 1.234,56``."""

from decimal import Decimal

import pytest

from accounts.constants import Roles

pytestmark = pytest.mark.django_db(databases=["default", "crt"])
NBSP = "\u00a0"


def test_seats_and_costs_are_formatted(login, make_user, pool):
    pool(seats=1200, unit_price=Decimal("1234.56"))
    body = login(make_user(Roles.HVT_COORDINATOR)).get("/licenties/", {"plan": "2024"}).content.decode()
    table = body[body.index('id="pool-table"'):]
    table = table[:table.index("</table>")]
    assert ">1.200<" in table
    assert f"€{NBSP}1.234,56" in table and f"€{NBSP}1.481.472,00" in table  # 1,200 × € 1,234.56
    assert "floatformat" not in body and f"€{NBSP}" in body[body.index('id="plan-cost"'):]
