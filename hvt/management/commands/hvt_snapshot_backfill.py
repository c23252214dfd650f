"""Back-fill capacity snapshots from the place and allocation data (e.g. after importing history)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core import clock
from hvt import services
from hvt.constants import EARLIEST_START


class Command(BaseCommand):
    help = "Recompute the daily capacity snapshots for a date range (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--start", type=dt.date.fromisoformat, default=EARLIEST_START)
        parser.add_argument("--end", type=dt.date.fromisoformat, default=None, help="default: today")
        parser.add_argument("--every", type=int, default=1, help="every N days (1: daily)")
        parser.add_argument("--now", type=clock.parse, default=None, help="pretend it is this moment (ISO)")

    def handle(self, *args, start, end, every, now=None, **options):
        if now is not None:
            with clock.frozen(now):
                return self._run(start, end, every)
        return self._run(start, end, every)

    def _run(self, start, end, every):
        end = end or clock.today()
        if end < start or every < 1:
            raise CommandError("--end must not precede --start; --every is at least 1")
        day, days, rows = start, 0, 0
        while day <= end:
            rows += services.snapshot_take(day=day)
            days += 1
            day += dt.timedelta(days=every)
        self.stdout.write(f"{days} days, {rows} snapshot rows")
