from celery.schedules import crontab

# The register sync runs hourly in batches of 1,000 (about 10 s each): 24,000 checks a day keeps
# 80,000 persons within the 7-day refresh window.
BEAT_SCHEDULE = {
    "crt-national-register-sync": {"task": "crt.tasks.national_register_sync", "schedule": crontab(minute=30)},
    "crt-retention-anonymise": {"task": "crt.tasks.retention_anonymise", "schedule": crontab(hour=3, minute=15)},
    # Recomputes the counts the services keep (crt.CountChange); its audit event says how many
    # cells differed: 0 unless something wrote around the services. Writers wait while it runs.
    "crt-counts-rebuild": {"task": "crt.tasks.counts_rebuild", "schedule": crontab(hour=3, minute=45)},
}
