"""Two people assigning the last seat at the same moment: one gets it, the other a clear error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from licensing.models import LicenceAssignment, LicencePool, PlanPeriod
from licensing.services import licence_assign
from tests.factories import make_user


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)")
@pytest.mark.django_db(transaction=True, databases=["default", "crt"])
def test_last_seat_under_concurrent_assignment():
    # Own rows: a transactional test elsewhere in the session may have flushed the migration data.
    period, _ = PlanPeriod.objects.get_or_create(
        code="concurrency", defaults={"name": "test", "starts_on": "2030-01-01", "ends_on": "2030-12-31"}
    )
    pool = LicencePool.objects.create(period=period, tool="crt", licence_type="full", group="crt_security_auditor", seats=1)
    users = [make_user(), make_user(), make_user(), make_user()]
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def assign(user):
        try:
            barrier.wait()
            licence_assign(user=user, pool=pool)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["no_free_seat"] * 3 + ["ok"]
    assert LicenceAssignment.objects.filter(pool=pool, released_at__isnull=True).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)")
@pytest.mark.django_db(transaction=True, databases=["default", "crt"])
def test_two_overlapping_sweeps_deactivate_once():
    import datetime as dt

    from accounts.models import User
    from core import clock
    from licensing.models import DeactivationEvent, IdleWarning
    from licensing.services import users_idle_sweep

    now = clock.now()
    idle = [make_user(email=f"i{i}@test.invalid") for i in range(5)]
    soon = [make_user(email=f"s{i}@test.invalid") for i in range(3)]
    User.objects.filter(pk__in=[u.pk for u in idle]).update(last_activity=now - dt.timedelta(days=50))
    User.objects.filter(pk__in=[u.pk for u in soon]).update(last_activity=now - dt.timedelta(days=35))
    barrier = threading.Barrier(3)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(users_idle_sweep(now=now))
        except Exception as exc:  # noqa: BLE001 – reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(r.deactivated for r in results) == [0, 0, 5]
    assert sorted(r.warned for r in results) == [0, 0, 3]
    assert DeactivationEvent.objects.count() == 5 and IdleWarning.objects.count() == 3
    assert User.objects.filter(pk__in=[u.pk for u in idle], is_active=True).count() == 0
