from celery.schedules import crontab

BEAT_SCHEDULE = {
    "crt-national-register-sync": {"task": "crt.tasks.national_register_sync", "schedule": crontab(hour=2, minute=30)},
    "crt-retention-anonymise": {"task": "crt.tasks.retention_anonymise", "schedule": crontab(hour=3, minute=15)},
}
