import datetime as dt

import pytest

from core import clock
from licensing.models import LicencePool, PlanPeriod

NOW = dt.datetime(2026, 1, 31, 6, 0, tzinfo=clock.BRUSSELS)


@pytest.fixture
def period_2024(db):
    return PlanPeriod.objects.get(code="2024")


@pytest.fixture
def pool(db):
    """Returns a pool of the 2024 plan: pool("hvt", "full", "local_governments")."""

    def _pool(tool="hvt", licence_type="full", group="local_governments", **changes):
        obj = LicencePool.objects.get(period__code="2024", tool=tool, licence_type=licence_type, group=group)
        if changes:
            for name, value in changes.items():
                setattr(obj, name, value)
            obj.save()
        return obj

    return _pool


@pytest.fixture
def idle_user(make_user):
    """A user whose last activity was ``days`` days before NOW (Brussels dates)."""

    def _make(days: int | None, *, never_logged_in: bool = False, **fields):
        moment = NOW - dt.timedelta(days=days)
        if never_logged_in:
            fields.update(last_activity=None, date_joined=moment)
        else:
            fields.update(last_activity=moment, date_joined=moment - dt.timedelta(days=400))
        return make_user(**fields)

    return _make
