from celery.schedules import crontab

BEAT_SCHEDULE = {
    "hvt-snapshot-nightly": {"task": "hvt.tasks.snapshot_nightly", "schedule": crontab(hour=1, minute=15)},
}
