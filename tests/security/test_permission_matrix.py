"""The permission matrix: every named URL × every principal × an object inside and outside the scope,
GET and POST, with the licence each role needs granted and LICENCE_ENFORCEMENT on.

The expected outcomes live in tests/security/expectations/ (one readable table per app); this
module only walks the URL configuration and compares. See tests/security/README.md.

Speed: the principals, their licences, the CRT markers and every URL's objects are made once per
module (``world``, in a transaction rolled back at the end); each test runs in a savepoint of it,
and every request in a savepoint of its own that is rolled back (a POST may write; a GET of a CRT
dossier writes its read audit).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from licensing.constants import TOOL_PATH_PREFIXES
from tests.security.expectations import all_entries
from tests.security.expectations._base import (
    ANONYMOUS,
    CRT_PRINCIPALS,
    INSIDE,
    NO_LICENCE,
    OUTSIDE,
    PRINCIPALS,
    Entry,
    Outcome,
    Scope,
)
from tests.security.matrix import (
    CRT_MARKER_ORG_CODE,
    CRT_MARKER_ORG_NAME,
    allows_a_page,
    body_of,
    expected_for,
    is_denial,
    is_login_redirect,
    is_no_licence_answer,
    judge,
    judge_post,
    licence_missing,
    licence_needed,
    login_paths,
    make_principal,
    walk_urls,
    writes_of,
)

DATABASES = ("default", "crt")
LICENSED_ROLES = tuple(p for p in PRINCIPALS if licence_needed(p) is not None)
# Roles of a tool with pages of its own (HVT, CRT; the general licence opens no path)
TOOL_ROLES = tuple(p for p in LICENSED_ROLES if licence_needed(p)[0] in {tool for _, tool in TOOL_PATH_PREFIXES})

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


@dataclass
class Case:
    name: str
    module: str
    entry: Entry
    scope: Scope | None
    url: str = ""
    error: str = ""

    @property
    def where(self) -> str:
        return f"{self.name} [{self.module}]" + (f" ({self.scope.name} scope)" if self.scope else "")


@dataclass
class World:
    cases: list[Case]
    users: dict[str, object]  # principal → user holding the licence its role needs
    unlicensed: dict[str, object]  # licensed role → a twin without a licence
    tools: dict[str, frozenset[str]]  # principal → tools it holds a licence for
    markers: list[str] = field(default_factory=list)


def _build_world() -> World:
    from crt.models import Organisation
    from tests.factories import make_user
    from tests.security.expectations import crt as crt_expectations

    Organisation.objects.using("crt").create(code=CRT_MARKER_ORG_CODE, name=CRT_MARKER_ORG_NAME)
    markers = [CRT_MARKER_ORG_NAME, CRT_MARKER_ORG_CODE, *getattr(crt_expectations, "make_markers", list)()]
    users = {p: make_principal(p, make_user) for p in PRINCIPALS}
    tools = {
        p: frozenset(u.licences.filter(released_at__isnull=True).values_list("tool", flat=True)) if u else frozenset()
        for p, u in users.items()
    }
    unlicensed = {p: make_principal(p, make_user, licensed=False, suffix="-zonder-licentie") for p in LICENSED_ROLES}
    named, _ = walk_urls()
    cases = []
    for name, (module, entry) in sorted(all_entries().items()):
        if name not in named:
            continue  # reported by test_no_entry_for_a_url_that_does_not_exist
        for scope in (INSIDE, OUTSIDE) if entry.obj is not None else (None,):
            case = Case(name, module, entry, scope)
            try:
                # A savepoint per builder: one broken builder must not poison the rest of the world.
                with transaction.atomic(using="default"), transaction.atomic(using="crt"):
                    kwargs = entry.obj(scope) if scope is not None else (entry.kwargs or {})
                case.url = reverse(name, kwargs=kwargs) + (f"?{entry.query}" if entry.query else "")
            except Exception as exc:
                case.error = f"cannot build the URL: {exc!r}"
            cases.append(case)
    return World(cases=cases, users=users, unlicensed=unlicensed, tools=tools, markers=markers)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Everything the matrix requests, made once per module (per xdist worker) and rolled back after."""
    with django_db_blocker.unblock():
        with transaction.atomic(using="default"), transaction.atomic(using="crt"):
            yield _build_world()
            for alias in DATABASES:
                transaction.set_rollback(True, using=alias)


@pytest.fixture
def enforced(settings):
    settings.LICENCE_ENFORCEMENT = True


class _RolledBack(Exception):
    pass


@dataclass
class Answer:
    response: object
    body: str = ""
    writes: list[str] = field(default_factory=list)
    moved: str = ""  # the written model whose row count changed
    error: str = ""


def _count(label: str) -> int:
    model = apps.get_model(label)
    return model._default_manager.using(router.db_for_write(model)).count()


def _request(client, method: str, url: str, *, writes: str = "") -> Answer:
    """One request in a savepoint rolled back afterwards, with the client's cookies restored (a POST
    to a logout must not sign the principal out for the next request)."""
    cookies = copy.deepcopy(client.cookies)
    answer = None
    try:
        with transaction.atomic(using="default"), transaction.atomic(using="crt"):
            before = _count(writes) if writes else None
            with CaptureQueriesContext(connections["default"]) as q1, CaptureQueriesContext(connections["crt"]) as q2:
                response = getattr(client, method)(url)
            answer = Answer(
                response, body=body_of(response), writes=writes_of([*q1.captured_queries, *q2.captured_queries])
            )
            if writes and _count(writes) != before:
                answer.moved = f"{writes}: {before} → {_count(writes)} rows"
            raise _RolledBack
    except _RolledBack:
        pass
    except Exception as exc:  # a crash is a failure of its own, not a stop of the matrix
        answer = Answer(None, error=f"{method.upper()} {url} raised {exc!r}")
    client.cookies = cookies
    return answer


def _sign_in(client, user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def _expected_get(case: Case, principal: str, tools: frozenset[str]) -> tuple[Outcome, str | None]:
    """The outcome of a GET, the licence gate first (LicenceRequiredMiddleware answers before any
    view); the second value is a problem with the table itself."""
    outcome = expected_for(case.entry.outcome_for(principal), case.scope.name if case.scope else None)
    tool = licence_missing(principal, tools, case.url)
    if tool is None:
        return outcome, None
    if allows_a_page(outcome):
        return NO_LICENCE, f"declared {outcome!r} but {principal} holds no {tool} licence (DOMAIN §2)"
    return NO_LICENCE, None


def _expected_post(case: Case, principal: str, get_expected: Outcome) -> tuple[Outcome, Outcome | None]:
    """The outcome of a POST, and the GET outcome it is judged by (None: the entry declares it)."""
    if get_expected is NO_LICENCE:
        return NO_LICENCE, None
    declared = case.entry.post_outcome_for(principal)
    if declared is None:
        return get_expected, get_expected
    return expected_for(declared, case.scope.name if case.scope else None), None


def _leaks(world: World, principal: str, case: Case, answer: Answer, paths, method: str) -> list[str]:
    if principal in CRT_PRINCIPALS:
        return []
    problems = []
    response = answer.response
    if case.url.startswith("/crt/") and case.name not in CRT_RULE_EXCEPTIONS:
        if response.status_code not in (403, 404) and not is_login_redirect(response, paths):
            problems.append(
                f"{case.where}: CRT URL {method} {case.url} answered {response.status_code} to non-CRT {principal} "
                "(must be 403/404/redirect to login)"
            )
    leaked = [m for m in world.markers if m.lower() in answer.body.lower()]
    if leaked:
        problems.append(f"{case.where}: {method} response to non-CRT {principal} contains CRT data {leaked}")
    return problems


@pytest.mark.django_db(databases=list(DATABASES))
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_permission_matrix(principal, world, client, enforced):
    """GET and POST every URL as ``principal`` (with its licence, enforcement on)."""
    user = world.users[principal]
    if user is not None:
        _sign_in(client, user)
    tools = world.tools[principal]
    paths = login_paths()
    failures: list[str] = []
    checked = posts_let_through = 0

    for case in world.cases:
        if case.error:
            failures.append(f"{case.where}: {case.error}")
            continue
        get_expected, table_problem = _expected_get(case, principal, tools)
        if table_problem:
            failures.append(f"{case.where}: {table_problem}")
        got = _request(client, "get", case.url)
        if got.error:
            failures.append(f"{case.where}: {got.error}")
            continue
        checked += 1
        problem = judge(get_expected, got.response, paths)
        if problem:
            failures.append(f"{case.where}: GET {case.url}: {problem}")
        failures += _leaks(world, principal, case, got, paths, "GET")

        post_expected, judged_by = _expected_post(case, principal, get_expected)
        posted = _request(client, "post", case.url, writes=case.entry.writes)
        if posted.error:
            failures.append(f"{case.where}: {posted.error}")
            continue
        problem = judge_post(post_expected, judged_by, got.response, posted.response, paths)
        if problem:
            failures.append(f"{case.where}: POST {case.url}: {problem}")
        if is_denial(post_expected):
            if posted.writes:
                failures.append(f"{case.where}: denied POST {case.url} wrote to {sorted(set(posted.writes))}")
            if posted.moved:
                failures.append(f"{case.where}: denied POST {case.url} changed {posted.moved}")
        elif posted.response.status_code != 405:
            posts_let_through += 1
        failures += _leaks(world, principal, case, posted, paths, "POST")

    assert checked > 0
    if principal not in (ANONYMOUS,):
        assert posts_let_through > 0 or not any(
            not is_denial(_expected_get(c, principal, tools)[0]) for c in world.cases if not c.error
        ), f"{principal}: no POST was let through anywhere; is POST tested at all?"
    assert not failures, f"{principal}: {len(failures)} mismatch(es):\n  " + "\n  ".join(failures)


@pytest.mark.django_db(databases=list(DATABASES))
@pytest.mark.parametrize("principal", TOOL_ROLES)
def test_no_licence_answer(principal, world, client, enforced):
    """A user holding the role but not its licence: every page of the tool that the licensed role
    may use answers the no-licence page (403), to a GET and to a POST, and a POST writes nothing."""
    tool = licence_needed(principal)[0]
    _sign_in(client, world.unlicensed[principal])
    failures: list[str] = []
    checked = 0
    for case in world.cases:
        if case.error or licence_missing(principal, frozenset(), case.url) != tool:
            continue
        outcome, _ = _expected_get(case, principal, world.tools[principal])
        if is_denial(outcome):
            continue  # the licensed role is refused there anyway
        for method in ("get", "post"):
            answer = _request(client, method, case.url, writes=case.entry.writes)
            if answer.error:
                failures.append(f"{case.where}: {answer.error}")
                continue
            checked += 1
            if not is_no_licence_answer(answer.response):
                failures.append(
                    f"{case.where}: {method.upper()} {case.url}: expected the no-licence answer, "
                    f"got {answer.response.status_code}"
                )
            if method == "post" and (answer.writes or answer.moved):
                failures.append(
                    f"{case.where}: POST {case.url} without a licence wrote {answer.writes or answer.moved}"
                )
    assert checked > 0, f"{principal}: no {tool} page to check"
    assert not failures, f"{principal} without a licence: {len(failures)} mismatch(es):\n  " + "\n  ".join(failures)


def test_the_write_check_sees_writes_and_ignores_the_bookkeeping():
    """The "nothing written" check of a denied POST reads the captured SQL of both backends."""
    seen = writes_of([
        {"sql": 'INSERT INTO "hvt_receptionplace" ("name") VALUES (%s)'},
        {"sql": 'UPDATE "crt_dossier" SET "status" = %s WHERE "crt_dossier"."id" = %s'},
        {"sql": 'DELETE FROM "audit_auditevent" WHERE "id" = 1'},
        {"sql": 'UPDATE "django_session" SET "session_data" = %s WHERE "session_key" = %s'},
        {"sql": 'UPDATE "accounts_user" SET "last_activity" = %s WHERE "accounts_user"."id" = %s'},
        {"sql": """UPDATE "accounts_user" SET "last_activity" = '2026-11-30 10:00:00+00:00' WHERE "id" = 3"""},
        {"sql": 'UPDATE "accounts_user" SET "is_active" = %s WHERE "accounts_user"."id" = %s'},
        {"sql": 'SELECT "hvt_receptionplace"."id" FROM "hvt_receptionplace"'},
    ])
    assert seen == ["hvt_receptionplace", "crt_dossier", "audit_auditevent", "accounts_user"]
