import datetime as dt
from importlib import import_module

import pytest

from config.celery import app
from core import clock

MOMENT = dt.datetime(2026, 1, 31, 6, 0, tzinfo=clock.BRUSSELS)


def _registered(task) -> None:
    """The dotted path resolves to a registered Celery task."""
    module, name = task.task.rsplit(".", 1)
    assert getattr(import_module(module), name).name == task.task
    assert task.task in app.tasks


@pytest.mark.django_db
def test_default_weekly_schedule_is_editable_data():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="licensing: 40-day idle sweep")
    assert task.enabled and task.task == "licensing.tasks.idle_sweep"
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "6", "1")
    assert str(task.crontab.timezone) == "Europe/Brussels"
    _registered(task)


@pytest.mark.django_db
def test_default_daily_warning_schedule_is_editable_data():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="licensing: idle warnings")
    assert task.enabled and task.task == "licensing.tasks.idle_warnings"
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == (
        "0", "7", "*", "*", "*"
    )
    assert str(crontab.timezone) == "Europe/Brussels"
    _registered(task)


class _Run:
    def __init__(self, pk, deactivated=0, warned=0):
        self.pk, self.deactivated, self.warned = pk, deactivated, warned


def test_the_sweep_task_is_thin_and_uses_the_clock(monkeypatch):
    from licensing import tasks

    seen = []

    def fake_sweep(*, now, source):
        seen.append(("sweep", now, source))
        return _Run(7, deactivated=2)

    def fake_warn(*, now, source):
        seen.append(("warn", now, source))
        return _Run(8, warned=3)

    monkeypatch.setattr(tasks, "users_idle_sweep", fake_sweep)
    monkeypatch.setattr(tasks, "users_idle_warn", fake_warn)
    with clock.frozen(MOMENT):
        assert tasks.idle_sweep.apply().get() == {"run": 7, "deactivated": 2, "warning_run": 8, "warned": 3}
    # Deactivation first (its own transaction), then the warnings that are due.
    assert seen == [("sweep", MOMENT, "schedule"), ("warn", MOMENT, "schedule")]


def test_the_warning_task_is_thin_and_only_warns(monkeypatch):
    from licensing import tasks

    seen = []

    def fake_warn(*, now, source):
        seen.append((now, source))
        return _Run(9, warned=4)

    def no_sweep(**kwargs):
        raise AssertionError("the warning job never deactivates")

    monkeypatch.setattr(tasks, "users_idle_warn", fake_warn)
    monkeypatch.setattr(tasks, "users_idle_sweep", no_sweep)
    with clock.frozen(MOMENT):
        assert tasks.idle_warnings.apply().get() == {"run": 9, "warned": 4}
    assert seen == [(MOMENT, "schedule")]
