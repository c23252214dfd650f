"""Permission-matrix entries: the geo reference data admin (read-only except population import)."""

from accounts.constants import Roles
from tests.security.expectations import objects
from tests.security.expectations._base import STAFF_PRINCIPALS, SUPERUSER_NO_CRT, AdminRule, only, roles, status

SUPER = roles(SUPERUSER_NO_CRT)
COORDINATION = roles(Roles.HVT_COORDINATOR, SUPERUSER_NO_CRT)

EXPECTATIONS = {
    # Population import (django-import-export): needs geo.add_populationfigure
    # (IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"; without it every staff user could import).
    "admin:geo_populationfigure_import": only(COORDINATION),
    # process_import is the POST step (require_POST runs before the permission check): a GET is 405
    # for all staff; tests/security/test_admin_import.py POSTs it.
    "admin:geo_populationfigure_process_import": only(STAFF_PRINCIPALS, status(405)),
}

ADMIN_MODELS = {
    # Reference data: viewable by the superuser, editable by nobody (loaded by load_reference_data).
    "admin:geo.province": AdminRule(view=SUPER, obj=objects.province),
    "admin:geo.municipality": AdminRule(view=COORDINATION, obj=objects.municipality),
    "admin:geo.municipalitymerger": AdminRule(view=SUPER, obj=objects.municipality_merger),
    "admin:geo.postalcode": AdminRule(view=SUPER, obj=objects.postal_code),
    "admin:geo.populationfigure": AdminRule(view=COORDINATION, add=COORDINATION, delete=SUPER, obj=objects.population_figure),
}
