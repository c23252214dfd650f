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


def _three_at_once(job) -> tuple[list, list]:
    barrier = threading.Barrier(3)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(job())
        except Exception as exc:  # noqa: BLE001 – reported by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors


def _idle_and_soon():
    import datetime as dt

    from accounts.models import User
    from core import clock

    now = clock.now()
    idle = [make_user(email=f"i{i}@test.invalid") for i in range(5)]
    soon = [make_user(email=f"s{i}@test.invalid") for i in range(3)]
    User.objects.filter(pk__in=[u.pk for u in idle]).update(last_activity=now - dt.timedelta(days=50))
    User.objects.filter(pk__in=[u.pk for u in soon]).update(last_activity=now - dt.timedelta(days=35))
    return now, idle, soon


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)")
@pytest.mark.django_db(transaction=True, databases=["default", "crt"])
def test_two_overlapping_sweeps_deactivate_once():
    from accounts.models import User
    from licensing.models import DeactivationEvent, IdleWarning, LicenceAssignment, SweepRun
    from licensing.services import users_idle_sweep

    now, idle, soon = _idle_and_soon()
    results, errors = _three_at_once(lambda: users_idle_sweep(now=now))
    assert errors == []
    assert sorted(r.deactivated for r in results) == [0, 0, 5]
    assert sorted(SweepRun.objects.values_list("deactivated", flat=True)) == [0, 0, 5]
    assert DeactivationEvent.objects.count() == 5 and not IdleWarning.objects.exists()
    assert User.objects.filter(pk__in=[u.pk for u in idle], is_active=True).count() == 0
    assert User.objects.filter(pk__in=[u.pk for u in soon], is_active=False).count() == 0
    assert not LicenceAssignment.objects.filter(user__in=idle, deactivation__isnull=True, released_at__isnull=False).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)")
@pytest.mark.django_db(transaction=True, databases=["default", "crt"])
def test_overlapping_warning_jobs_warn_once(mailoutbox):
    from accounts.models import User
    from licensing.models import IdleWarning
    from licensing.services import users_idle_warn

    now, idle, soon = _idle_and_soon()
    results, errors = _three_at_once(lambda: users_idle_warn(now=now))
    assert errors == []
    assert sorted(r.warned for r in results) == [0, 0, 3]
    assert set(IdleWarning.objects.values_list("user_id", flat=True)) == {u.pk for u in soon}
    assert sorted(m.to[0] for m in mailoutbox) == [f"s{i}@test.invalid" for i in range(3)]
    assert User.objects.filter(is_active=False).count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)")
@pytest.mark.django_db(transaction=True, databases=["default", "crt"])
def test_a_login_during_the_sweep_keeps_the_user_active():
    """The sweep's UPDATE re-checks a user row changed by a concurrent transaction: a login
    (last activity written) that commits while the sweep waits for that row wins. The login
    commits only once PostgreSQL reports the sweep's backend blocked by it (no timing guess)."""
    import datetime as dt
    import time

    from accounts.models import User
    from core import clock
    from licensing.models import DeactivationEvent
    from licensing.services import users_idle_sweep

    now = clock.now()
    user, other = make_user(), make_user()
    User.objects.filter(pk__in=[user.pk, other.pk]).update(last_activity=now - dt.timedelta(days=50))
    sweep_pid: list[int] = []
    sweep_ready, locked, results, errors = threading.Event(), threading.Event(), [], []
    blocked: list[bool] = []

    def login():
        from django.db import transaction

        try:
            sweep_ready.wait(10)
            with transaction.atomic():
                User.objects.select_for_update().filter(pk=user.pk).update(last_activity=now)
                locked.set()
                # Wait (bounded) until the sweep's backend waits for this transaction's row lock.
                # pg_blocking_pids reads the lock manager live (no per-transaction stats snapshot).
                with connection.cursor() as cursor:
                    deadline = time.monotonic() + 10
                    while time.monotonic() < deadline:
                        cursor.execute("SELECT pg_backend_pid() = ANY(pg_blocking_pids(%s))", [sweep_pid[0]])
                        if cursor.fetchone()[0]:
                            blocked.append(True)
                            break
                        time.sleep(0.01)
        finally:
            connections.close_all()

    def sweep():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                sweep_pid.append(cursor.fetchone()[0])
            sweep_ready.set()
            locked.wait(10)
            results.append(users_idle_sweep(now=now))
        except Exception as exc:  # noqa: BLE001 – reported below
            errors.append(exc)
        finally:
            sweep_ready.set()
            connections.close_all()

    threads = [threading.Thread(target=login), threading.Thread(target=sweep)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert blocked == [True], "the sweep never waited for the login's row lock"
    assert errors == [] and [r.deactivated for r in results] == [1]
    assert User.objects.get(pk=user.pk).is_active and not User.objects.get(pk=other.pk).is_active
    assert list(DeactivationEvent.objects.values_list("user_id", flat=True)) == [other.pk]
