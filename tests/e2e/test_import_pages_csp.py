"""Browser: the import pages of the admin (upload forms, the status page with its preview and its row
report, for the population and the place import) log no Content Security Policy violation and no
console error. Violations are caught both from the console and from ``securitypolicyviolation``."""

import pytest
from django.conf import settings

from accounts.constants import Roles
from core import services
from tests.core.import_helpers import csv_bytes, place_row
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]

POPULATION_HEADER = ["NIS code", "Woonplaats", "Mannen", "Vrouwen", "Totaal"]
POPULATION_ROWS = [["44021", "Gent", "100", "110", "210"], ["11002", "Antwerpen", "150", "140", "290"]] * 40

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber));
"""


@pytest.fixture
def coordinator():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(Roles.HVT_COORDINATOR, username="coordinator-csp-e2e", is_staff=True)
    TOTPDevice.objects.create(user=user, name="app", key=settings.DEMO_TOTP_HEX_KEY, confirmed=True)
    return user


def _import(user, kind, name, content, options=None):
    imp = services.import_create(actor=user, kind=kind, file_name=name, content=content, options=options or {})
    services.import_process(import_id=imp.pk)
    imp.refresh_from_db()
    return imp


def test_import_pages_log_no_csp_violation(page, browser_login, coordinator, browser_errors):
    population = _import(coordinator, "geo.population", "bevolking.csv",
                         csv_bytes(POPULATION_ROWS, headers=POPULATION_HEADER), {"year": 2023})
    population_bad = _import(coordinator, "geo.population", "bevolking.csv",
                             csv_bytes([["44021", "Gent", "x", "1", "1"]] * 30, headers=POPULATION_HEADER),
                             {"year": 2023})
    places = _import(coordinator, "hvt.places", "plaatsen.csv", csv_bytes([place_row(i) for i in range(40)]))
    places_bad = _import(coordinator, "hvt.places", "plaatsen.csv",
                         csv_bytes([place_row(i, capacity="-1") for i in range(40)]))

    assert [i.status for i in (population, population_bad, places, places_bad)] == [
        "ready", "failed", "ready", "failed"]
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.add_init_script(WATCH_CSP)
    browser_login(coordinator.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY)
    paths = ["/beheer/geo/populationfigure/", "/beheer/geo/populationfigure/import/",
             "/beheer/hvt/receptionplace/", "/beheer/hvt/receptionplace/import/", "/beheer/core/import/"]
    paths += [f"/beheer/core/import/{imp.pk}/change/" for imp in (population, population_bad, places, places_bad)]
    seen = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert "style-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        seen[path] = page.evaluate("window.__cspViolations")
    # the watch works: an inline style attribute is refused and reported
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_function("window.__cspViolations.length > 0")
    problems[:] = [p for p in problems if "style" not in p or "Content Security Policy" not in p]
    browser_errors.take("Content Security Policy")  # the provoked one; any other fails the test (conftest)
    assert {path: v for path, v in seen.items() if v} == {}
    assert problems == [], problems
