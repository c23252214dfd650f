"""Celery tasks: interfaces that call the services (the sweep computes from data, so a re-run is harmless)."""

from celery import shared_task

from core import clock
from licensing.constants import SweepSources
from licensing.services import users_idle_sweep


@shared_task(name="licensing.tasks.idle_sweep", acks_late=True)
def idle_sweep() -> dict:
    run = users_idle_sweep(now=clock.now(), source=SweepSources.SCHEDULE)
    return {"run": run.pk, "deactivated": run.deactivated, "warned": run.warned}
