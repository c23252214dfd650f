"""API fuzzing: schemathesis generates requests from our OpenAPI schema (/api/v1/schema/) and sends
them to the Django WSGI app as an authenticated user of each main role. No response may be a 5xx,
and every documented response must match the schema (body and content type).

Bounded: FUZZ_MAX_EXAMPLES (default 20) examples per operation, derandomised (same cases every run).
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "20"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

GENT, HASSELT = "44021", "71072"
ROLES = {
    "hvt_municipal_full": {"municipalities": [GENT]},
    "hvt_vlot": {"provinces": ["40000"]},
    "hvt_coordinator": {},
    "portal_user": {},
}


def _seed():
    """A few objects inside (Gent) and outside (Hasselt) the municipal/VLOT scope, so detail routes
    and filters meet real rows."""
    from tests.hvt.helpers import make_allocation, make_offer, make_place, make_target

    for municipality in (GENT, HASSELT):
        make_place(municipality=municipality)
        make_allocation(municipality=municipality)
        make_offer(municipality=municipality)
        make_target(municipality=municipality)


@contextmanager
def keep_connections():
    """A real WSGI handler closes the database connection around each request (close_old_connections),
    which would end the test's transaction; Django's test client disconnects it the same way (and
    reconnects it after each of its own requests, so this wraps only the fuzzing)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.mark.django_db(databases=["default", "crt"])
@pytest.mark.parametrize("role", sorted(ROLES))
def test_api_fuzz(role, client, make_user):
    _seed()
    user = make_user(role, **ROLES[role])
    _token, token_key = AuthToken.objects.create(user=user)  # knox stores a hash: the key only now
    raw = client.get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT="application/json")
    assert raw.status_code == 200
    schema = schemathesis.openapi.from_dict(raw.json())
    app = WSGIHandler()
    headers = {"Authorization": f"Token {token_key}"}
    operations = list(_operations(schema))
    assert operations, "the API schema lists no operations"
    failures: list[str] = []
    calls = {"n": 0, "2xx": 0}

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call(app=app, headers=headers)
            calls["n"] += 1
            calls["2xx"] += 200 <= response.status_code < 300
            case.validate_response(response, checks=CHECKS, headers=headers, transport_kwargs={"app": app})

        try:
            with keep_connections():
                run()
        except (Exception, BaseExceptionGroup) as exc:  # collect per operation, report all at once
            failures.append(f"{operation.label}: {exc}"[:3000])

    assert calls["n"] >= len(operations)
    assert not failures, f"{role}: {len(failures)} operation(s) failed:\n\n" + "\n\n".join(failures)
