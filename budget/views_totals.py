"""Subsidy totals for VLOT (its provinces) and the central coordination (all of Flanders): per
tranche, province and municipality, drafted / approved / paid, as a table and a chart, exportable
(core.exports: CSV or XLSX, Dutch labels, decimal comma; audited)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy

from audit.constants import AuditActions
from audit.services import audit_log
from budget.subsidy import totals as subsidy_totals
from core.access import Deny, access_required
from core.exports import Column, Kind, export_format, export_response

readers_required = access_required(subsidy_totals.may_read_totals, deny_with=Deny.FORBIDDEN)


def _province(request, user) -> tuple[str | None, list]:
    provinces = list(subsidy_totals.scope_provinces(user))
    wanted = request.GET.get("provincie", "")
    return (wanted if any(p.pk == wanted for p in provinces) else None), provinces


@readers_required
def totals_page(request):
    province, provinces = _province(request, request.user)
    totals = subsidy_totals.subsidy_totals(request.user, province)
    return render(request, "budget/subsidy/totals.html", {
        "totals": totals, "province": province, "provinces": provinces,
        "per_tranche": [(t, totals.per_tranche.get(t.code)) for t in totals.tranches],
        "province_rows": subsidy_totals.province_table(totals),
        "chart": subsidy_totals.totals_chart(totals),
    })


EXPORT_COLUMNS = [
    Column(gettext_lazy("Schijf"), "tranche"),
    Column(gettext_lazy("Provincie"), "province"),
    Column(gettext_lazy("NIS-code"), "refnis"),
    Column(gettext_lazy("Gemeente"), "municipality"),
    Column(gettext_lazy("Status"), "state"),
    Column(gettext_lazy("Bedrag (EUR)"), "amount", Kind.MONEY),
]


@readers_required
def totals_export(request):
    """The rows of the page (tranche × municipality) as CSV (default) or XLSX (?formaat=xlsx); audited."""
    province, _provinces = _province(request, request.user)
    totals = subsidy_totals.subsidy_totals(request.user, province)
    fmt = export_format(request)
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="budget.subsidyline",
              object_repr="export subsidietotalen", changes={"format": fmt, "province": province, "rows": len(totals.rows)})
    return export_response(fmt=fmt, filename="subsidietotalen", columns=EXPORT_COLUMNS, rows=totals.rows,
                           sheet="Subsidietotalen")
