"""The one clock of the application.

Code asks ``clock.now()`` / ``clock.today()`` instead of ``timezone.now()`` so that tests and
commands (``--now``) can inject a time without sleeping or patching Django.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

BRUSSELS = ZoneInfo("Europe/Brussels")
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    """Today's date in Brussels (the date a user means by "today")."""
    return now().astimezone(BRUSSELS).date()


def brussels_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(BRUSSELS).date()


def parse(value: str) -> dt.datetime:
    """Parse an ISO date-time; a naive value is Brussels time."""
    moment = dt.datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=BRUSSELS)
    return moment


@contextlib.contextmanager
def frozen(moment: dt.datetime):
    """Freeze ``now()`` at ``moment`` for the duration of the block."""
    global _frozen
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=BRUSSELS)
    previous, _frozen = _frozen, moment
    try:
        yield moment
    finally:
        _frozen = previous
