"""Run the 40-day idle sweep by hand: the same services as the weekly scheduled task (deactivation,
then the warnings that are due; ``--no-warnings`` deactivates only)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime

from core import clock
from licensing import selectors
from licensing.constants import SweepSources
from licensing.models import DeactivationEvent, IdleWarning
from licensing.services import users_idle_sweep, users_idle_warn


def parse_now(now: str | None):
    try:
        return clock.parse(now) if now else clock.now()
    except ValueError as exc:
        raise CommandError(f"--now: {exc}") from None


def write_warnings(stdout, run) -> None:
    for warning in IdleWarning.objects.filter(run=run).select_related("user").order_by("user__username"):
        stdout.write(f"warned {warning.user.username} (deactivation on {selectors.deactivation_date(warning.last_activity)})")


def write_would_warn(stdout, moment):
    warn = selectors.users_due_for_warning(now=moment).order_by("username")
    for user in warn:
        stdout.write(f"would warn {user.username} (deactivation on {selectors.deactivation_date(user.idle_since)})")
    return warn


class Command(BaseCommand):
    help = ("Deactivate users idle for 40 days or more, then warn those at 33 to 39 days (once per idle period), "
            "as the weekly job does. Warnings only: warn_idle_users.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="show what would happen, change nothing")
        parser.add_argument("--now", help="the moment to compute idleness from, e.g. 2026-01-31T06:00 (Brussels time)")
        parser.add_argument("--no-warnings", action="store_true", help="deactivate only, send no warnings")

    def handle(self, *args, dry_run: bool = False, now: str | None = None, no_warnings: bool = False, **options):
        moment = parse_now(now)
        if dry_run:
            self._dry_run(moment, warnings=not no_warnings)
            return
        run = users_idle_sweep(now=moment, source=SweepSources.COMMAND)
        for event in DeactivationEvent.objects.filter(run=run).order_by("username"):
            self.stdout.write(f"deactivated {event.username} (last activity {localtime(event.last_activity):%Y-%m-%d %H:%M})")
        warned = 0
        if not no_warnings:
            warning_run = users_idle_warn(now=moment, source=SweepSources.COMMAND)
            write_warnings(self.stdout, warning_run)
            warned = warning_run.warned
        self.stdout.write(self.style.SUCCESS(f"Now {localtime(moment):%Y-%m-%d %H:%M %Z}: {run.deactivated} deactivated, {warned} warned."))

    def _dry_run(self, moment, *, warnings: bool):
        due = selectors.users_idle_for_deactivation(now=moment).order_by("username")
        for user in due:
            self.stdout.write(f"would deactivate {user.username} (last activity {localtime(user.idle_since):%Y-%m-%d %H:%M})")
        warned = write_would_warn(self.stdout, moment).count() if warnings else 0
        self.stdout.write(
            self.style.WARNING(f"Dry run, now {localtime(moment):%Y-%m-%d %H:%M %Z}: {due.count()} would be deactivated, "
                               f"{warned} warned. Nothing changed.")
        )
