"""The sweep is a constant number of SQL statements whatever the number of idle users."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from accounts.models import User, UserSession
from licensing.constants import SweepSources
from licensing.models import DeactivationEvent, LicenceAssignment
from licensing.services import users_idle_sweep
from tests.licensing.conftest import NOW

pytestmark = pytest.mark.django_db

MAX_STATEMENTS = 25


def _population(n: int, pool, *, prefix: str = "", now=NOW) -> None:
    """n users idle 45 days (licence, session, token each), n users idle 35 days (to be warned)."""
    idle = now - dt.timedelta(days=45)
    soon = now - dt.timedelta(days=35)
    users = User.objects.bulk_create(
        [User(username=f"{prefix}idle{i}", email=f"{prefix}idle{i}@test.invalid", last_activity=idle, date_joined=idle) for i in range(n)]
        + [User(username=f"{prefix}soon{i}", email=f"{prefix}soon{i}@test.invalid", last_activity=soon, date_joined=soon) for i in range(n)]
    )
    idle_users = [u for u in users if u.username.startswith(f"{prefix}idle")]
    hvt = pool(seats=10_000)
    LicenceAssignment.objects.bulk_create(
        [LicenceAssignment(pool=hvt, user=u, tool=hvt.tool, assigned_at=idle) for u in idle_users]
    )
    Session.objects.bulk_create(
        [Session(session_key=f"s{u.pk:038d}", session_data="", expire_date=now + dt.timedelta(days=1)) for u in idle_users]
    )
    UserSession.objects.bulk_create([UserSession(session_key=f"s{u.pk:038d}", user=u) for u in idle_users])
    Token.objects.bulk_create([Token(key=f"{u.pk:040d}", user=u) for u in idle_users])


@pytest.mark.parametrize("n", [10, 1000])
def test_sweep_statement_count_is_bounded(n, pool, django_assert_max_num_queries, mailoutbox):
    _population(n, pool)
    with django_assert_max_num_queries(MAX_STATEMENTS):
        run = users_idle_sweep(now=NOW, source=SweepSources.SCHEDULE)
    assert run.deactivated == n and run.warned == n
    assert len(mailoutbox) == n
    assert User.objects.filter(username__startswith="idle", is_active=True).count() == 0
    assert User.objects.filter(username__startswith="soon", is_active=False).count() == 0
    assert DeactivationEvent.objects.count() == n
    assert LicenceAssignment.objects.filter(released_at__isnull=True).count() == 0
    assert Session.objects.count() == 0 and Token.objects.count() == 0


def test_same_statements_for_10_and_for_1000_users(pool, mailoutbox):
    """Both sizes in one test (so also under xdist): the statement count does not depend on n."""
    counts = {}
    later = NOW + dt.timedelta(days=100)
    for n, prefix, now in ((10, "a-", NOW), (1000, "b-", later)):
        _population(n, pool, prefix=prefix, now=now)
        with CaptureQueriesContext(connection) as captured:
            run = users_idle_sweep(now=now, source=SweepSources.SCHEDULE)
        assert run.deactivated >= n and run.warned == n
        counts[n] = len(captured)
    print(f"sweep statements for 10 and 1,000 idle users: {counts}")
    assert counts[10] == counts[1000] <= MAX_STATEMENTS
