"""The permission matrix: every named URL × every principal × an object inside and outside the scope.

The expected outcomes live in tests/security/expectations/ (one readable table per app); this
module only walks the URL configuration and compares. See tests/security/README.md.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from tests.security.expectations import all_entries
from tests.security.expectations._base import CRT_PRINCIPALS, INSIDE, OUTSIDE, PRINCIPALS
from tests.security.matrix import (
    CRT_MARKER_ORG_CODE,
    CRT_MARKER_ORG_NAME,
    body_of,
    expected_for,
    is_login_redirect,
    judge,
    login_paths,
    make_principal,
    walk_urls,
)

# CRT URLs that answer a non-CRT principal with something other than 403/404/login redirect.
# Each one is a known finding with its reason; the body is still checked for CRT data.
CRT_RULE_EXCEPTIONS: dict[str, str] = {
    "crt_admin:logout": (
        "AdminSite.logout sends whoever may not use the site to the site index (302 → /crt/beheer/, empty "
        "body), which then sends to the login; not a login redirect itself."
    ),
}


def test_every_url_has_an_entry():
    named, unnamed = walk_urls()
    entries = all_entries()
    missing = sorted(f"{name}  ({info.route})" for name, info in named.items() if name not in entries)
    assert not missing, (
        f"{len(missing)} URL name(s) have no permission-matrix entry; add them to "
        "tests/security/expectations/<app>.py (see tests/security/README.md):\n  " + "\n  ".join(missing)
    )
    assert not unnamed, "URLs without a name cannot be declared in the matrix; name them:\n  " + "\n  ".join(unnamed)


def test_no_entry_for_a_url_that_does_not_exist():
    named, _ = walk_urls()
    stale = sorted(f"{name} (declared in {module})" for name, (module, _) in all_entries().items() if name not in named)
    assert not stale, "Permission-matrix entries for URL names that do not exist:\n  " + "\n  ".join(stale)


@pytest.fixture
def crt_markers(db):
    """CRT data with distinctive strings; none may appear in a response to a non-CRT principal."""
    from crt.models import Organisation

    Organisation.objects.using("crt").create(code=CRT_MARKER_ORG_CODE, name=CRT_MARKER_ORG_NAME)
    markers = [CRT_MARKER_ORG_NAME, CRT_MARKER_ORG_CODE]
    from tests.security.expectations import crt as crt_expectations

    make_markers = getattr(crt_expectations, "make_markers", None)
    if make_markers is not None:
        markers += list(make_markers())
    return markers


@pytest.mark.django_db(databases=["default", "crt"])
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_permission_matrix(principal, client, login, make_user, crt_markers):
    user = make_principal(principal, make_user)
    if user is not None:
        login(user)
    named, _ = walk_urls()
    paths = login_paths()
    crt_principal = principal in CRT_PRINCIPALS
    failures: list[str] = []
    checked = 0

    for name, (module, entry) in sorted(all_entries().items()):
        if name not in named:
            continue  # reported by test_no_entry_for_a_url_that_does_not_exist
        outcome = entry.outcome_for(principal)
        scopes = (INSIDE, OUTSIDE) if entry.obj is not None else (None,)
        for scope in scopes:
            where = f"{name} [{module}]" + (f" ({scope.name} scope)" if scope else "")
            try:
                # A savepoint per step: one broken builder or view must not poison the rest of the run.
                with transaction.atomic(using="default"), transaction.atomic(using="crt"):
                    kwargs = entry.obj(scope) if scope is not None else (entry.kwargs or {})
                url = reverse(name, kwargs=kwargs) + (f"?{entry.query}" if entry.query else "")
            except Exception as exc:
                failures.append(f"{where}: cannot build the URL: {exc!r}")
                continue
            try:
                with transaction.atomic(using="default"), transaction.atomic(using="crt"):
                    response = client.get(url)
            except Exception as exc:  # a crash is a failure of its own, not a stop of the matrix
                failures.append(f"{where}: GET {url} raised {exc!r}")
                continue
            checked += 1
            problem = judge(expected_for(outcome, scope.name if scope else None), response, paths)
            if problem:
                failures.append(f"{where}: GET {url}: {problem}")
            if crt_principal:
                continue
            if url.startswith("/crt/") and name not in CRT_RULE_EXCEPTIONS:
                if response.status_code not in (403, 404) and not is_login_redirect(response, paths):
                    failures.append(
                        f"{where}: CRT URL {url} answered {response.status_code} to non-CRT {principal} "
                        "(must be 403/404/redirect to login)"
                    )
            body = body_of(response)
            leaked = [m for m in crt_markers if m.lower() in body.lower()]
            if leaked:
                failures.append(f"{where}: response to non-CRT {principal} contains CRT data {leaked}")

    assert checked > 0
    assert not failures, f"{principal}: {len(failures)} mismatch(es):\n  " + "\n  ".join(failures)
