"""The VLOT / coordinator dashboard, its export and the capacity evolution."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.selectors import municipalities_for_user
from audit.constants import AuditActions
from audit.services import audit_log
from core.exports import Column, Kind, export_format, export_response
from hvt import querysets, selectors
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
        "individual": sorted(querysets.INDIVIDUAL_CATEGORIES),
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
        "chart": chart, "shift": querysets.shift_points(series), "query": query.urlencode(),
        "export_query": export_query.urlencode(),
        "lagging_only": lagging_only, "lagging_below": LAGGING_BELOW, "all_query": all_query.urlencode(),
    })


def dashboard_columns(overview: dict) -> list[Column]:
    """The dashboard table's columns: exactly the figures on the page, for the CSV and XLSX exports."""

    def category(key, figure):
        return lambda item: item["categories"][key][figure]

    columns = [Column(_("Provincie"), "province"), Column(_("NIS-code"), "refnis"), Column(_("Gemeente"), "name")]
    for key, label in overview["categories"]:
        columns += [Column(f"{label} – {_('beschikbaar')}", category(key, "available"), Kind.INTEGER),
                    Column(f"{label} – {_('bezet')}", category(key, "occupied"), Kind.INTEGER)]
    return columns + [
        Column(_("Beschikbaar"), "available", Kind.INTEGER), Column(_("Bezet"), "occupied", Kind.INTEGER),
        Column(_("Vrij"), "free", Kind.INTEGER), Column(_("Bezetting (%)"), "occupancy", Kind.PERCENT),
        Column(_("Objectief"), "target", Kind.INTEGER), Column(_("Realisatie (%)"), "realisation", Kind.PERCENT),
    ]


def dashboard_rows(overview: dict) -> list[dict]:
    """The municipalities, then the province totals and the total, as rows of ``dashboard_columns``."""
    return [
        *overview["rows"],
        *({**t, "province": t["label"], "refnis": "", "name": _("Totaal provincie")} for t in overview["provinces"]),
        {**overview["total"], "province": "", "refnis": "", "name": _("Totaal")},
    ]


@role_required(*selectors.DASHBOARD_ROLES)
def dashboard_export(request):
    """The dashboard table as CSV (default) or XLSX (?formaat=xlsx); same scope, filter and order
    as the page; formulas neutralised (core.exports); audited."""
    _provinces, province, sort = _dashboard_params(request)
    overview = selectors.capacity_overview_for_user(request.user, province=province, sort=SORTS.get(sort, ""))
    fmt = export_format(request)
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="hvt.dashboard",
              object_repr="export dashboard opvangcapaciteit",
              changes={"format": fmt, "province": province, "sort": sort, "day": overview["day"].isoformat(),
                       "municipalities": len(overview["rows"])})
    return export_response(fmt=fmt, filename=f"dashboard-opvang-{overview['day']:%Y-%m-%d}",
                           columns=dashboard_columns(overview), rows=dashboard_rows(overview), sheet="Dashboard")
