"""The beat schedule, collected from every app's `schedule.BEAT_SCHEDULE`.

django-celery-beat's DatabaseScheduler stores these entries as the defaults; coordinators
change the schedule in the admin afterwards.
"""

from importlib import import_module

from django.conf import settings


def beat_schedule() -> dict:
    schedule = dict(settings.CELERY_BEAT_SCHEDULE)
    for app in settings.LOCAL_APPS:
        try:
            module = import_module(f"{app}.schedule")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.schedule":
                raise
            continue
        schedule.update(module.BEAT_SCHEDULE)
    return schedule
