"""Celery tasks: thin interfaces over services (idempotent, re-runnable)."""

from celery import shared_task

from crt import services


@shared_task(name="crt.tasks.national_register_sync")
def national_register_sync():
    return services.national_register_sync()


@shared_task(name="crt.tasks.retention_anonymise")
def retention_anonymise():
    return services.dossiers_anonymise_expired()


@shared_task(name="crt.tasks.counts_rebuild")
def counts_rebuild():
    return services.counts_rebuild()
