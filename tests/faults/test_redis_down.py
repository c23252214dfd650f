"""Redis stopped: the web keeps serving, /health/ says Redis is down (503), queued tasks do not break
requests. A throwaway redis-server (port 6390, or another free port) is started and stopped; the machine's Redis is untouched."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from accounts.models import Organisation
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_health_reports_redis_down_with_503_and_up_again(client, redis_settings):
    up = client.get(reverse("health"))
    assert up.json()["checks"]["redis"]["status"] == "ok"

    redis_settings.stop()
    started = time.monotonic()
    down = client.get(reverse("health"))
    assert time.monotonic() - started < 5
    assert down.status_code == 503
    body = down.json()
    assert body["status"] == "degraded"
    assert body["checks"]["redis"]["status"] == "down"
    assert body["checks"]["celery"]["status"] in ("down", "in_process")  # in_process: eager test settings
    assert body["checks"]["default_db"]["status"] == "ok"

    redis_settings.start()
    assert client.get(reverse("health")).json()["checks"]["redis"]["status"] == "ok"


@pytest.mark.django_db(databases=["default", "crt"])
def test_pages_and_login_work_with_redis_down(client, make_user, redis_settings):
    from django.core.cache import cache

    cache.set("probe", 1)
    assert cache.get("probe") == 1  # the cache really is the throwaway Redis
    redis_settings.stop()

    assert client.get(reverse("accounts:login")).status_code == 200
    # A real login (axes, sessions in the database, the 2FA check that consults the cache).
    user = make_user("hvt_municipal_full", municipalities=["44021"])
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert user.username.encode() in home.content or b"<main" in home.content
    # A user who needs a second factor is still sent to it (the cached CRT-role check fails open to the DB).
    coordinator = make_user("hvt_coordinator")
    client.logout()
    client.post(reverse("accounts:login"), {"username": coordinator.username, "password": TEST_PASSWORD})
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:otp"))


@pytest.mark.django_db
@pytest.mark.urls("tests.faults.urls")
def test_task_queued_while_broker_down_does_not_break_the_request(
    client, celery_broker, throwaway_redis, django_capture_on_commit_callbacks, caplog
):
    # Broker up: after the commit the task really reaches the Redis queue.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.get("/fault/queue/broker-up/")
    assert response.status_code == 200
    assert len(callbacks) == 1
    assert throwaway_redis.llen("celery") == 1

    throwaway_redis.stop()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.get("/fault/queue/broker-down/")
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert response.content == b"saved"
    assert len(callbacks) == 1
    assert Organisation.objects.filter(code="broker-down").exists()  # the change is kept
    assert "broker unreachable, task tests.faults.probe not queued" in caplog.text


@pytest.mark.django_db
@pytest.mark.urls("tests.faults.urls")
def test_plain_delay_while_broker_down_is_a_clean_error_that_saves_nothing(celery_broker, throwaway_redis):
    """Without core.queue.enqueue, task.delay() raises; ATOMIC_REQUESTS rolls the change back and the
    user gets the error page (this is why views queue through core.queue.enqueue)."""
    from django.test import Client

    throwaway_redis.stop()
    response = Client(raise_request_exception=False).get("/fault/delay/plain-delay/")
    assert response.status_code == 500
    assert b"Er werd niets opgeslagen" in response.content
    assert not Organisation.objects.filter(code="plain-delay").exists()


@pytest.mark.django_db
def test_sweep_not_sent_during_the_outage_is_caught_up_by_the_next_run(celery_broker, throwaway_redis, make_user):
    """Beat's send of the idle sweep fails while Redis is down; nothing is queued for later, but the
    sweep computes idleness from the data, so the next run after Redis returns does the missed work."""
    import datetime as dt

    from accounts.models import User
    from core import clock
    from core.queue import send
    from licensing.tasks import idle_sweep

    idle = make_user(username="idle-during-outage")
    User.objects.filter(pk=idle.pk).update(last_activity=clock.now() - dt.timedelta(days=41))

    throwaway_redis.stop()
    assert send(idle_sweep) is False  # the scheduled send during the outage
    assert User.objects.get(pk=idle.pk).is_active

    throwaway_redis.start()
    assert send(idle_sweep) is True  # the next scheduled send gets through…
    assert throwaway_redis.llen("celery") == 1
    idle_sweep.apply()  # …and a worker runs it (here in process)
    assert not User.objects.get(pk=idle.pk).is_active
