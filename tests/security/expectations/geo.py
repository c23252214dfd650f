"""Permission-matrix entries: the geo reference data admin (read-only except population import)."""

from accounts.constants import Roles
from tests.security.expectations import objects
from tests.security.expectations._base import SUPERUSER_NO_CRT, AdminRule, only, roles

SUPER = roles(SUPERUSER_NO_CRT)
COORDINATION = roles(Roles.HVT_COORDINATOR, SUPERUSER_NO_CRT)

EXPECTATIONS = {
    # Population import (core's stored import, kind "geo.population"): needs geo.add_populationfigure;
    # tests/security/test_admin_import.py POSTs the upload as every staff role.
    "admin:geo_populationfigure_import": only(COORDINATION),
}

ADMIN_MODELS = {
    # Reference data: viewable by the superuser, editable by nobody (loaded by load_reference_data).
    "admin:geo.province": AdminRule(view=SUPER, obj=objects.province),
    "admin:geo.municipality": AdminRule(view=COORDINATION, obj=objects.municipality),
    "admin:geo.municipalitymerger": AdminRule(view=SUPER, obj=objects.municipality_merger),
    "admin:geo.postalcode": AdminRule(view=SUPER, obj=objects.postal_code),
    "admin:geo.populationfigure": AdminRule(view=COORDINATION, add=COORDINATION, delete=SUPER, obj=objects.population_figure),
}
