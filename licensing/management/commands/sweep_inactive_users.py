"""Run the 40-day idle sweep by hand: the same service as the scheduled task."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime

from core import clock
from licensing import selectors
from licensing.constants import SweepSources
from licensing.models import DeactivationEvent, IdleWarning
from licensing.services import users_idle_sweep


class Command(BaseCommand):
    help = "Deactivate users idle for 40 days or more (and warn those at 33 to 39 days), as the weekly job does."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="show what would happen, change nothing")
        parser.add_argument("--now", help="the moment to compute idleness from, e.g. 2026-01-31T06:00 (Brussels time)")

    def handle(self, *args, dry_run: bool = False, now: str | None = None, **options):
        try:
            moment = clock.parse(now) if now else clock.now()
        except ValueError as exc:
            raise CommandError(f"--now: {exc}") from None
        if dry_run:
            self._dry_run(moment)
            return
        run = users_idle_sweep(now=moment, source=SweepSources.COMMAND)
        for event in DeactivationEvent.objects.filter(run=run).order_by("username"):
            self.stdout.write(f"deactivated {event.username} (last activity {localtime(event.last_activity):%Y-%m-%d %H:%M})")
        for warning in IdleWarning.objects.filter(run=run).select_related("user").order_by("user__username"):
            self.stdout.write(f"warned {warning.user.username} (deactivation on {selectors.deactivation_date(warning.last_activity)})")
        self.stdout.write(self.style.SUCCESS(f"Now {localtime(moment):%Y-%m-%d %H:%M %Z}: {run.deactivated} deactivated, {run.warned} warned."))

    def _dry_run(self, moment):
        due = selectors.users_idle_for_deactivation(now=moment).order_by("username")
        warn = selectors.users_due_for_warning(now=moment).order_by("username")
        for user in due:
            self.stdout.write(f"would deactivate {user.username} (last activity {localtime(user.idle_since):%Y-%m-%d %H:%M})")
        for user in warn:
            self.stdout.write(f"would warn {user.username} (deactivation on {selectors.deactivation_date(user.idle_since)})")
        self.stdout.write(
            self.style.WARNING(f"Dry run, now {localtime(moment):%Y-%m-%d %H:%M %Z}: {due.count()} would be deactivated, "
                               f"{warn.count()} warned. Nothing changed.")
        )
