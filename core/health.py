"""Reachability of the parts the application is configured to use."""

from __future__ import annotations

from django.conf import settings
from django.db import connections


def check_database(alias: str) -> dict:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"status": "ok"}
    except Exception as exc:  # any failure means "down"; the detail helps the operator
        return {"status": "down", "error": exc.__class__.__name__}


def check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"status": "not_configured"}
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return {"status": "ok"}
    except Exception as exc:
        return {"status": "down", "error": exc.__class__.__name__}


def check_celery(redis_status: dict) -> dict:
    # Tasks run in process (embedded default, unit tests): there is no worker to ask.
    if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "in_process"}
    if redis_status["status"] != "ok":
        return {"status": "down", "error": "broker unreachable"}
    from celery import current_app  # the project's app (config.celery), set as current at start-up

    try:
        replies = current_app.control.ping(timeout=1.0)
    except Exception as exc:
        return {"status": "down", "error": exc.__class__.__name__}
    if not replies:
        return {"status": "down", "error": "no worker answered"}
    return {"status": "ok", "workers": len(replies)}


def health_report() -> tuple[dict, bool]:
    report = {
        "default_db": check_database("default"),
        "crt_db": check_database("crt"),
        "redis": check_redis(),
    }
    report["celery"] = check_celery(report["redis"])
    healthy = all(part["status"] != "down" for part in report.values())
    return report, healthy
