"""Browser pages of the HVT, one module per subject: ``start``, ``places``, ``allocations``,
``offers`` (portal offers and the validation queue), ``municipalities`` (targets, the VLOT view),
``dashboard`` (the overview, its export, the capacity evolution), ``overview`` (the map's GeoJSON and
the weekly evolution's export), ``quality`` (the data-quality report and its export); ``common`` holds
the role check.
Views read through hvt.selectors and write through hvt.services only.

Outside the scope a detail answers 404 (existence is not revealed); a page for a role the user
does not hold answers 403.
"""

from hvt.views.allocations import allocation_create, allocation_end, allocation_move, place_choices
from hvt.views.dashboard import capacity_evolution, dashboard, dashboard_export
from hvt.views.municipalities import municipality_detail, municipality_list, target_list
from hvt.views.offers import offer_create, offer_decide, offer_list, offer_queue
from hvt.views.overview import dashboard_evolution_export, dashboard_map
from hvt.views.places import (
    place_close,
    place_confirm,
    place_create,
    place_detail,
    place_edit,
    place_export,
    place_list,
    place_quality_check,
)
from hvt.views.quality import data_quality, data_quality_export
from hvt.views.start import index

__all__ = [
    "allocation_create", "allocation_end", "allocation_move", "capacity_evolution", "dashboard", "dashboard_export",
    "dashboard_evolution_export", "dashboard_map", "data_quality", "data_quality_export",
    "index", "municipality_detail", "municipality_list", "offer_create", "offer_decide",
    "offer_list", "offer_queue", "place_close", "place_confirm", "place_create", "place_detail", "place_edit",
    "place_choices", "place_export", "place_list", "place_quality_check", "target_list",
]
