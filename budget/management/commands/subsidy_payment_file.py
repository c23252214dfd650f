"""Write the payment file of an approved subsidy run.

Contract (issue 9): ``subsidy_payment_file TRANCHE --format sepa|csv|xlsx --output PATH``. SEPA:
pain.001.001.03 (one transfer per municipality with a positive total, end-to-end id = tranche +
REFNIS); recoveries (negative totals) only in CSV/XLSX."""

import pathlib

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from audit.constants import AuditActions
from audit.services import audit_log
from budget.models import SubsidyRun
from budget.subsidy.payment import FORMATS, payment_file


class Command(BaseCommand):
    help = "Write the payment file (SEPA, CSV or XLSX) of the approved subsidy run of a tranche."

    def add_arguments(self, parser):
        parser.add_argument("tranche", help="tranche code, e.g. 2022-09")
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("--output", required=True, help="path of the file to write")

    def handle(self, *args, tranche, format, output, **options):  # noqa: A002 - the contract's option name
        run = SubsidyRun.objects.select_related("tranche").filter(tranche__code=tranche).first()
        if run is None:
            raise CommandError(f"no run for tranche {tranche!r}")
        if not run.is_approved:
            raise CommandError(f"refused: the run of tranche {tranche} is not approved")
        try:
            content = payment_file(run, format)
        except ValidationError as exc:
            raise CommandError("refused: " + "; ".join(str(m) for m in exc.messages)) from exc
        pathlib.Path(output).write_bytes(content)
        audit_log(actor=None, action=AuditActions.EXPORT, obj=run, changes={"format": format, "file": str(output)})
        self.stdout.write(f"{output}: {len(content)} bytes")
