"""The overview's data behind the pictures: the map (GeoJSON contract, hvt.maps) and the export of
the weekly evolution (the table alternative of the charts)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from core.exports import Column, Kind, export_format, export_response
from hvt import overview as weekly
from hvt import selectors
from hvt.maps import municipality_map_json_for_user
from hvt.views.common import role_required
from hvt.views.dashboard import dashboard_params


@require_GET
@role_required(*selectors.DASHBOARD_ROLES)
def dashboard_map(request):
    """``GET /hvt/dashboard/kaart.geojson``: the municipalities in the user's scope (hvt.maps)."""
    _provinces, province, _sort = dashboard_params(request)
    response = HttpResponse(municipality_map_json_for_user(request.user, province=province),
                            content_type="application/geo+json; charset=utf-8")
    response["Cache-Control"] = "private, no-store"  # figures of the user's scope
    return response


def evolution_columns() -> list[Column]:
    from hvt.constants import PlaceCategories

    def category(key, figure):
        return lambda week: week["categories"][key][figure]

    columns = [Column(_("Week (laatste momentopname)"), "date", Kind.DATE)]
    for key, label in PlaceCategories.choices:
        columns += [Column(f"{label} – {_('beschikbaar')}", category(key, "available"), Kind.INTEGER),
                    Column(f"{label} – {_('bezet')}", category(key, "occupied"), Kind.INTEGER)]
    return columns + [
        Column(_("Beschikbaar"), "available", Kind.INTEGER), Column(_("Bezet"), "occupied", Kind.INTEGER),
        Column(_("Objectief"), "target", Kind.INTEGER),
        Column(_("Aandeel individuele huisvesting (%)"), "individual_share", Kind.PERCENT),
    ]


@role_required(*selectors.DASHBOARD_ROLES)
def dashboard_evolution_export(request):
    """The weekly evolution behind the charts as CSV or XLSX; same scope and province; audited."""
    _provinces, province, _sort = dashboard_params(request)
    weeks = weekly.weekly_series_for_user(request.user, province=province)
    fmt = export_format(request)
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="hvt.dashboard_evolution",
              object_repr="export evolutie opvangcapaciteit per week",
              changes={"format": fmt, "province": province, "weeks": len(weeks)})
    return export_response(fmt=fmt, filename=f"evolutie-opvang-{clock.today():%Y-%m-%d}",
                           columns=evolution_columns(), rows=weeks,
                           sheet="Evolutie")
