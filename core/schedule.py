from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Imports whose task was lost (broker down when it was sent, worker killed) are sent again.
    "core-imports-resend-stale": {"task": "core.tasks.imports_resend_stale", "schedule": crontab(minute="*/10")},
}
