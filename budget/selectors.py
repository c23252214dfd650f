"""The budget report: totals per tool and year and the change against the previous year, in SQL."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from accounts.selectors import scope_filter, user_has_role
from budget.constants import BudgetCategories, Tools
from budget.models import BudgetLine


@dataclass(frozen=True)
class YearTotal:
    tool: str
    tool_label: str
    year: int
    total: Decimal
    previous_year: int | None
    change: Decimal | None


def budget_totals() -> list[YearTotal]:
    rows = BudgetLine.objects.values("tool", "year").annotate(total=Sum("amount")).order_by("tool", "year")
    out: list[YearTotal] = []
    previous: dict[str, tuple[int, Decimal]] = {}
    for row in rows:
        prev = previous.get(row["tool"])
        out.append(
            YearTotal(
                tool=row["tool"],
                tool_label=str(Tools(row["tool"]).label),
                year=row["year"],
                total=row["total"],
                previous_year=prev[0] if prev else None,
                change=(row["total"] - prev[1]) if prev else None,
            )
        )
        previous[row["tool"]] = (row["year"], row["total"])
    return out


def budget_lines_by_year() -> dict[tuple[str, int], list[BudgetLine]]:
    """Every line grouped by (tool, year), in category order: one query for the whole report
    (the overview and the export showed each year's lines with a query per year)."""
    grouped: dict[tuple[str, int], list[BudgetLine]] = defaultdict(list)
    for line in BudgetLine.objects.all():
        grouped[(line.tool, line.year)].append(line)
    order = {c.value: i for i, c in enumerate(BudgetCategories)}
    return {key: sorted(lines, key=lambda line: order[line.category]) for key, lines in grouped.items()}


# --- Payees ------------------------------------------------------------------------------------------


def may_read_payees(user) -> bool:
    from budget.permissions import PAYEE_READERS

    return user_has_role(user, *PAYEE_READERS)


def payees_for_user(user):
    """The bank accounts of the municipalities in the user's scope (a municipal officer: their own)."""
    from budget.models import Payee
    from budget.permissions import PAYEE_READERS

    return scope_filter(Payee.objects.select_related("municipality", "municipality__province"), user,
                        roles=PAYEE_READERS).order_by("municipality__name_nl")
