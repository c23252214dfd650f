"""The municipality page's figures (issue 11 drill-down): its beds against its target, its places
and current allocations (paged), and the panels other apps contribute (``core.registry``:
``<app>.municipality_panels.municipality_panels(user, municipality) -> [{"key", "title", "template",
"context"}]``; the budget app adds the subsidy totals for those who may read them — hvt does not
import budget). The data-quality items have their place in ``hvt/_municipality_quality.html``.

Statement count: fixed (the overview's three aggregates, two pages of two lists with their counts,
the panels' own aggregates), whatever the number of places or allocations."""

from __future__ import annotations

from core import clock
from core.paging import paginate
from core.registry import app_modules
from hvt import selectors
from hvt.constants import PlaceCategories

ALLOCATION_PAGE_PARAM = "toewijzingen"
ALLOCATION_SIZE_PARAM = "toewijzingen_per"


def municipality_panels(user, municipality) -> list[dict]:
    panels = []
    for _app, module in app_modules("municipality_panels"):
        panels += module.municipality_panels(user, municipality)
    return panels


def municipality_figures(user, municipality) -> dict | None:
    """The dashboard's row of the municipality (one definition: selectors.capacity_overview_for_user),
    computed over its province, or None when it is outside the user's dashboard scope."""
    overview = selectors.capacity_overview_for_user(user, province=municipality.province_id)
    row = next((r for r in overview["rows"] if r["refnis"] == municipality.pk), None)
    if row is not None:
        labels = dict(PlaceCategories.choices)
        row["category_rows"] = [{"key": c, "label": labels[c], **row["categories"][c]} for c in selectors.CATEGORY_KEYS]
    return row


def municipality_page_context(request, municipality) -> dict:
    user = request.user
    today = clock.today()
    places = selectors.place_list_for_user(user, municipality=municipality.pk)
    allocations = (selectors.allocation_list_for_user(user, active_on=today)
                   .filter(place__municipality=municipality.pk).order_by("start_date", "pk"))
    allocation_paging = paginate(request, allocations, default_size=25, page_param=ALLOCATION_PAGE_PARAM,
                                 size_param=ALLOCATION_SIZE_PARAM)
    figures = municipality_figures(user, municipality)
    paging = paginate(request, places, default_size=25)
    return {
        "today": today, "figures": figures, "paging": paging,
        "summary": {"places": paging["page"].paginator.count, "available_beds": figures["available"] if figures else 0},
        "allocation_paging": allocation_paging, "allocation_page": allocation_paging["page"],
        "panels": municipality_panels(user, municipality),
    }
