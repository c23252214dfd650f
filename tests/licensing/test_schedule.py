from importlib import import_module

import pytest

from config.celery import app


@pytest.mark.django_db
def test_default_weekly_schedule_is_editable_data():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="licensing: 40-day idle sweep")
    assert task.enabled and task.task == "licensing.tasks.idle_sweep"
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "6", "1")
    assert str(task.crontab.timezone) == "Europe/Brussels"
    # The dotted path resolves to a registered Celery task.
    module, name = task.task.rsplit(".", 1)
    assert getattr(import_module(module), name).name == task.task
    assert task.task in app.tasks


def test_the_task_is_thin_and_uses_the_clock(monkeypatch):
    import datetime as dt

    from core import clock
    from licensing import tasks

    seen = {}

    class Run:
        pk, deactivated, warned = 7, 2, 3

    def fake_sweep(*, now, source):
        seen.update(now=now, source=source)
        return Run()

    monkeypatch.setattr(tasks, "users_idle_sweep", fake_sweep)
    moment = dt.datetime(2026, 1, 31, 6, 0, tzinfo=clock.BRUSSELS)
    with clock.frozen(moment):
        assert tasks.idle_sweep.apply().get() == {"run": 7, "deactivated": 2, "warned": 3}
    assert seen == {"now": moment, "source": "schedule"}
