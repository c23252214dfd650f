"""The idle warnings' default schedule (daily, 07:00 Brussels) as a django-celery-beat row.

A data row rather than an entry of ``BEAT_SCHEDULE`` (see 0003): created only if missing, so a
coordinator's change in the admin survives.
"""

from django.db import migrations

TASK_NAME = "licensing: idle warnings"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Brussels"
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task="licensing.tasks.idle_warnings",
        crontab=crontab,
        enabled=True,
        description="Warns users idle for 33 to 39 days (once per idle period) that they will be deactivated at 40.",
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0004_deactivation_not_unique"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
