"""A Celery worker killed (SIGKILL) in the middle of the idle sweep: its transaction never commits,
so nothing is half done, and the next run deactivates and warns everybody: nothing is lost.

Real processes: a `celery worker` (solo pool) on a throwaway Redis (port 6390 or another free one) and the PostgreSQL
test databases. To kill it *mid-sweep* deterministically, the test holds a row lock on one idle
user: the sweep has written its run and then waits on that row (the deactivation events' foreign
key, or the UPDATE of the users); the worker is killed there.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connections

from accounts.models import User
from core import clock
from licensing.models import DeactivationEvent, IdleWarning, SweepRun
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90

pytestmark = pytest.mark.services


def _url(alias: str) -> str:
    s = connections[alias].settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _dsn() -> str:
    s = connections["default"].settings_dict
    dsn = f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} user={s['USER']} dbname={s['NAME']}"
    return dsn + (f" password={s['PASSWORD']}" if s.get("PASSWORD") else "")


def _start_worker(queue: str, broker: str, log) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=_url("default"), CRT_DATABASE_URL=_url("crt"),
        REDIS_URL=broker, CELERY_TASK_ALWAYS_EAGER="0", PYTHONUNBUFFERED="1",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _ready(log) -> bool:
    """The worker has declared its queue (a message sent before that is dropped by the exchange)."""
    log.seek(0)
    return " ready." in log.read()


def _wait(condition, what: str, log, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    log.seek(0)
    raise AssertionError(f"timed out waiting for {what}\n--- worker log ---\n{log.read()[-4000:]}")


@pytest.mark.django_db(transaction=True, databases=["default", "crt"])
def test_worker_killed_mid_sweep_leaves_nothing_half_done_and_next_run_completes(celery_broker, throwaway_redis):
    if connections["default"].vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL); CI runs it there (REQUIRE_SERVICES=1)")
    from licensing.tasks import idle_sweep

    now = clock.now()
    idle = [make_user(username=f"idle-kill-{i}") for i in range(3)]
    due = [make_user(username=f"due-kill-{i}") for i in range(2)]
    fresh = make_user(username="fresh-kill")
    User.objects.filter(pk__in=[u.pk for u in idle]).update(last_activity=now - dt.timedelta(days=50))
    User.objects.filter(pk__in=[u.pk for u in due]).update(last_activity=now - dt.timedelta(days=35))
    User.objects.filter(pk=fresh.pk).update(last_activity=now)
    queue = f"faults-sweep-{uuid.uuid4().hex[:12]}"
    db_name = connections["default"].settings_dict["NAME"]

    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "worker.log", "w+") as log:
        # 1. Hold a row lock on an idle user, start a worker, send the sweep: it blocks in its UPDATE.
        locker = psycopg.connect(_dsn())
        watcher = psycopg.connect(_dsn(), autocommit=True)  # pg_stat_activity is a per-transaction snapshot
        locker.execute("SELECT id FROM accounts_user WHERE id = %s FOR UPDATE", [idle[0].pk])
        worker = _start_worker(queue, throwaway_redis.url, log)
        try:
            _wait(lambda: _ready(log), "the worker to start", log)
            idle_sweep.apply_async(queue=queue)
            waiting_pid = _wait(
                lambda: (watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock' "
                    "AND pid <> pg_backend_pid()", [db_name]).fetchone() or [None])[0],
                "the sweep to block on the locked user", log,
            )
            # 2. Kill the worker mid-sweep (no chance to clean up), then let the lock go.
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        finally:
            locker.rollback()
            locker.close()
            watcher.close()
            _stop(worker)
        # The orphaned backend fails on its next write to the dead client; its transaction is rolled back.
        with psycopg.connect(_dsn(), autocommit=True) as probe:
            _wait(lambda: not probe.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [waiting_pid]).fetchone(),
                  "the killed worker's backend to go away", log, timeout=30)

        # Nothing half done: no run, no event, nobody deactivated, nobody warned.
        assert not SweepRun.objects.exists()
        assert not DeactivationEvent.objects.exists()
        assert not IdleWarning.objects.exists()
        assert User.objects.filter(pk__in=[u.pk for u in idle], is_active=True).count() == 3

        # 3. The next run (a fresh worker, as after a restart) completes everything.
        log.seek(0)
        log.truncate()
        worker = _start_worker(queue, throwaway_redis.url, log)
        try:
            _wait(lambda: _ready(log), "the second worker to start", log)
            idle_sweep.apply_async(queue=queue)
            _wait(lambda: SweepRun.objects.filter(deactivated__gt=0).exists(), "the next sweep to finish", log)
        finally:
            _stop(worker)

    assert User.objects.filter(pk__in=[u.pk for u in idle], is_active=False).count() == 3
    assert set(DeactivationEvent.objects.values_list("user_id", flat=True)) == {u.pk for u in idle}
    assert set(IdleWarning.objects.values_list("user_id", flat=True)) == {u.pk for u in due}
    assert User.objects.get(pk=fresh.pk).is_active
    assert all(User.objects.get(pk=u.pk).is_active for u in due)
