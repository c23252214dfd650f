"""Actual spending against the budget lines: recording it (central coordination), the list of
entries, and "budget vs actual" per line and year with the licence line next to what the licence
pools cost, exportable (CSV/XLSX, audited)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import user_has_role
from audit.constants import AuditActions
from audit.services import audit_log
from budget import selectors, services
from budget.forms import ExpenditureForm
from budget.permissions import BUDGET_VIEWERS
from core.access import Deny, access_required
from core.exports import Column, Kind, export_format, export_response
from core.forms import submit_to_service


def _may_view(user) -> bool:
    return user_has_role(user, *BUDGET_VIEWERS)


def _year(request, years: list[int]) -> int | None:
    """?jaar=2024 → 2024 when there is such a budget year; default: the latest year; "alle" → None."""
    raw = request.GET.get("jaar", "")
    if raw == "alle":
        return None
    if raw.isdigit() and int(raw) in years:
        return int(raw)
    return years[0] if years else None


@access_required(_may_view, deny_with=Deny.FORBIDDEN)
def actual(request):
    years = selectors.budget_years()
    year = _year(request, years)
    rows = selectors.budget_vs_actual(year=year)
    return render(request, "budget/actual.html", {
        "rows": rows, "totals": list(selectors.actual_totals(rows).values()), "years": years, "year": year,
        "year_param": "alle" if year is None else year,
        "may_record": services.may_record_spending(request.user),
    })


ACTUAL_COLUMNS = [
    Column(gettext_lazy("Jaar"), "year", Kind.INTEGER),
    Column(gettext_lazy("Tool"), "tool_label"),
    Column(gettext_lazy("Post"), "category_label"),
    Column(gettext_lazy("Budget (EUR)"), "budget", Kind.MONEY),
    Column(gettext_lazy("Uitgegeven (EUR)"), "actual", Kind.MONEY),
    Column(gettext_lazy("Saldo (EUR)"), "remaining", Kind.MONEY),
    Column(gettext_lazy("Besteed (%)"), "used_percent", Kind.PERCENT),
    Column(gettext_lazy("Boekingen"), "entries", Kind.INTEGER),
    Column(gettext_lazy("Kostprijs licentiepools (EUR)"), "licence_cost", Kind.MONEY),
]


@access_required(_may_view, deny_with=Deny.FORBIDDEN)
def actual_export(request):
    """Budget vs actual as CSV (default) or XLSX (?formaat=xlsx), the same rows as the page; audited."""
    years = selectors.budget_years()
    year = _year(request, years)
    rows = selectors.budget_vs_actual(year=year)
    fmt = export_format(request)
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="budget.expenditure",
              object_repr="export budget tegenover uitgaven",
              changes={"format": fmt, "year": year, "lines": len(rows)})
    return export_response(fmt=fmt, filename=f"budget-uitgaven-{year or 'alle'}", columns=ACTUAL_COLUMNS, rows=rows,
                           sheet="Budget en uitgaven")


@access_required(_may_view, deny_with=Deny.FORBIDDEN)
def spending(request):
    years = selectors.budget_years()
    year = _year(request, years)
    line = request.GET.get("lijn", "")
    entries = selectors.expenditures(year=year, line_id=int(line) if line.isdigit() else None)[:500]
    return render(request, "budget/spending.html", {
        "entries": entries, "years": years, "year": year, "year_param": "alle" if year is None else year,
        "may_record": services.may_record_spending(request.user),
    })


@access_required(services.may_record_spending, deny_with=Deny.FORBIDDEN)
def spending_new(request):
    form = ExpenditureForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (entry := submit_to_service(
            form, services.expenditure_record, actor=request.user)):
        messages.success(request, _("Uitgave van € %(amount)s geboekt op %(line)s.")
                         % {"amount": entry.amount, "line": entry.budget_line})
        return redirect(f"{reverse('budget:actual')}?jaar={entry.budget_line.year}")
    return render(request, "budget/spending_form.html", {"form": form})
