import datetime as dt

import pytest
from django.core.management import call_command

from hvt import services
from hvt.constants import PlaceCategories
from hvt.models import CapacitySnapshot
from tests.hvt.helpers import GENT, allocate, register, validated

pytestmark = pytest.mark.django_db


def test_snapshot_counts_capacity_available_occupied_and_free(gent_officer):
    public = validated(gent_officer, capacity=10)
    allocate(gent_officer, public, size=3, start=dt.date(2022, 5, 1), end=dt.date(2022, 5, 31))
    register(gent_officer, capacity=5)  # not validated: capacity, not available
    services.snapshot_take(day=dt.date(2022, 5, 15))
    row = CapacitySnapshot.objects.get(date=dt.date(2022, 5, 15), municipality_id=GENT, category=PlaceCategories.CAT1_PUBLIC)
    assert (row.capacity, row.available, row.occupied, row.free) == (15, 10, 3, 7)


def test_snapshot_is_idempotent_for_a_date(gent_officer):
    validated(gent_officer, capacity=10)
    services.snapshot_take(day=dt.date(2022, 5, 15))
    services.snapshot_take(day=dt.date(2022, 5, 15))
    assert CapacitySnapshot.objects.filter(date=dt.date(2022, 5, 15)).count() == 1


def test_backfill_command_builds_history_from_allocations(gent_officer):
    place = validated(gent_officer, capacity=4)
    allocate(gent_officer, place, size=2, start=dt.date(2022, 5, 2), end=dt.date(2022, 5, 3))
    call_command("hvt_snapshot_backfill", "--start", "2022-05-01", "--end", "2022-05-04", verbosity=0)
    occupied = dict(CapacitySnapshot.objects.filter(municipality_id=GENT).values_list("date", "occupied"))
    assert occupied == {dt.date(2022, 5, 1): 0, dt.date(2022, 5, 2): 2, dt.date(2022, 5, 3): 2, dt.date(2022, 5, 4): 0}


def test_nightly_task_snapshots_yesterday_and_today(gent_officer, frozen_now):
    from hvt.tasks import snapshot_nightly

    validated(gent_officer, capacity=4)
    frozen_now(dt.datetime(2024, 2, 1, 1, 0))
    snapshot_nightly()
    assert set(CapacitySnapshot.objects.values_list("date", flat=True)) == {dt.date(2024, 1, 31), dt.date(2024, 2, 1)}


def test_beat_schedule_points_at_a_real_task():
    from importlib import import_module

    from hvt.schedule import BEAT_SCHEDULE

    for entry in BEAT_SCHEDULE.values():
        module, name = entry["task"].rsplit(".", 1)
        assert callable(getattr(import_module(module), name))


def test_backfill_until_now_given_on_the_command_line(gent_officer):
    validated(gent_officer, capacity=4)
    call_command("hvt_snapshot_backfill", "--start", "2022-05-01", "--now", "2022-05-03T10:00", verbosity=0)
    assert sorted(set(CapacitySnapshot.objects.values_list("date", flat=True))) == [
        dt.date(2022, 5, 1), dt.date(2022, 5, 2), dt.date(2022, 5, 3)]
