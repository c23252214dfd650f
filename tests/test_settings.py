"""Settings-level guarantees: production check --deploy, CSP, the beat schedule, health."""

import json
import os
import secrets
import subprocess
import sys
from importlib import import_module

import pytest
from django.conf import settings
from django.test import override_settings

from core.beat import beat_schedule

PROJECT_ROOT = settings.BASE_DIR


def test_check_deploy_is_clean_under_production_settings():
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "hvt.vlaanderen.example",
        "CRT_ENCRYPTION_KEYS": "1:" + secrets.token_urlsafe(32),
        "CRT_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "EMAIL_URL": "smtp://mail.vlaanderen.example:25",
        "VAR_DIR": "/tmp/hvt-check-deploy",
    }
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues" in proc.stdout
    assert "WARNING" not in proc.stdout + proc.stderr.replace("INFO", "")
    assert "security.W" not in proc.stdout + proc.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "ALLOWED_HOSTS": "hvt.vlaanderen.example",
        "CRT_ENCRYPTION_KEYS": "1:x",
        "CRT_BLIND_INDEX_KEY": "y",
    }
    proc = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0
    assert "SECRET_KEY" in proc.stderr


@pytest.mark.django_db
def test_csp_header_is_present_and_strict(client):
    response = client.get("/account/aanmelden/")
    assert response.status_code == 200
    csp = response.headers.get("Content-Security-Policy")
    assert csp, "no Content-Security-Policy header"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    # and the page itself carries nothing inline that the policy would block
    body = response.content.decode()
    assert "<script>" not in body and " style=" not in body and "<style" not in body


def test_beat_schedule_every_task_path_resolves_to_a_registered_task():
    from config.celery import app

    app.loader.import_default_modules()
    schedule = beat_schedule()
    assert isinstance(schedule, dict)
    for name, entry in schedule.items():
        task = entry["task"]
        module_name, _, attr = task.rpartition(".")
        module = import_module(module_name)
        assert hasattr(module, attr), f"{name}: {task} does not exist"
        assert task in app.tasks, f"{name}: {task} is not a registered Celery task"
        assert "schedule" in entry, name


def test_beat_schedule_collects_every_apps_schedule_module(monkeypatch):
    """The collector finds each app's schedule.py (also when there are no entries yet)."""
    expected = {}
    for app in settings.LOCAL_APPS:
        try:
            module = import_module(f"{app}.schedule")
        except ModuleNotFoundError:
            continue
        expected.update(module.BEAT_SCHEDULE)
    assert beat_schedule() == {**settings.CELERY_BEAT_SCHEDULE, **expected}

    # a schedule module with an entry is picked up
    import types

    fake = types.ModuleType("core.schedule")
    fake.BEAT_SCHEDULE = {"probe": {"task": "core.tasks.probe", "schedule": 60}}
    monkeypatch.setitem(sys.modules, "core.schedule", fake)
    assert beat_schedule()["probe"]["task"] == "core.tasks.probe"


@pytest.mark.django_db(databases=["default", "crt"])
def test_health_ok_on_the_test_configuration(client):
    response = client.get("/health/")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["status"] == "ok"
    assert data["checks"]["default_db"]["status"] == "ok"
    assert data["checks"]["crt_db"]["status"] == "ok"
    assert data["checks"]["redis"]["status"] in ({"ok"} if settings.REDIS_URL else {"not_configured"})
    assert data["checks"]["celery"]["status"] == "in_process"  # tests run tasks eagerly


@pytest.mark.django_db(databases=["default", "crt"])
def test_health_with_redis_down_but_tasks_in_process_still_reports_redis_down(client):
    dead = "redis://127.0.0.1:6399/0"
    with override_settings(REDIS_URL=dead, CELERY_TASK_ALWAYS_EAGER=True):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"status": "down", "error": "ConnectionError"}


@pytest.mark.django_db(databases=["default", "crt"])
def test_health_reports_redis_down_with_503(client):
    dead = "redis://127.0.0.1:6399/0"
    with override_settings(
        REDIS_URL=dead,
        CELERY_TASK_ALWAYS_EAGER=False,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": dead,
                            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}},
    ):
        response = client.get("/health/")
    assert response.status_code == 503
    data = json.loads(response.content)
    assert data["status"] == "degraded"
    assert data["checks"]["redis"]["status"] == "down"
    assert data["checks"]["celery"]["status"] == "down"
    assert data["checks"]["default_db"]["status"] == "ok"


@pytest.mark.django_db(databases=["default", "crt"])
def test_pages_keep_working_with_redis_down(client, login):
    """Sessions live in the database and the CRT-role cache tolerates an outage: Redis down is not a 500."""
    from accounts.constants import Roles
    from tests.factories import TEST_PASSWORD, make_user

    dead = "redis://127.0.0.1:6399/0"
    officer = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    coordinator = make_user(Roles.HVT_COORDINATOR, is_staff=True)
    with override_settings(
        REDIS_URL=dead,
        CELERY_TASK_ALWAYS_EAGER=False,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": dead,
                            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}},
    ):
        response = client.post("/account/aanmelden/", {"username": officer.username, "password": TEST_PASSWORD})
        assert response.status_code == 302
        home = client.get("/")
        assert home.status_code == 200
        assert "Welkom" in home.content.decode()
        client.logout()
        verified = login(coordinator)
        assert verified.get("/").status_code == 200


@pytest.mark.django_db
def test_install_schedule_creates_the_defaults_once_and_keeps_an_admin_edit():
    from django_celery_beat.models import PeriodicTask

    from core.beat import schedule_install

    PeriodicTask.objects.all().delete()  # the test database has them installed already
    created = schedule_install()
    assert set(created) == set(beat_schedule())
    edited = PeriodicTask.objects.get(name=created[0])
    edited.enabled = False
    edited.save()
    assert schedule_install() == []
    edited.refresh_from_db()
    assert edited.enabled is False
