"""Django permissions of the HVT roles (admin). Scope is enforced separately (scope_filter)."""

from accounts.constants import Roles

MODELS = ["receptionplace", "qualitycheck", "allocation", "placeoffer", "targetround", "municipalitytarget",
          "steeringnote", "capacitysnapshot"]

ROLE_PERMISSIONS = {
    Roles.HVT_COORDINATOR: [f"hvt.view_{m}" for m in MODELS]
    + ["hvt.add_receptionplace", "hvt.change_receptionplace", "hvt.add_targetround", "hvt.change_municipalitytarget"]
    # Central coordination follows every import (places, population), not only its own uploads.
    + ["core.view_all_imports"],
    Roles.HVT_VLOT: [f"hvt.view_{m}" for m in MODELS],
}
