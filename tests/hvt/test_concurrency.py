"""Two officers allocating the last bed at the same moment (PostgreSQL row lock). No timing guess:
the first officer commits only once PostgreSQL reports the second one's backend waiting for its row
lock (``pg_blocking_pids``, as tests/licensing/test_concurrency.py does)."""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from accounts.constants import Roles
from hvt import services
from hvt.models import Allocation
from tests.hvt.helpers import GENT, allocate, validated

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_officers_allocating_the_last_bed_at_once_cannot_both_succeed(make_user):
    first = make_user(Roles.HVT_MUNICIPAL_FULL, username="officer-a", municipalities=[GENT])
    second = make_user(Roles.HVT_MUNICIPAL_LIMITED, username="officer-b", municipalities=[GENT])
    place = validated(first, capacity=3)
    allocate(first, place, size=2, ref="HH-BASE")  # one bed left
    second_pid: list[int] = []
    second_ready, first_locked = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}
    blocked: list[bool] = []
    errors: list[Exception] = []

    def allocate_one(user, reference):
        services.allocation_create(
            actor=user, place=place, household_reference=reference, household_size=1, adults=1, minors=0,
            start_date=dt.date(2022, 6, 1),
        )

    def first_officer():
        try:
            second_ready.wait(10)
            with transaction.atomic():
                allocate_one(first, "HH-A")  # holds the place's row lock until the commit
                first_locked.set()
                # Keep the transaction open until the second officer's backend waits for this lock.
                with connection.cursor() as cursor:
                    deadline = time.monotonic() + 10
                    while time.monotonic() < deadline:
                        cursor.execute("SELECT pg_backend_pid() = ANY(pg_blocking_pids(%s))", [second_pid[0]])
                        if cursor.fetchone()[0]:
                            blocked.append(True)
                            break
                        time.sleep(0.01)
            outcomes["HH-A"] = "allocated"
        except Exception as exc:  # noqa: BLE001 – reported below
            errors.append(exc)
        finally:
            first_locked.set()
            connections.close_all()

    def second_officer():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            second_ready.set()
            first_locked.wait(10)
            try:
                allocate_one(second, "HH-B")  # waits for the first officer's lock, then sees no bed left
                outcomes["HH-B"] = "allocated"
            except ValidationError:
                outcomes["HH-B"] = "refused"
        except Exception as exc:  # noqa: BLE001 – reported below
            errors.append(exc)
        finally:
            second_ready.set()
            connections.close_all()

    threads = [threading.Thread(target=first_officer), threading.Thread(target=second_officer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert blocked == [True], "the second officer never waited for the place's row lock"
    assert outcomes == {"HH-A": "allocated", "HH-B": "refused"}
    assert Allocation.objects.filter(place=place).count() == 2
    assert services.peak_beds(place_id=place.pk, start=dt.date(2022, 3, 14), end=None) == 3
