"""The data-quality report for operators and other tools (issue 11, hvt.quality).

``manage.py data_quality_report --json [--municipality REFNIS] [--date YYYY-MM-DD | --now ISO]``
prints one JSON object ``{"<REFNIS>": {"<item code>": <count>, ...}, ...}`` for all of Flanders
(municipalities without open items left out). Every key is a REFNIS code: the CRT persons that no
municipality can be given are not in the object (they have no REFNIS); their count goes to standard
error. Without ``--json``: one line per municipality.
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from core import clock
from geo.models import Municipality
from hvt import quality


class Command(BaseCommand):
    help = "Open data-quality items per municipality (hvt.quality.ITEMS) on a day, as JSON with --json."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON object {refnis: {code: count}}")
        parser.add_argument("--municipality", default="", help="only this municipality (REFNIS code)")
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None, help="the day (default: today)")
        parser.add_argument("--now", type=clock.parse, default=None, help="pretend it is this moment (ISO)")

    def handle(self, *args, as_json: bool = False, municipality: str = "", date=None, now=None, **options):
        if municipality and not Municipality.objects.filter(pk=municipality).exists():
            raise CommandError(f"Unknown municipality: {municipality}")
        if now is not None:
            with clock.frozen(now):
                day = date or clock.today()
        else:
            day = date or clock.today()
        report = quality.report_json(day=day, municipality=municipality)
        unassigned = report.pop(quality.UNASSIGNED, None)
        if unassigned and any(unassigned.values()):
            self.stderr.write("Not in any municipality (no REFNIS): "
                              + ", ".join(f"{code}={n}" for code, n in unassigned.items() if n))
        if as_json:
            self.stdout.write(json.dumps(report))
            return
        for refnis, counts in report.items():
            self.stdout.write(f"{refnis}: " + ", ".join(f"{code}={n}" for code, n in counts.items()))

