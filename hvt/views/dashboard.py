"""The VLOT / coordinator overview (the dashboard: headline figures, map, municipalities grouped by
province, weekly evolution), its exports and the capacity evolution page."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import municipalities_for_user, user_has_role
from audit.constants import AuditActions
from audit.services import audit_log
from core.exports import Column, Kind, export_format, export_response
from hvt import overview as weekly
from hvt import querysets, selectors
from hvt.constants import NOTE_ROLES, READ_ROLES
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


# --- the VLOT / coordinator overview --------------------------------------------------------------

# Default: the municipalities furthest behind first (where to steer).
SORTS = {"realisatie": "realisation", "naam": "name", "beschikbaar": "available"}
DEFAULT_SORT = "realisatie"


def dashboard_params(request):
    """Province filter (only a province with municipalities in the user's scope) and sort order."""
    provinces = list(selectors.dashboard_provinces_for_user(request.user).values_list("pk", "name_nl"))
    province = request.GET.get("provincie", "")
    if province not in {pk for pk, _name in provinces}:
        province = ""
    sort = request.GET.get("sorteer", "")
    if sort not in SORTS:
        sort = DEFAULT_SORT
    return provinces, province, sort


def _groups(overview: dict) -> list[dict]:
    """The rows grouped by province (in the overview's order within each), with the province totals."""
    totals = {t["province_id"]: t for t in overview["provinces"]}
    groups: dict[str, list] = {}
    for row in overview["rows"]:
        groups.setdefault(row["province_id"], []).append(row)
    return [{"total": totals[pid], "rows": groups[pid]} for pid in sorted(groups, key=lambda p: totals[p]["label"])]


def _chart(weeks: list[dict], overview: dict) -> dict:
    labels = dict(overview["categories"])
    return {
        "labels": [w["date"].isoformat() for w in weeks],
        "datasets": [{"key": c, "label": str(labels[c]),
                      "available": [w["categories"][c]["available"] for w in weeks],
                      "occupied": [w["categories"][c]["occupied"] for w in weeks]} for c in selectors.CATEGORY_KEYS],
        "target": [w["target"] for w in weeks],
        "share": [None if w["individual_share"] is None else float(w["individual_share"]) for w in weeks],
        "text": {"available": _("Beschikbare gevalideerde bedden per categorie, per week"),
                 "occupied": _("Bezette bedden per categorie, per week"), "target": _("Objectief"),
                 "share": _("Aandeel individuele huisvesting (categorie 1) in de bezette bedden (%)"),
                 "individual": _("Individueel (categorie 1)")},
    }


@role_required(*selectors.DASHBOARD_ROLES)
def dashboard(request):
    """Headline figures by category, the map, the municipalities by province (furthest behind first)
    and the weekly evolution since March 2022, all in the user's scope (VLOT: its provinces)."""
    provinces, province, sort = dashboard_params(request)
    overview = selectors.capacity_overview_for_user(request.user, province=province, sort=SORTS[sort])
    weeks = weekly.weekly_series_for_user(request.user, province=province)
    lagging_only = request.GET.get("onder") == str(LAGGING_BELOW)  # the home card "Gemeenten onder 50 %"
    if lagging_only:
        overview["rows"] = [r for r in overview["rows"]
                            if r["realisation"] is not None and r["realisation"] < LAGGING_BELOW]
    query = request.GET.copy()
    query.pop("sorteer", None)
    all_query = request.GET.copy()
    all_query.pop("onder", None)
    filter_query = request.GET.copy()
    filter_query.pop("onder", None)
    filter_query.pop("sorteer", None)
    may_open = user_has_role(request.user, *NOTE_ROLES)
    map_config = {
        "url": reverse("hvt:dashboard_map") + (f"?provincie={province}" if province else ""),
        "detail": reverse("hvt:municipality_detail", args=["REFNIS"]) if may_open
        else reverse("hvt:place_list") + "?municipality=REFNIS",
        "text": {"noTarget": _("geen objectief"), "available": _("beschikbaar"), "target": _("objectief"),
                 "realisation": _("realisatie"), "open": _("Enter of klik: gemeente openen"),
                 "error": _("De kaart kon niet geladen worden; de tabel hieronder toont dezelfde cijfers.")},
    }
    return render(request, "hvt/dashboard.html", {
        "overview": overview, "groups": _groups(overview), "headline": weekly.headline(overview),
        "provinces": provinces, "province": province, "sort": sort, "weeks": weeks,
        "chart": _chart(weeks, overview), "map_config": map_config, "may_open": may_open,
        "shift": weekly.shift_from_weeks(weeks, querysets.SHIFT_REFERENCE), "bands": BANDS,
        "query": query.urlencode(), "export_query": all_query.urlencode(), "filter_query": filter_query.urlencode(),
        "lagging_only": lagging_only, "lagging_below": LAGGING_BELOW, "all_query": all_query.urlencode(),
    })


# The map's colour bands (viridis steps, dark = furthest behind) with a pattern each: colour is never alone.
BANDS = [
    {"key": "b0", "label": "< 25 %", "colour": "#440154", "pattern": "dots"},
    {"key": "b1", "label": "25–50 %", "colour": "#3b528b", "pattern": "lines"},
    {"key": "b2", "label": "50–75 %", "colour": "#21918c", "pattern": "cross"},
    {"key": "b3", "label": "75–100 %", "colour": "#5ec962", "pattern": "none"},
    {"key": "b4", "label": "≥ 100 %", "colour": "#fde725", "pattern": "none"},
]


def dashboard_columns(overview: dict) -> list[Column]:
    """The municipality figures (with the split per category), for the CSV and XLSX exports."""

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
    """The municipality table as CSV (default) or XLSX (?formaat=xlsx); same scope, filter and order
    as the page; formulas neutralised (core.exports); audited."""
    _provinces, province, sort = dashboard_params(request)
    overview = selectors.capacity_overview_for_user(request.user, province=province, sort=SORTS[sort])
    fmt = export_format(request)
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="hvt.dashboard",
              object_repr="export dashboard opvangcapaciteit",
              changes={"format": fmt, "province": province, "sort": sort, "day": overview["day"].isoformat(),
                       "municipalities": len(overview["rows"])})
    return export_response(fmt=fmt, filename=f"dashboard-opvang-{overview['day']:%Y-%m-%d}",
                           columns=dashboard_columns(overview), rows=dashboard_rows(overview), sheet="Dashboard")
