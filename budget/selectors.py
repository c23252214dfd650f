"""The budget report: totals per tool and year and the change against the previous year, in SQL."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

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


# --- Budget vs actual, the chart, year on year --------------------------------------------------------

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ActualRow:
    """One budget line of a year next to what was spent against it."""

    line_id: int
    tool: str
    tool_label: str
    year: int
    category: str
    category_label: str
    budget: Decimal
    actual: Decimal
    entries: int
    licence_cost: Decimal | None  # licence lines only: what the licence pools of the plan starting that year cost

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.actual

    @property
    def used_percent(self) -> Decimal | None:
        """Spent as a percentage of the budget (one decimal), None for a line of € 0."""
        if not self.budget:
            return None
        return (self.actual * 100 / self.budget).quantize(Decimal("0.1"))

    @property
    def overspent(self) -> bool:
        return self.actual > self.budget

    @property
    def licence_difference(self) -> Decimal | None:
        return None if self.licence_cost is None else self.budget - self.licence_cost


def budget_years() -> list[int]:
    return list(BudgetLine.objects.values_list("year", flat=True).distinct().order_by("-year"))


def budget_vs_actual(*, year: int | None = None) -> list[ActualRow]:
    """Every budget line (of ``year``, or all years) with the sum and count of its expenditures: one
    grouped query for the lines, one for the licence plans' cost (licensing.selectors)."""
    from licensing.selectors import plan_cost_per_start_year

    lines = BudgetLine.objects.all()
    if year is not None:
        lines = lines.filter(year=year)
    lines = lines.annotate(
        actual=Coalesce(Sum("expenditures__amount"), Value(Decimal("0.00")), output_field=DecimalField(max_digits=14, decimal_places=2)),
        entries=Count("expenditures"),
    ).values("id", "tool", "year", "category", "amount", "actual", "entries")
    plan_cost = plan_cost_per_start_year()
    order = {c.value: i for i, c in enumerate(BudgetCategories)}
    rows = [
        ActualRow(
            line_id=line["id"], tool=line["tool"], tool_label=str(Tools(line["tool"]).label), year=line["year"],
            category=line["category"], category_label=str(BudgetCategories(line["category"]).label),
            budget=line["amount"], actual=Decimal(str(line["actual"])).quantize(CENT), entries=line["entries"],
            licence_cost=plan_cost.get(line["year"]) if line["category"] == BudgetCategories.LICENCES else None,
        )
        for line in lines
    ]
    return sorted(rows, key=lambda r: (-r.year, r.tool, order[r.category]))


def actual_totals(rows: list[ActualRow]) -> dict[tuple[str, int], dict]:
    """Totals per (tool, year) of budget_vs_actual's rows (no query)."""
    totals: dict[tuple[str, int], dict] = {}
    for row in rows:
        total = totals.setdefault((row.tool, row.year), {"tool_label": row.tool_label, "year": row.year,
                                                          "budget": Decimal("0.00"), "actual": Decimal("0.00")})
        total["budget"] += row.budget
        total["actual"] += row.actual
    for total in totals.values():
        total["remaining"] = total["budget"] - total["actual"]
    return totals


def expenditures(*, year: int | None = None, line_id: int | None = None):
    from budget.models import Expenditure

    qs = Expenditure.objects.select_related("budget_line", "created_by")
    if year is not None:
        qs = qs.filter(budget_line__year=year)
    if line_id is not None:
        qs = qs.filter(budget_line_id=line_id)
    return qs.order_by("-date", "-id")


@dataclass(frozen=True)
class LineHistory:
    """One budget post of a tool over the years: the amount per year and the change against the
    previous year that has the same post (year on year per line, not only totals)."""

    tool: str
    tool_label: str
    category: str
    category_label: str
    amounts: dict[int, Decimal]

    def changes(self) -> dict[int, Decimal]:
        out, previous = {}, None
        for year in sorted(self.amounts):
            if previous is not None:
                out[year] = self.amounts[year] - self.amounts[previous]
            previous = year
        return out


def budget_history() -> tuple[list[int], list[LineHistory]]:
    """The years and, per tool and post, the amounts per year (one query)."""
    rows = BudgetLine.objects.values_list("tool", "category", "year", "amount")
    years: set[int] = set()
    grouped: dict[tuple[str, str], dict[int, Decimal]] = defaultdict(dict)
    for tool, category, year, amount in rows:
        grouped[(tool, category)][year] = amount
        years.add(year)
    tool_order = {t.value: i for i, t in enumerate(Tools)}
    order = {c.value: i for i, c in enumerate(BudgetCategories)}
    history = [
        LineHistory(tool=tool, tool_label=str(Tools(tool).label), category=category,
                    category_label=str(BudgetCategories(category).label), amounts=amounts)
        for (tool, category), amounts in sorted(grouped.items(), key=lambda kv: (tool_order[kv[0][0]], order[kv[0][1]]))
    ]
    return sorted(years), history


def budget_chart(years: list[int], history: list[LineHistory]) -> dict:
    """The JSON behind the budget chart: per tool, the posts as labels and one series per year
    (amounts as strings with two decimals: no float leaves the server)."""
    charts = []
    for tool in Tools:
        lines = [h for h in history if h.tool == tool.value]
        if not lines:
            continue
        tool_years = sorted({y for h in lines for y in h.amounts})
        charts.append({
            "tool": tool.value,
            "title": str(tool.label),
            "labels": [h.category_label for h in lines],
            "datasets": [
                {"label": str(year), "data": [f"{h.amounts[year]:.2f}" if year in h.amounts else None for h in lines]}
                for year in tool_years
            ],
        })
    return {"charts": charts, "years": years}


def history_table(years: list[int], history: list[LineHistory]) -> list[dict]:
    """The chart's table alternative: per post, for every year the amount and the change against
    the previous year with that post (None where the post has no line that year)."""
    out = []
    for line in history:
        changes = line.changes()
        out.append({
            "tool_label": line.tool_label, "category_label": line.category_label,
            "cells": [{"year": y, "amount": line.amounts.get(y), "change": changes.get(y)} for y in years],
        })
    return out


def budget_change_chart(years: list[int], history: list[LineHistory]) -> dict:
    """The JSON behind the year-on-year chart (core.charts): per post (of each tool), one series per
    year with the change against the previous year that has the same post; None where there is no
    previous year (a gap, not a 0). The same figures as the history table's second line."""
    from core.charts import Chart, Series

    changes = [h.changes() for h in history]
    shown = [y for y in years if any(y in c for c in changes)]
    return Chart(title=str(_("Verschil met het vorige jaar, per post")), money=True,
                 labels=[f"{h.tool_label} – {h.category_label}" for h in history],
                 series=[Series(label=str(y), data=[c.get(y) for c in changes]) for y in shown]).as_json()


def history_rows(years: list[int], history: list[LineHistory]) -> list[dict]:
    """The history table as rows for the export: one per post and year with a line."""
    rows = []
    for line in history:
        changes = line.changes()
        for year in years:
            if year in line.amounts:
                rows.append({"tool": line.tool_label, "category": line.category_label, "year": year,
                             "amount": line.amounts[year], "change": changes.get(year)})
    return rows
