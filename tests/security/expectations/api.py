"""Permission-matrix entries: the API under /api/v1/ (schema, docs, router root).

Apps add their router URLs (``<basename>-list`` / ``<basename>-detail``) in their own module.
"""

from tests.security.expectations._base import ALLOW, everyone, logged_in

EXPECTATIONS = {
    # The schema and its docs are public (drf-spectacular's SERVE_PERMISSIONS default AllowAny):
    # they describe the API, they contain no data.
    "api-schema": everyone(ALLOW),
    "api-docs": everyone(ALLOW),
    "api-root": logged_in(ALLOW),
}
