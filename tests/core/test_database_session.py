"""Every PostgreSQL connection of the product runs with JIT off and the work_mem of the overview
aggregates (config.settings.base.DATABASE_SESSION_OPTIONS): compiling the dashboard's and the target
list's statements cost more than running them (benchmarks/RESULTS.md, "JIT")."""

import pytest
from django.db import connections

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.mark.parametrize("alias", ["default", "crt"])
def test_postgresql_connections_run_without_jit(alias):
    connection = connections[alias]
    if connection.vendor != "postgresql":
        pytest.skip("the embedded default (SQLite) has no JIT")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == "32MB"
