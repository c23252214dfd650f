"""Browser: axe-core (the field's standard accessibility engine, vendored in axe-playwright-python:
no network) over every HTML page of the permission matrix, each for one role that may see it, at a
1,366 × 768 window. A page fails on a serious or critical WCAG 2.1 A/AA violation, on a console
error (CSP violations included) and on horizontal scrolling (scrollWidth > 1,366).

The pages come from tests/security/expectations (read, not changed): per URL name the first role of
ROLE_ORDER that gets a 200, with an object inside its scope from the entry's builder. Per admin model
the list, add and change pages are visited (history and delete pages are Django's own, with no field
of ours); non-HTML answers (exports, JSON, the API) are skipped. One test per role, so a failure
names the role; the whole run takes a few minutes (see the report of issue 12)."""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from tests.security.expectations import all_entries
from tests.security.expectations._base import ANONYMOUS, INSIDE, PRINCIPALS
from tests.security.matrix import make_principal, walk_urls

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]

WIDTH, HEIGHT = 1366, 768
# Roles with the most pages first: each page is checked once, for the first role that may see it.
ROLE_ORDER = ["hvt_coordinator", "support", "hvt_security_auditor", "hvt_subsidy_coordinator", "superuser_no_crt",
              "crt_central_admin", "crt_security_auditor", "crt_case_manager", "crt_reporting",
              "hvt_municipal_full", "hvt_municipal_limited", "hvt_vlot", "portal_user", ANONYMOUS]
assert set(ROLE_ORDER) == set(PRINCIPALS)
SKIP_SUFFIXES = ("_history", "_delete", ":jsi18n", "_progress", ":logout", "_autocomplete")
SKIP_NAMES = {"api-docs", "api-schema", "health", "favicon", "set_language"}
# Known console errors, each with its reason; anything else fails. (Fixed: remove it here.)
# (django-celery-beat's periodic-task form: its inline script now comes from static/core/periodic_task_form.js
# through templates/admin/djcelery/change_periodictask_form.html.)
KNOWN_CONSOLE: list[tuple[str, str]] = []
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}


WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth)
  .filter(e => !(e.parentElement && e.parentElement.getBoundingClientRect().right > window.innerWidth))
  .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className + ' → ' + Math.round(e.getBoundingClientRect().right))"""


def _allowed(entry, principal) -> bool:
    outcome = entry.outcome_for(principal)
    return outcome.scoped or 200 in outcome.statuses


def pages_by_role() -> dict[str, list[tuple[str, object]]]:
    named, _ = walk_urls()
    out: dict[str, list] = {role: [] for role in ROLE_ORDER}
    for name, (_module, entry) in sorted(all_entries().items()):
        if os.environ.get("AXE_ONLY") and os.environ["AXE_ONLY"] not in name:  # a quick look at some pages
            continue
        if name not in named or name in SKIP_NAMES or name.endswith(SKIP_SUFFIXES) or name.startswith("api"):
            continue
        role = next((r for r in ROLE_ORDER if _allowed(entry, r)), None)
        if role is not None:
            out[role].append((name, entry))
    return out


def _url(name, entry) -> str:
    with transaction.atomic(using="default"), transaction.atomic(using="crt"):
        kwargs = entry.obj(INSIDE) if entry.obj is not None else (entry.kwargs or {})
    return reverse(name, kwargs=kwargs) + (f"?{entry.query}" if entry.query else "")


def _licence_plans_loaded():
    import importlib

    from django.apps import apps

    importlib.import_module("licensing.migrations.0002_licence_plans").load(apps, None)  # get_or_create
    importlib.import_module("budget.migrations.0002_note_budget").load(apps, None)  # the budget lines
    importlib.import_module("budget.migrations.0004_subsidy_scheme_data").load(apps, None)  # the tranches, too


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_every_page_passes_axe_without_console_errors_or_horizontal_scroll(role, page, browser_login, make_user,
                                                                           axe, browser_errors):
    pages = pages_by_role()[role]
    if not pages:
        pytest.skip(f"no page is first checked for {role}")
    assert page.viewport_size == {"width": WIDTH, "height": HEIGHT}  # conftest opens every context so
    _licence_plans_loaded()  # a live-server test flushes the shipped plans and tranches; the matrix uses both
    user = make_principal(role, make_user)
    if user is not None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts.two_factor import requires_two_factor

        needs_code = requires_two_factor(user)
        if needs_code:
            TOTPDevice.objects.create(user=user, name="app", key=settings.DEMO_TOTP_HEX_KEY, confirmed=True)
        browser_login(user.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY if needs_code else None)
    errors = browser_errors.items  # console and page errors of every page (conftest; fails at teardown too)

    problems, checked, started = [], 0, time.monotonic()
    for name, entry in pages:
        try:
            url = _url(name, entry)
        except Exception as exc:
            problems.append(f"{name}: cannot build the URL: {exc!r}")
            continue
        if url.startswith("/api/"):  # the API's browsable pages are DRF's, for developers (JSON for programs)
            continue
        try:
            response = page.goto(url)
        except Exception as exc:  # an export: the browser downloads it, no page to check
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if response.status != 200:
            problems.append(f"{name} {url}: status {response.status}")
            continue
        checked += 1
        page.wait_for_load_state("networkidle")
        before_axe = len(errors)
        result = axe.run(page, options=AXE_OPTIONS)  # after the page's scripts (charts sized, widgets built)
        browser_errors.drop_since(before_axe)  # axe's own probing (inline styles it tries) is not the page's
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{name} {url}: {width} px wide: {page.evaluate(WIDEST)}")
        for violation in result.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in violation["nodes"][:3]]
                problems.append(f"{name} {url}: {violation['impact']} {violation['id']} ({violation['help']}) {targets}")
    print(f"\n{role}: {checked} pages in {time.monotonic() - started:.1f} s")
    assert checked > 0
    assert problems == [], "\n".join(problems)
    errors = [e for e in errors if not any(path in e and text in e for path, text in KNOWN_CONSOLE)]
    assert errors == [], "\n".join(errors)
