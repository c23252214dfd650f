"""Two officers allocating the last bed at the same moment (PostgreSQL row lock)."""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

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
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def officer(user, reference):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                services.allocation_create(
                    actor=user, place=place, household_reference=reference, household_size=1, adults=1, minors=0,
                    start_date=dt.date(2022, 6, 1),
                )
                time.sleep(0.5)  # keep the transaction open: the other officer runs meanwhile
            outcomes[reference] = "allocated"
        except ValidationError:
            outcomes[reference] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=officer, args=(u, ref)) for u, ref in [(first, "HH-A"), (second, "HH-B")]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["allocated", "refused"]
    assert Allocation.objects.filter(place=place).count() == 2
    assert services.peak_beds(place_id=place.pk, start=dt.date(2022, 3, 14), end=None) == 3
