"""Calculate (or recalculate the draft of) a tranche's subsidy run; optionally approve it.

Contract (issue 9): ``subsidy_run TRANCHE [--approve --actor USERNAME] [--json]``; ``--json`` prints
``{"tranche", "status", "total", "municipalities": {REFNIS: amount}}`` (amounts as strings with two
decimals, every municipality with a non-zero amount); a refusal exits non-zero with the reason.
"""

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from budget.models import SubsidyRun, Tranche
from budget.subsidy.services import run_approve, run_calculate


def _message(exc: ValidationError) -> str:
    return "; ".join(str(m) for m in exc.messages)


class Command(BaseCommand):
    help = "Calculate the subsidy run of a tranche (draft), and with --approve approve it."

    def add_arguments(self, parser):
        parser.add_argument("tranche", help="tranche code, e.g. 2022-09")
        parser.add_argument("--approve", action="store_true", help="approve the run after calculating it")
        parser.add_argument("--actor", help="username of the subsidy coordinator (required with --approve)")
        parser.add_argument("--json", action="store_true", help="print the result as one JSON object")

    def handle(self, *args, tranche, approve=False, actor=None, **options):
        tranche_obj = Tranche.objects.filter(code=tranche).first()
        if tranche_obj is None:
            raise CommandError(f"unknown tranche {tranche!r}")
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor, is_active=True).first()
            if user is None:
                raise CommandError(f"unknown or inactive user {actor!r}")
        if approve and user is None:
            raise CommandError("--approve needs --actor USERNAME (a subsidy coordinator)")
        existing = SubsidyRun.objects.filter(tranche=tranche_obj).first()
        try:
            if existing is not None and existing.is_approved:
                run = existing
                if approve:
                    raise CommandError(f"the run of tranche {tranche} is already approved")
            else:
                run = run_calculate(tranche=tranche_obj, actor=user)
                if approve:
                    run = run_approve(run=run, actor=user)
        except ValidationError as exc:
            raise CommandError(f"refused: {_message(exc)}") from exc
        if options.get("json"):
            self.stdout.write(self._json(run))
        else:
            self.stdout.write(
                f"tranche {tranche}: {run.get_status_display()}, total € {run.total:.2f},"
                f" {len(run.totals.get('municipalities', {}))} municipalities"
            )

    @staticmethod
    def _json(run: SubsidyRun) -> str:
        return json.dumps({
            "tranche": run.tranche.code,
            "status": run.status,
            "total": f"{run.total:.2f}",
            "municipalities": run.totals.get("municipalities", {}),
        })
