"""The data-quality report (issue 11): per municipality the items to fix, the records behind them,
the trend per week (chart with a table alternative) and its export. Reads through hvt.quality."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.selectors import municipalities_for_user
from audit.constants import AuditActions
from audit.services import audit_log
from core.access import access_required
from core.charts import LINE, Chart, Series
from core.exports import Column, Kind, export_format, export_response
from core.formatting import format_date
from hvt import quality
from hvt.views.common import DENY


def _selected(request) -> str:
    """``?gemeente=REFNIS``: a municipality of the user's scope (else 404: existence not revealed)."""
    refnis = request.GET.get("gemeente", "")
    if refnis and not municipalities_for_user(request.user, roles=quality.QUALITY_ROLES).filter(pk=refnis).exists():
        raise Http404
    return refnis


@access_required(quality.can_view, deny_with=DENY)
def data_quality(request):
    refnis = _selected(request)
    report = quality.report_for_user(request.user)
    items = selected = None
    if refnis:
        items = quality.items_for_user(request.user, refnis, day=report["day"])
        selected = next((r for r in report["rows"] if r["refnis"] == refnis), None) or {
            "refnis": refnis, "items": dict.fromkeys(quality.CODES, 0),
            "name": municipalities_for_user(request.user, roles=quality.QUALITY_ROLES).get(pk=refnis).name_nl}
    labels = [(code, str(label)) for code, label in quality.ITEMS.items()]
    chart = Chart(title=_("Open punten per week"), kind=LINE,
                  labels=[format_date(p["day"]) for p in report["trend"]],
                  series=[Series(label=label, data=[p[code] for p in report["trend"]]) for code, label in labels])
    return render(request, "hvt/data_quality.html", {
        "report": report, "labels": labels, "chart": chart.as_json(), "items": items, "selected": selected,
    })


def _item(code: str):
    return lambda row: row["items"][code]


def export_columns(table: str) -> list[Column]:
    codes = [Column(str(label), code, Kind.INTEGER) for code, label in quality.ITEMS.items()]
    if table == "trend":
        return [Column(_("Week tot en met"), "day", Kind.DATE), *codes, Column(_("Totaal"), "total", Kind.INTEGER)]
    return [Column(_("Provincie"), "province"), Column(_("NIS-code"), "refnis"), Column(_("Gemeente"), "name"),
            *[Column(str(label), _item(code), Kind.INTEGER) for code, label in quality.ITEMS.items()],
            Column(_("Totaal"), "total", Kind.INTEGER)]


@access_required(quality.can_view, deny_with=DENY)
def data_quality_export(request):
    """The report's municipality table (default) or its weekly trend (``?tabel=trend``) as CSV or
    XLSX (``?formaat=xlsx``), in the user's scope; audited; formulas neutralised (core.exports)."""
    table = "trend" if request.GET.get("tabel") == "trend" else "gemeenten"
    report = quality.report_for_user(request.user)
    fmt = export_format(request)
    rows = report["trend"] if table == "trend" else report["rows"]
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="hvt.data_quality",
              object_repr="export datakwaliteit", changes={"format": fmt, "table": table,
                                                           "day": report["day"].isoformat(), "rows": len(rows)})
    return export_response(fmt=fmt, filename=f"datakwaliteit-{table}-{report['day']:%Y-%m-%d}",
                           columns=export_columns(table), rows=rows, sheet=_("Datakwaliteit"))
