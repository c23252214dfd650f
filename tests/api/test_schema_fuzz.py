"""API fuzzing with schemathesis, generated from our OpenAPI schema (/api/v1/schema/).

1. ``test_api_fuzz_live_server_all_checks``: the schemathesis command line against a live server,
   as an outsider would run it — every check (server errors, undocumented statuses and bodies,
   schema-violating requests accepted, schema-valid requests rejected, authentication ignored,
   resources created but unreachable, …) and every phase including the stateful one (sequences
   that create a place, allocate, move, end …). Bounded (8 examples per operation, 40 stateful
   scenarios; FUZZ_LIVE_MAX_EXAMPLES=40 for a deeper run), fixed seed. Its configuration and the
   reasons for it: tests/api/schemathesis.toml.
2. ``test_api_fuzz``: in process, as each main role (scoped users meet 403/404 where the
   coordinator meets 200), FUZZ_MAX_EXAMPLES (default 20) per operation, derandomised.

Either fails on the first kind of response the schema does not promise.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "20"))
LIVE_MAX_EXAMPLES = os.environ.get("FUZZ_LIVE_MAX_EXAMPLES", "")  # default: the configuration's
LIVE_SEED = os.environ.get("FUZZ_LIVE_SEED", "20220314")
CONFIG = Path(__file__).with_name("schemathesis.toml")
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

GENT, HASSELT = "44021", "71072"
ROLES = {
    "hvt_municipal_full": {"municipalities": [GENT]},
    "hvt_vlot": {"provinces": ["40000"]},
    "hvt_coordinator": {},
    "portal_user": {},
}


# --- AUTH: the one place where the fuzz tests get an API token ---------------------------------------
# django-rest-knox: it stores a hash, so the key exists only now ("Authorization: Token <key>").
def api_token(user) -> str:
    from knox.models import AuthToken

    return AuthToken.objects.create(user=user)[1]
# ------------------------------------------------------------------------------------------------------


def _seed():
    """A few objects inside (Gent) and outside (Hasselt) the municipal/VLOT scope, so detail routes
    and filters meet real rows."""
    from tests.hvt.helpers import make_allocation, make_offer, make_place, make_target

    for municipality in (GENT, HASSELT):
        make_place(municipality=municipality)
        make_allocation(municipality=municipality)
        make_offer(municipality=municipality)
        make_target(municipality=municipality)


# --- 1. the command line, every check and phase, against a live server ---------------------------------

PHASES = ("examples", "coverage", "fuzzing", "stateful")


@pytest.mark.django_db(transaction=True, databases=["default", "crt"])
def test_api_fuzz_live_server_all_checks(live_server, make_user, tmp_path):
    """A coordinator who is also a portal contact reaches every operation with a 2xx (offers are
    submitted by portal users and validated by officers), so the stateful phase can chain them."""
    from accounts.constants import Roles
    from accounts.services import role_assign

    _seed()
    user = make_user(Roles.HVT_COORDINATOR)
    role_assign(user=user, role=Roles.PORTAL_USER)
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "--no-color",
        "run", f"{live_server.url}/api/v1/schema/",
        "--header", f"Authorization: Token {api_token(user)}",
        "--checks", "all", "--phases", ",".join(PHASES), "--seed", LIVE_SEED, "--workers", "1",
        *(["--max-examples", LIVE_MAX_EXAMPLES] if LIVE_MAX_EXAMPLES else []),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path,  # its cache goes there
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"schemathesis found problems:\n{output[-20000:]}"
    summary = output[output.rfind("Test Phases:"):]
    for phase in ("Coverage", "Fuzzing", "Stateful"):
        assert re.search(rf"✅ {phase}\b", summary), f"phase {phase} did not run and pass:\n{summary}"
    operations = re.search(r"Tested: (\d+)", output)
    assert operations and int(operations.group(1)) >= 18, output[-3000:]
    generated = re.search(r"(\d+) generated, (\d+) passed", output)
    assert generated and int(generated.group(1)) > 18 * 8, output[-3000:]
    scenarios = re.search(r"Scenarios: +(\d+)", output)
    assert scenarios and int(scenarios.group(1)) >= 40, output[-3000:]


def test_the_fuzzer_configuration_keeps_every_check_on():
    """The configuration may tune checks, never switch one off."""
    text = CONFIG.read_text(encoding="utf-8")
    assert not re.search(r"enabled\s*=\s*false", text)
    assert "with-security-parameters = false" in text
    assert re.search(r'expected-statuses = \[[^\]]*"400"', text)


# --- 2. in process, per role ------------------------------------------------------------------------------


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
    raw = client.get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT="application/json")
    assert raw.status_code == 200
    schema = schemathesis.openapi.from_dict(raw.json())
    app = WSGIHandler()
    headers = {"Authorization": f"Token {api_token(user)}"}
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
