"""The sweep and the warnings are a constant number of SQL statements whatever the number of idle
users; the sweep at most 10 on PostgreSQL (the benchmark's target), counted here with the test's
savepoints included."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken as Token

from accounts.models import User, UserSession
from audit.constants import AuditActions
from audit.models import AuditEvent
from licensing.constants import SweepSources
from licensing.models import DeactivationEvent, LicenceAssignment
from licensing.services import users_idle_sweep, users_idle_warn
from tests.licensing.conftest import NOW

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"
MAX_STATEMENTS = 10 if POSTGRESQL else 16  # SQLite takes the portable path (no data-modifying CTEs)
MAX_WARNING_STATEMENTS = 10


def _population(n: int, pool, *, prefix: str = "", now=NOW) -> None:
    """n users idle 45 days (licence, session, token each), n users idle 35 days (to be warned),
    one active user with a licence, a session and a token (untouched)."""
    idle = now - dt.timedelta(days=45)
    soon = now - dt.timedelta(days=35)
    users = User.objects.bulk_create(
        [User(username=f"{prefix}idle{i}", email=f"{prefix}idle{i}@test.invalid", last_activity=idle, date_joined=idle) for i in range(n)]
        + [User(username=f"{prefix}soon{i}", email=f"{prefix}soon{i}@test.invalid", last_activity=soon, date_joined=soon) for i in range(n)]
        + [User(username=f"{prefix}fresh", email=f"{prefix}fresh@test.invalid", last_activity=now, date_joined=idle)]
    )
    holders = [u for u in users if u.username.startswith(f"{prefix}idle") or u.username == f"{prefix}fresh"]
    hvt = pool(seats=100_000)
    LicenceAssignment.objects.bulk_create(
        [LicenceAssignment(pool=hvt, user=u, tool=hvt.tool, assigned_at=idle) for u in holders]
    )
    Session.objects.bulk_create(
        [Session(session_key=f"s{u.pk:038d}", session_data="", expire_date=now + dt.timedelta(days=1)) for u in holders]
    )
    UserSession.objects.bulk_create([UserSession(session_key=f"s{u.pk:038d}", user=u) for u in holders])
    # knox keeps only a digest (and a lookup prefix) of each key: rows made directly will do here.
    Token.objects.bulk_create(
        [Token(digest=f"{u.pk:0128d}", token_key=f"{u.pk:015d}", user=u, expiry=now + dt.timedelta(days=30)) for u in holders]
    )


def _assert_swept(n: int, prefix: str = "") -> None:
    assert User.objects.filter(username__startswith=f"{prefix}idle", is_active=True).count() == 0
    assert User.objects.filter(username__startswith=f"{prefix}soon", is_active=False).count() == 0
    fresh = User.objects.get(username=f"{prefix}fresh")
    assert fresh.is_active
    idle_users = User.objects.filter(username__startswith=f"{prefix}idle")
    assert DeactivationEvent.objects.filter(user__in=idle_users).count() == n
    assert not LicenceAssignment.objects.filter(user__in=idle_users, released_at__isnull=True).exists()
    assert LicenceAssignment.objects.filter(user__in=idle_users, deactivation__isnull=True).count() == 0
    assert not Session.objects.filter(session_key__in=UserSession.objects.filter(user__in=idle_users).values("session_key")).exists()
    assert not UserSession.objects.filter(user__in=idle_users).exists()
    assert not Token.objects.filter(user__in=idle_users).exists()
    # The active user's licence, session and token are untouched.
    assert LicenceAssignment.objects.filter(user=fresh, released_at__isnull=True).count() == 1
    assert UserSession.objects.filter(user=fresh).count() == 1 and Token.objects.filter(user=fresh).count() == 1
    assert Session.objects.filter(session_key=f"s{fresh.pk:038d}").exists()
    assert AuditEvent.objects.filter(action=AuditActions.DEACTIVATE, object_id__in=[str(pk) for pk in idle_users.values_list("pk", flat=True)]).count() == n


@pytest.mark.parametrize("n", [10, 1000])
def test_sweep_statement_count_is_bounded(n, pool, django_assert_max_num_queries, mailoutbox):
    _population(n, pool)
    with django_assert_max_num_queries(MAX_STATEMENTS):
        run = users_idle_sweep(now=NOW, source=SweepSources.SCHEDULE)
    assert run.deactivated == n and run.warned == 0
    assert mailoutbox == []  # warnings are their own job
    _assert_swept(n)


@pytest.mark.parametrize("n", [10, 1000])
def test_warning_statement_count_is_bounded(n, pool, django_assert_max_num_queries, mailoutbox):
    _population(n, pool)
    with django_assert_max_num_queries(MAX_WARNING_STATEMENTS):
        run = users_idle_warn(now=NOW, source=SweepSources.SCHEDULE)
    assert run.warned == n and run.deactivated == 0
    assert len(mailoutbox) == n
    assert User.objects.filter(is_active=False).count() == 0


@pytest.mark.parametrize("sizes", [(10, 1000), (10, 20_000)], ids=["1000", "20000"])
def test_same_statements_whatever_the_number_of_idle_users(sizes, pool, mailoutbox):
    """Both sizes in one test (so also under xdist): the statement counts do not depend on n."""
    counts, warning_counts = {}, {}
    for n, prefix, now in ((sizes[0], "a-", NOW), (sizes[1], "b-", NOW + dt.timedelta(days=100))):
        _population(n, pool, prefix=prefix, now=now)
        with CaptureQueriesContext(connection) as captured:
            run = users_idle_sweep(now=now, source=SweepSources.SCHEDULE)
        assert run.deactivated >= n
        counts[n] = len(captured)
        _assert_swept(n, prefix)
        with CaptureQueriesContext(connection) as captured:
            assert users_idle_warn(now=now, source=SweepSources.SCHEDULE).warned == n
        warning_counts[n] = len(captured)
    print(f"{connection.vendor}: sweep statements {counts}, warning statements {warning_counts}")
    assert counts[sizes[0]] == counts[sizes[1]] <= MAX_STATEMENTS
    assert warning_counts[sizes[0]] == warning_counts[sizes[1]] <= MAX_WARNING_STATEMENTS


@pytest.mark.skipif(not POSTGRESQL, reason="the ≤ 10 target is PostgreSQL's (CI runs it)")
def test_postgresql_sweep_is_the_lock_one_statement_and_the_audit_rows(pool):
    """The lock, one statement for every change, then audit.services: one INSERT … SELECT for the
    users' events and one for the run's."""
    _population(10, pool)
    with CaptureQueriesContext(connection) as captured:
        users_idle_sweep(now=NOW)
    statements = [q["sql"] for q in captured if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) == 4, statements
    assert "pg_advisory_xact_lock" in statements[0] and statements[1].lstrip().startswith("WITH")
    assert all(s.startswith('INSERT INTO "audit_auditevent"') for s in statements[2:]), statements[2:]
