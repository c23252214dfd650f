"""End to end: a real Celery worker and beat (DatabaseScheduler) on Redis and PostgreSQL.

The test never calls the sweep: it schedules the task every 2 seconds in django-celery-beat's
tables, starts `celery worker` and `celery beat` against the test databases, and waits until the
idle user has been deactivated by the scheduled job.
"""

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from accounts.models import User
from core import clock
from licensing.constants import SweepSources
from licensing.models import DeactivationEvent, IdleWarning, SweepRun
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not settings.REDIS_URL or connections["default"].vendor != "postgresql",
        reason="needs PostgreSQL and Redis (CI sets DATABASE_URL and REDIS_URL)",
    ),
]


def _url(alias: str) -> str:
    s = connections[alias].settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _env() -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=_url("default"),  # the live test databases, not the development ones
        CRT_DATABASE_URL=_url("crt"),
        REDIS_URL=settings.REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="0",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.mark.django_db(transaction=True, databases=["default", "crt"])
def test_beat_and_worker_deactivate_an_idle_user():
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    idle = make_user(username="idle-e2e")
    User.objects.filter(pk=idle.pk).update(last_activity=clock.now() - dt.timedelta(days=45))
    fresh = make_user(username="fresh-e2e")
    User.objects.filter(pk=fresh.pk).update(last_activity=clock.now())
    soon = make_user(username="soon-e2e", email="soon-e2e@test.invalid")
    User.objects.filter(pk=soon.pk).update(last_activity=clock.now() - dt.timedelta(days=35))
    every_2s, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    # A queue of our own: another test run sharing this Redis (xdist, a colleague) cannot take our tasks.
    queue = f"licensing-e2e-{uuid.uuid4().hex[:12]}"
    task = PeriodicTask.objects.create(
        name="e2e idle sweep", task="licensing.tasks.idle_sweep", interval=every_2s, queue=queue
    )
    warnings_task = PeriodicTask.objects.create(
        name="e2e idle warnings", task="licensing.tasks.idle_warnings", interval=every_2s, queue=queue
    )

    celery = [sys.executable, "-m", "celery", "-A", "config"]
    with tempfile.TemporaryDirectory() as tmp:
        logs = {name: open(Path(tmp) / f"{name}.log", "w+") for name in ("worker", "beat")}  # noqa: SIM115
        processes = [
            subprocess.Popen(  # noqa: S603
                celery + ["worker", "-Q", queue, "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=_env(), stdout=logs["worker"], stderr=subprocess.STDOUT,
            ),
            subprocess.Popen(  # noqa: S603
                celery + ["beat", "--loglevel=INFO", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
                          "--pidfile=", f"--schedule={tmp}/beat-schedule"],
                cwd=ROOT, env=_env(), stdout=logs["beat"], stderr=subprocess.STDOUT,
            ),
        ]
        try:
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline:
                if not User.objects.get(pk=idle.pk).is_active and IdleWarning.objects.filter(user=soon).exists():
                    break
                if any(p.poll() is not None for p in processes):
                    break
                time.sleep(1)
        finally:
            for p in processes:
                p.terminate()
            for p in processes:
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(5)
            output = ""
            for name, log in logs.items():
                log.seek(0)
                output += f"\n--- {name} ---\n" + log.read()[-4000:]
                log.close()

    assert not User.objects.get(pk=idle.pk).is_active, f"not deactivated within {TIMEOUT}s{output}"
    assert User.objects.get(pk=fresh.pk).is_active
    event = DeactivationEvent.objects.get(user=idle)
    assert event.run.source == SweepSources.SCHEDULE  # the task's run, not a direct call or the command
    assert SweepRun.objects.filter(source=SweepSources.SCHEDULE).exists()
    task.refresh_from_db()
    assert task.total_run_count >= 1 and task.last_run_at is not None  # beat sent it
    # The warning job, its own task (beat saves its run count on shutdown): warned once, never deactivated.
    warnings_task.refresh_from_db()
    assert warnings_task.total_run_count >= 1 and warnings_task.last_run_at is not None
    assert IdleWarning.objects.filter(user=soon).count() == 1 and User.objects.get(pk=soon.pk).is_active
