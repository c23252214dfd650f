"""Writes of the HVT, one module per subject:

* ``places``: registration (one and in bulk), changes, the housing-quality check, validation, the
  agency's confirmation of category 2, closing;
* ``allocations``: households assigned to a place, ended, moved (the place row is locked); the
  place's first allocation day (``first_allocation_refresh``, also for bulk writers);
* ``offers``: portal offers, validated into a place or rejected;
* ``targets``: target rounds spread by population (largest remainder) and overrides;
* ``notes``: steering notes;
* ``periods``: a change of capacity, category or dates from day D (effective-dated facts);
* ``snapshots``: the capacity snapshot of a day;
* ``common``: the scope check, the address/date/category rules, the place lock, beds in use, audit.

Forms, admin, API, import and tasks all go through these functions, so each rule of DOMAIN §4 is
enforced in one place. Every change is an audit event. Errors are
``django.core.exceptions.ValidationError`` with translated Dutch messages, so a form, the admin, the
import and the API show them as they are. Callers import from ``hvt.services``.
"""

from hvt.services.allocations import allocation_create, allocation_end, allocation_move, first_allocation_refresh
from hvt.services.common import EDITABLE_PLACE_FIELDS, PLACE_FIELDS, ScopeError, peak_beds
from hvt.services.notes import steering_note_create
from hvt.services.offers import offer_reject, offer_submit, offer_validate
from hvt.services.periods import place_change
from hvt.services.places import (
    NewPlaceLookups,
    PlaceBatchError,
    new_place_lookups,
    place_close,
    place_confirm_by_agency,
    place_input_check,
    place_register,
    place_register_bulk,
    place_update,
    place_validate,
    quality_check_record,
)
from hvt.services.snapshots import snapshot_take
from hvt.services.targets import largest_remainder, target_override_set, target_round_create

__all__ = [
    "EDITABLE_PLACE_FIELDS", "PLACE_FIELDS", "NewPlaceLookups", "PlaceBatchError", "ScopeError",
    "allocation_create", "allocation_end", "allocation_move", "first_allocation_refresh", "largest_remainder", "new_place_lookups",
    "offer_reject", "offer_submit", "offer_validate", "peak_beds", "place_close", "place_confirm_by_agency",
    "place_change", "place_input_check", "place_register", "place_register_bulk", "place_update", "place_validate",
    "quality_check_record",
    "snapshot_take", "steering_note_create", "target_override_set", "target_round_create",
]
