"""The Celery app. Redis is the broker when REDIS_URL is set; otherwise tasks run in process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("hvt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _collect_beat_schedule(sender, **kwargs):
    from config.schedule import beat_schedule

    sender.conf.beat_schedule = beat_schedule()
