"""Celery tasks of core: interfaces that load by id and call a service (core.services)."""

from celery import shared_task

from core import services


@shared_task(name="core.tasks.import_process", acks_late=True)
def import_process(import_id: int) -> str | None:
    """Check or import a stored import, whichever its status asks for. Idempotent: a repeated delivery
    of a finished import does nothing; a worker lost mid-way leaves the step to be run again."""
    return services.import_process(import_id=import_id)


@shared_task(name="core.tasks.imports_resend_stale", acks_late=True)
def imports_resend_stale() -> int:
    """Send again the tasks of imports that were never picked up or whose worker died."""
    return services.imports_resend_stale()
