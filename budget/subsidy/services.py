"""Runs of the subsidy engine: calculate (or recalculate) a tranche's draft, approve it.

An approved run and its lines never change (model guards, read-only admin); a later correction is
a line in a later tranche (cumulative entitlement minus what was paid)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.constants import Roles
from accounts.selectors import user_has_role
from audit.constants import AuditActions
from audit.services import audit_log
from budget.constants import RunStatuses
from budget.corrections import corrections_mark_recalculated
from budget.models import SubsidyLine, SubsidyRun, Tranche
from budget.subsidy.engine import Calculation, calculate
from core import clock
from geo.models import Municipality


class SubsidyRefused(ValidationError):
    """A run that may not be calculated or approved (role, order, status)."""


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_coordinator(actor) -> None:
    """Only the subsidy coordination runs and approves (``actor=None``: the system, e.g. tests)."""
    if actor is not None and not user_has_role(actor, Roles.HVT_SUBSIDY_COORDINATOR):
        raise SubsidyRefused(_("Enkel de centrale subsidiecoördinatie berekent en keurt subsidies goed."))


def _totals(calc: Calculation) -> dict:
    """Totals per municipality, province and rule kind (strings with two decimals)."""
    per_muni: dict[str, Decimal] = defaultdict(Decimal)
    per_rule: dict[str, Decimal] = defaultdict(Decimal)
    for line in calc.lines:
        per_muni[line.municipality_id] += line.amount
        per_rule[line.rule_kind] += line.amount
    provinces = dict(
        Municipality.objects.filter(refnis__in=list(per_muni)).values_list("refnis", "province_id")
    )
    per_province: dict[str, Decimal] = defaultdict(Decimal)
    for refnis, amount in per_muni.items():
        per_province[str(provinces.get(refnis, ""))] += amount

    def fmt(d):
        return {k: f"{v:.2f}" for k, v in sorted(d.items()) if v != 0}

    total = sum(per_muni.values(), Decimal("0.00"))
    positive = sum((v for v in per_muni.values() if v > 0), Decimal("0.00"))
    return {
        "total": f"{total:.2f}", "positive_total": f"{positive:.2f}",
        "municipalities": fmt(per_muni), "provinces": fmt(per_province), "rules": fmt(per_rule),
    }


def run_calculate(*, tranche: Tranche, actor, progress=None) -> SubsidyRun:
    """Create or recalculate the draft run of ``tranche``: its lines are replaced by a fresh
    calculation (the previous totals are kept in the inputs, so the page shows the difference).
    Refused for an approved run."""
    _require_coordinator(actor)
    report = progress or (lambda pct: None)
    with transaction.atomic():
        run = SubsidyRun.objects.select_for_update().filter(tranche=tranche).first()
        if run is not None and run.status == RunStatuses.APPROVED:
            raise SubsidyRefused(_("De berekening van schijf %(code)s is al goedgekeurd.") % {"code": tranche.code})
        created = run is None
        if created:
            run = SubsidyRun(tranche=tranche)
        run.started_at, run.progress = clock.now(), 0
        run.save()
        report(0)
        calc = calculate(tranche, progress=report)
        previous = run.totals or None
        run.lines.all().delete()
        SubsidyLine.objects.bulk_create([
            SubsidyLine(
                run=run, municipality_id=line.municipality_id, place_id=line.place_id, rule_kind=line.rule_kind,
                days=line.days, beds=line.beds, rate=line.rate, entitlement_to_date=line.entitlement_to_date,
                previously_paid=line.previously_paid, amount=line.amount, explanation=line.explanation,
            )
            for line in calc.lines
        ])
        totals = _totals(calc)
        earlier_approved = SubsidyRun.objects.filter(
            tranche__reference_date__lt=tranche.reference_date, status=RunStatuses.APPROVED
        ).values_list("tranche__code", flat=True)
        run.inputs = {**calc.inputs, "previous_totals": previous, "earlier_approved": sorted(earlier_approved)}
        run.totals = totals
        run.total = Decimal(totals["total"])
        run.version = calc.version
        run.calculated_by = _user(actor)
        run.progress, run.finished_at = 100, clock.now()
        run.save()
        processed = corrections_mark_recalculated(tranche, run.started_at)
        report(100)
        audit_log(
            actor=actor, action=AuditActions.CREATE if created else AuditActions.UPDATE, obj=run,
            changes={"tranche": tranche.code, "total": totals["total"], "lines": len(calc.lines),
                     "previous_total": previous["total"] if previous else None, "corrections_processed": processed},
        )
    return run


@transaction.atomic
def run_approve(*, run: SubsidyRun, actor) -> SubsidyRun:
    """Approve a draft: the coordination only, every earlier tranche approved, and the draft
    calculated after the last of those approvals (otherwise what was paid before is stale)."""
    if actor is None or not user_has_role(actor, Roles.HVT_SUBSIDY_COORDINATOR):
        raise SubsidyRefused(_("Enkel de centrale subsidiecoördinatie keurt een berekening goed."))
    run = SubsidyRun.objects.select_for_update().select_related("tranche").get(pk=run.pk)
    if run.status != RunStatuses.DRAFT:
        raise SubsidyRefused(_("Deze berekening is al goedgekeurd."))
    earlier = Tranche.objects.filter(reference_date__lt=run.tranche.reference_date)
    missing = earlier.exclude(run__status=RunStatuses.APPROVED).order_by("reference_date").first()
    if missing is not None:
        raise SubsidyRefused(
            _("Schijf %(code)s is nog niet goedgekeurd: keur eerst de vorige schijven goed.") % {"code": missing.code}
        )
    if run.inputs.get("earlier_approved") != sorted(earlier.values_list("code", flat=True)):
        raise SubsidyRefused(_("Een vorige schijf werd na deze berekening goedgekeurd: bereken opnieuw."))
    run.status = RunStatuses.APPROVED
    run.approved_by = _user(actor)
    run.approved_at = clock.now()
    run.save()
    audit_log(actor=actor, action=AuditActions.UPDATE, obj=run,
              changes={"status": [RunStatuses.DRAFT, RunStatuses.APPROVED], "total": f"{run.total:.2f}"})
    return run
