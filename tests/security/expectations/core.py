"""Permission-matrix entries: core pages (home, health, language switch) and the stored import's admin."""

from accounts.constants import Roles
from tests.security.expectations._base import (
    ALLOW,
    STAFF_PRINCIPALS,
    SUPERUSER_NO_CRT,
    AdminRule,
    Scope,
    everyone,
    logged_in,
    only,
    posts,
    roles,
    status,
)

# Who may import (hvt.add_receptionplace, geo.add_populationfigure) and see every import (core.view_all_imports).
IMPORTERS = roles(Roles.HVT_COORDINATOR, SUPERUSER_NO_CRT)


def stored_import(scope: Scope) -> dict:
    """An import uploaded by another coordinator (an import has no geographic scope: it is its uploader's)."""
    from core import services
    from tests.factories import make_user

    owner = make_user(Roles.HVT_COORDINATOR, is_staff=True)
    imp = services.import_create(actor=owner, kind="hvt.places", file_name=f"matrix-{scope.name}.csv",
                                 content=b"refnis\n44021\n")
    return {"object_id": imp.pk}


EXPECTATIONS = {
    # The dashboard: any logged-in user; anonymous is sent to the login page.
    "core:home": logged_in(ALLOW),
    # Health is public and reveals only up/down per part (200 healthy, 503 degraded: both fine here).
    "health": everyone(status(200, 503)),
    # Django's set_language: a GET just redirects back (the switch itself is a POST).
    "set_language": everyone(status(302)),
    # /favicon.ico points browsers at the static icon.
    "favicon": everyone(status(301)),
    # The stored import: its progress (JSON, polled by the status page) for whoever may see the import;
    # another user's own import is 404 (tests/core/test_import_admin.py).
    "admin:core_import_progress": only(IMPORTERS, obj=stored_import),
    # Confirming is a POST (405 on a GET for staff); only the uploader may (tests/security/test_admin_import.py).
    "admin:core_import_confirm": only(STAFF_PRINCIPALS, status(405), obj=stored_import, post=posts([]),
                                      writes="core.import"),
}

ADMIN_MODELS = {
    # Read-only: created by an upload page (admin:<app>_<model>_import), changed only by its task.
    "admin:core.import": AdminRule(view=IMPORTERS, obj=stored_import),
}
