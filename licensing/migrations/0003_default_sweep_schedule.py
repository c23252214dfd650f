"""The idle sweep's default schedule (weekly, Monday 06:00 Brussels) as a django-celery-beat row.

A data row rather than an entry of ``BEAT_SCHEDULE``: the DatabaseScheduler rewrites entries of
the beat_schedule setting at every beat start, which would undo a coordinator's change in the admin.
"""

from django.db import migrations

TASK_NAME = "licensing: 40-day idle sweep"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="1", day_of_month="*", month_of_year="*", timezone="Europe/Brussels"
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task="licensing.tasks.idle_sweep",
        crontab=crontab,
        enabled=True,
        description="Deactivates users idle for 40 days or more and warns them a week before.",
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0002_licence_plans"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
