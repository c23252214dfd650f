"""Formerly created the default periodic task here; the defaults now live in licensing/schedule.py
and are installed by ``manage.py install_schedule`` (one mechanism for every app). Kept as an empty
step so the migration graph stays intact."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0002_licence_plans"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations: list = []
