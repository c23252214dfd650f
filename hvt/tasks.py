"""Celery tasks: interfaces that call a service."""

import datetime as dt

from celery import shared_task

from core import clock
from hvt import services


@shared_task(name="hvt.tasks.snapshot_nightly", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def snapshot_nightly(day: str | None = None) -> int:
    """Snapshot yesterday (final) and today (so far). Idempotent per date: a rerun replaces the rows."""
    target = dt.date.fromisoformat(day) if day else clock.today()
    return services.snapshot_take(day=target - dt.timedelta(days=1)) + services.snapshot_take(day=target)
