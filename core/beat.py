"""The default beat schedule, collected from every app's ``<app>/schedule.py`` (``BEAT_SCHEDULE``).

The entries are *defaults*: ``manage.py install_schedule`` (run by ``make migrate`` and the
compose ``migrate`` step) creates a django-celery-beat PeriodicTask for each entry that does not
exist yet and never touches one that does, so a coordinator's change in the admin survives
deploys and beat restarts. (Handing them to Celery's ``beat_schedule`` instead would make the
DatabaseScheduler rewrite them at every beat start.)
"""

from __future__ import annotations

from celery.schedules import crontab
from django.conf import settings
from django.db import transaction

from core.registry import app_modules


def beat_schedule() -> dict:
    schedule = dict(settings.CELERY_BEAT_SCHEDULE)
    for _app, module in app_modules("schedule"):
        schedule.update(module.BEAT_SCHEDULE)
    return schedule


@transaction.atomic
def schedule_install() -> list[str]:
    """Create the missing default periodic tasks; return the names created."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = []
    existing = set(PeriodicTask.objects.values_list("name", flat=True))
    for name, entry in beat_schedule().items():
        if name in existing:
            continue
        when = entry["schedule"]
        kwargs = {}
        if isinstance(when, crontab):
            kwargs["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=when._orig_minute,
                hour=when._orig_hour,
                day_of_week=when._orig_day_of_week,
                day_of_month=when._orig_day_of_month,
                month_of_year=when._orig_month_of_year,
                timezone=settings.TIME_ZONE,
            )
        else:
            seconds = when.total_seconds() if hasattr(when, "total_seconds") else float(when)
            kwargs["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=int(seconds), period=IntervalSchedule.SECONDS
            )
        PeriodicTask.objects.create(name=name, task=entry["task"], description=entry.get("description", ""), **kwargs)
        created.append(name)
    return created
