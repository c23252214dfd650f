"""The VLOT / coordinator dashboard, its export and the capacity evolution."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.selectors import municipalities_for_user
from audit.constants import AuditActions
from audit.services import audit_log
from core.exports import neutralise_cell
from hvt import selectors
from hvt.constants import READ_ROLES
from hvt.home import LAGGING_BELOW  # one threshold for the home card and the list
from hvt.views.common import role_required


@role_required(*READ_ROLES)
def capacity_evolution(request):
    scope = municipalities_for_user(request.user, roles=READ_ROLES).only("pk", "name_nl")
    municipality = request.GET.get("municipality", "")
    if municipality and not scope.filter(pk=municipality).exists():
        municipality = ""
    months = selectors.capacity_evolution_for_user(request.user, municipality=municipality)
    peak = max([m["available"] for m in months] + [1])
    return render(request, "hvt/evolution.html", {"months": months, "peak": peak, "scope": scope,
                                                  "municipality": municipality})



# --- the VLOT / coordinator dashboard --------------------------------------------------------------

SORTS = {"realisatie": "realisation", "naam": "name", "beschikbaar": "available"}
PERIODS = {"alles": None, "365": 365, "90": 90}


def _dashboard_params(request):
    """Province filter (only a province with municipalities in the user's scope) and sort order."""
    provinces = list(selectors.dashboard_provinces_for_user(request.user).values_list("pk", "name_nl"))
    province = request.GET.get("provincie", "")
    if province not in {pk for pk, _name in provinces}:
        province = ""
    sort = request.GET.get("sorteer", "")
    if sort not in SORTS:
        sort = ""
    return provinces, province, sort


def _shift(series: dict) -> list[dict]:
    """Occupied beds in individual housing (category 1) against collective sites (2 and 3) at the
    last point before 2024, and at the last point: the shift of DOMAIN §4 in figures."""
    labels = series["labels"]
    if not labels:
        return []
    points = []
    before = [i for i, label in enumerate(labels) if label < "2024-01-01"]
    if before and before[-1] != len(labels) - 1:
        points.append(before[-1])
    points.append(len(labels) - 1)
    out = []
    for i in points:
        individual = sum(series["series"][c]["occupied"][i] for c in selectors.INDIVIDUAL_CATEGORIES)
        collective = sum(series["series"][c]["occupied"][i] for c in selectors.COLLECTIVE_CATEGORIES)
        total = individual + collective
        out.append({"date": labels[i], "individual": individual, "collective": collective,
                    "share": round(100 * individual / total, 1) if total else None})
    return out


@role_required(*selectors.DASHBOARD_ROLES)
def dashboard(request):
    """Realisation against target per municipality, occupancy per category and the evolution
    from the nightly snapshots, in the user's scope (VLOT: its provinces)."""
    provinces, province, sort = _dashboard_params(request)
    overview = selectors.capacity_overview_for_user(request.user, province=province, sort=SORTS.get(sort, ""))
    period = request.GET.get("periode", "alles")
    if period not in PERIODS:
        period = "alles"
    days = PERIODS[period]
    start = overview["day"] - dt.timedelta(days=days) if days else None
    series = selectors.capacity_series_for_user(request.user, start=start, province=province)
    labels = {c: str(label) for c, label in overview["categories"]}
    chart = {
        "labels": series["labels"], "monthly": series["monthly"],
        "datasets": [{"key": c, "label": labels[c], **series["series"][c]} for c in selectors.CATEGORY_KEYS],
        "individual": sorted(selectors.INDIVIDUAL_CATEGORIES),
        "text": {"available": _("Beschikbare gevalideerde bedden"), "occupied": _("Bezette bedden"),
                 "share": _("Aandeel individuele huisvesting (categorie 1) in de bezette bedden (%)"),
                 "individual": _("Individueel (categorie 1)"), "collective": _("Collectief (categorie 2 en 3)")},
    }
    lagging_only = request.GET.get("onder") == str(LAGGING_BELOW)  # the home card "Gemeenten onder 50 %"
    if lagging_only:
        overview["rows"] = [r for r in overview["rows"]
                            if r["realisation"] is not None and r["realisation"] < LAGGING_BELOW]
    query = request.GET.copy()
    query.pop("sorteer", None)
    all_query = request.GET.copy()
    all_query.pop("onder", None)
    export_query = request.GET.copy()
    export_query.pop("periode", None)
    return render(request, "hvt/dashboard.html", {
        "overview": overview, "provinces": provinces, "province": province, "sort": sort, "period": period,
        "chart": chart, "shift": _shift(series), "query": query.urlencode(), "export_query": export_query.urlencode(),
        "lagging_only": lagging_only, "lagging_below": LAGGING_BELOW, "all_query": all_query.urlencode(),
    })


def dashboard_table(overview: dict) -> tuple[list[str], list[list]]:
    """The dashboard table as header + rows (municipalities, then province totals and the total):
    exactly the figures on the page, for the CSV and XLSX exports."""
    header = [_("Provincie"), _("NIS-code"), _("Gemeente")]
    for _key, label in overview["categories"]:
        header += [f"{label} – {_('beschikbaar')}", f"{label} – {_('bezet')}"]
    header += [_("Beschikbaar"), _("Bezet"), _("Vrij"), _("Bezetting (%)"), _("Objectief"), _("Realisatie (%)")]

    def figures(item):
        out = []
        for key, _label in overview["categories"]:
            out += [item["categories"][key]["available"], item["categories"][key]["occupied"]]
        return out + [item["available"], item["occupied"], item["free"], item["occupancy"], item["target"],
                      item["realisation"]]

    rows = [[r["province"], r["refnis"], r["name"], *figures(r)] for r in overview["rows"]]
    rows += [[t["label"], "", _("Totaal provincie"), *figures(t)] for t in overview["provinces"]]
    rows.append(["", "", _("Totaal"), *figures(overview["total"])])
    return header, [[neutralise_cell("" if v is None else v) for v in row] for row in rows]


@role_required(*selectors.DASHBOARD_ROLES)
def dashboard_export(request):
    """The dashboard table as CSV (default) or XLSX (?formaat=xlsx); same scope, filter and order
    as the page; formulas neutralised; audited."""
    _provinces, province, sort = _dashboard_params(request)
    overview = selectors.capacity_overview_for_user(request.user, province=province, sort=SORTS.get(sort, ""))
    header, rows = dashboard_table(overview)
    fmt = "xlsx" if request.GET.get("formaat") == "xlsx" else "csv"
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="hvt.dashboard",
              object_repr="export dashboard opvangcapaciteit",
              changes={"format": fmt, "province": province, "sort": sort, "day": overview["day"].isoformat(),
                       "municipalities": len(overview["rows"])})
    filename = f"dashboard-opvang-{overview['day']:%Y-%m-%d}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Dashboard"
        sheet.append([neutralise_cell(h) for h in header])
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([neutralise_cell(h) for h in header])
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
