
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from accounts.selectors import user_has_role
from audit.constants import AuditActions
from audit.services import audit_log
from budget.permissions import BUDGET_VIEWERS
from budget.selectors import (
    budget_change_chart,
    budget_chart,
    budget_history,
    budget_lines_by_year,
    budget_totals,
    history_rows,
    history_table,
)
from core.access import Deny, access_required
from core.exports import Column, Kind, csv_response, export_format, export_response


def may_view_budget(user) -> bool:
    """Who opens the budget pages (budget.permissions.BUDGET_VIEWERS); everyone else gets 403."""
    return user_has_role(user, *BUDGET_VIEWERS)


@access_required(may_view_budget, deny_with=Deny.FORBIDDEN)
def overview(request):
    lines = budget_lines_by_year()
    details = [(t, lines.get((t.tool, t.year), [])) for t in budget_totals()]
    years, history = budget_history()
    return render(request, "budget/overview.html", {
        "details": details, "years": years, "history": history_table(years, history),
        "chart": budget_chart(years, history), "change_chart": budget_change_chart(years, history),
    })


EXPORT_COLUMNS = [
    Column(gettext_lazy("Tool"), lambda line: line.get_tool_display()), Column(gettext_lazy("Toolcode"), "tool"),
    Column(gettext_lazy("Jaar"), "year", Kind.INTEGER),
    Column(gettext_lazy("Post"), lambda line: line.get_category_display()),
    Column(gettext_lazy("Bedrag (EUR)"), "amount", Kind.MONEY),
]


@access_required(may_view_budget, deny_with=Deny.FORBIDDEN)
def export_csv(request):
    """The budget lines as CSV through core.exports (decimal comma, formulas neutralised); audited."""
    lines = budget_lines_by_year()
    rows = [line for total in budget_totals() for line in lines.get((total.tool, total.year), [])]
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="budget.budgetline", object_repr="budget.csv")
    return csv_response(filename="budget", columns=EXPORT_COLUMNS, rows=rows)


HISTORY_COLUMNS = [
    Column(gettext_lazy("Tool"), "tool"), Column(gettext_lazy("Post"), "category"),
    Column(gettext_lazy("Jaar"), "year", Kind.INTEGER), Column(gettext_lazy("Bedrag (EUR)"), "amount", Kind.MONEY),
    Column(gettext_lazy("Verschil met vorig jaar (EUR)"), "change", Kind.MONEY),
]


@access_required(may_view_budget, deny_with=Deny.FORBIDDEN)
def history_export(request):
    """The budget per post and year with the year-on-year change (the charts' table) as CSV or
    ``?formaat=xlsx`` through core.exports; audited."""
    fmt = export_format(request)
    rows = history_rows(*budget_history())
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="budget.budgetline",
              object_repr="budget-historiek", changes={"format": fmt})
    return export_response(fmt=fmt, filename="budget-per-post-en-jaar", columns=HISTORY_COLUMNS, rows=rows,
                           sheet=str(gettext_lazy("budget per post en jaar")))
