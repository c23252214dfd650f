"""Send the idle warnings by hand: the same service as the daily scheduled task."""

from django.core.management.base import BaseCommand
from django.utils.timezone import localtime

from licensing.constants import SweepSources
from licensing.management.commands.sweep_inactive_users import parse_now, write_warnings, write_would_warn
from licensing.services import users_idle_warn


class Command(BaseCommand):
    help = "Warn users idle for 33 to 39 days that they will be deactivated at 40 (once per idle period), as the daily job does."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="show what would happen, change nothing")
        parser.add_argument("--now", help="the moment to compute idleness from, e.g. 2026-01-31T07:00 (Brussels time)")

    def handle(self, *args, dry_run: bool = False, now: str | None = None, **options):
        moment = parse_now(now)
        if dry_run:
            count = write_would_warn(self.stdout, moment).count()
            self.stdout.write(self.style.WARNING(f"Dry run, now {localtime(moment):%Y-%m-%d %H:%M %Z}: {count} would be warned. Nothing changed."))
            return
        run = users_idle_warn(now=moment, source=SweepSources.COMMAND)
        write_warnings(self.stdout, run)
        self.stdout.write(self.style.SUCCESS(f"Now {localtime(moment):%Y-%m-%d %H:%M %Z}: {run.warned} warned."))
