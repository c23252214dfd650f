"""Celery tasks: interfaces that call the services (both compute from data, so a re-run is harmless).

Two scheduled jobs (defaults in licensing/schedule.py, installed by install_schedule): the weekly idle sweep and the daily
idle warnings.
"""

from celery import shared_task

from core import clock
from licensing.constants import SweepSources
from licensing.services import users_idle_sweep, users_idle_warn


@shared_task(name="licensing.tasks.idle_sweep", acks_late=True)
def idle_sweep() -> dict:
    """Deactivate users idle 40 days or more; then send the warnings that are due (each in its own
    transaction: a mail failure does not undo deactivations). The daily job sends warnings on
    the other days; sending them here too costs nothing (once per idle period) and keeps a
    warning from waiting for the next day when that job is off."""
    now = clock.now()
    run = users_idle_sweep(now=now, source=SweepSources.SCHEDULE)
    warnings = users_idle_warn(now=now, source=SweepSources.SCHEDULE)
    return {"run": run.pk, "deactivated": run.deactivated, "warning_run": warnings.pk, "warned": warnings.warned}


@shared_task(name="licensing.tasks.idle_warnings", acks_late=True)
def idle_warnings() -> dict:
    """Warn users idle 33 to 39 days that they will be deactivated at 40 (once per idle period)."""
    run = users_idle_warn(now=clock.now(), source=SweepSources.SCHEDULE)
    return {"run": run.pk, "warned": run.warned}
