"""A PostgreSQL connection dropped in the middle of a request: a clean error page
(templates/errors/500.html) and nothing committed (ATOMIC_REQUESTS on the default database)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from accounts.models import Organisation

pytestmark = pytest.mark.services


def _request_in_own_connection(path: str) -> dict:
    """Run the request in a thread: it gets its own database connection (committed data only, like a
    real worker), so killing that backend does not touch the test's own transaction."""
    from django.test import Client

    result: dict = {}

    def run():
        try:
            response = Client(raise_request_exception=False).get(path)
            result["status"] = response.status_code
            result["body"] = response.content.decode()
        except Exception as exc:  # the test asserts on this
            result["exception"] = repr(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "request did not finish"
    return result


@pytest.mark.django_db
@pytest.mark.urls("tests.faults.urls")
def test_connection_dropped_mid_request_gives_error_page_and_commits_nothing():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL); CI runs it there (REQUIRE_SERVICES=1)")
    result = _request_in_own_connection("/fault/drop/dropped-mid-request/")
    assert "exception" not in result, result
    assert result["status"] == 500
    assert "Er ging iets mis" in result["body"]
    assert "Er werd niets opgeslagen" in result["body"]
    assert "Traceback" not in result["body"]
    # The row written before the drop was never committed.
    assert not Organisation.objects.filter(code="dropped-mid-request").exists()
    # And the application still works afterwards (a fresh connection).
    after = _request_in_own_connection("/health/")
    assert after["status"] in (200, 503)
    assert '"default_db": {"status": "ok"}' in after["body"]
