"""The licensing jobs' default schedules. ``manage.py install_schedule`` turns them into
django-celery-beat rows once; coordinators change them in the admin (Periodieke taken) and that
change survives deploys and beat restarts.

The sweep does not depend on the warnings: 40 idle days deactivate a user whether or not the
warning went out (the warning is a courtesy; daily, so that a user passing 33 days between two
weekly sweeps is still warned a week ahead when both jobs run)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "licensing: 40-day idle sweep": {
        "task": "licensing.tasks.idle_sweep",
        "schedule": crontab(minute=0, hour=6, day_of_week=1),
        "description": "Deactivates users idle for 40 days or more (Brussels dates).",
    },
    "licensing: idle warnings": {
        "task": "licensing.tasks.idle_warnings",
        "schedule": crontab(minute=0, hour=7),
        "description": "Warns users idle for 33 to 39 days (once per idle period) that they will be deactivated at 40.",
    },
}
