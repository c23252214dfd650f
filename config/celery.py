"""The Celery app. Redis is the broker when REDIS_URL is set; otherwise tasks run in process.

Beat uses django-celery-beat's DatabaseScheduler; the default jobs are installed as database rows
by ``manage.py install_schedule`` (see core/beat.py), so the admin is where they change.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("hvt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
