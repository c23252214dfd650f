"""CRT reporting: published aggregates only (suppressed and rounded, crt/README.md "Published
figures"), on the page and as a CSV or XLSX file (each export an audit event)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from core.exports import Column, Kind, export_format, export_response
from crt import reporting
from crt.views.common import reporter_required

PUBLICATION_NOTE = gettext_lazy(
    "Afgerond op een veelvoud van %(base)s; x = minder dan 5 personen (ook geen) of daaruit af te leiden. "
    "Het totaal is apart afgerond."
)


def _reference_date(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("datum", ""))
    except ValueError:
        return clock.today()


@reporter_required
@require_GET
@never_cache
def reports(request):
    reference_date = _reference_date(request)
    return render(request, "crt/reports.html", {"tables": reporting.report_tables(reference_date),
                                                "reference_date": reference_date})


def _published(value: int | None):
    """A published figure as the file holds it: a number, or ``x`` where the page shows ``x``."""
    return reporting.SUPPRESSED if value is None else value


@reporter_required
@require_GET
@never_cache
def report_export(request, dimension):
    """One table as a file (``?formaat=xlsx``, CSV otherwise), the same figures as the page; the
    method's note travels with them on the last line."""
    if dimension not in reporting.DIMENSIONS:
        raise Http404
    reference_date = _reference_date(request)
    fmt = export_format(request)
    table = reporting.report_table(dimension, reference_date)
    rows = [(row.label, _published(row.value)) for row in table.rows]
    rows.append((_("Totaal"), _published(table.total)))
    rows.append((PUBLICATION_NOTE % {"base": table.rounding_base}, None))
    columns = [Column(table.dimension_label, lambda r: r[0]),
               Column(_("aantal personen"), lambda r: r[1], Kind.INTEGER)]
    response = export_response(fmt=fmt, filename=f"crt-{dimension}-{reference_date.isoformat()}", columns=columns,
                               rows=rows, sheet=table.dimension_label)
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="crt.report", object_id=dimension,
              object_repr=f"{dimension} {reference_date.isoformat()}", database="crt",
              changes={"dimension": dimension, "reference_date": reference_date.isoformat(), "format": fmt})
    return response
