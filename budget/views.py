import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.selectors import user_has_role
from audit.constants import AuditActions
from audit.services import audit_log
from budget.permissions import BUDGET_VIEWERS
from budget.selectors import budget_chart, budget_history, budget_lines_by_year, budget_totals, history_table
from core.exports import neutralise_cell


def _require_viewer(request):
    if not user_has_role(request.user, *BUDGET_VIEWERS):
        raise Http404


@login_required
def overview(request):
    _require_viewer(request)
    lines = budget_lines_by_year()
    details = [(t, lines.get((t.tool, t.year), [])) for t in budget_totals()]
    years, history = budget_history()
    return render(request, "budget/overview.html", {
        "details": details, "years": years, "history": history_table(years, history),
        "chart": budget_chart(years, history),
    })


@login_required
def export_csv(request):
    _require_viewer(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="budget.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("tool"), _("jaar"), _("post"), _("bedrag (EUR)")])
    lines = budget_lines_by_year()
    for total in budget_totals():
        for line in lines.get((total.tool, total.year), []):
            writer.writerow([neutralise_cell(v) for v in (line.tool, line.year, line.get_category_display(), f"{line.amount:.2f}")])
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="budget.budgetline", object_repr="budget.csv")
    return response
