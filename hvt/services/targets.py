"""Targets: a Flemish total spread over the municipalities by population, and overrides."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.constants import Roles
from accounts.selectors import user_has_role
from audit.constants import AuditActions
from geo.selectors import municipality_population_latest
from hvt.models import (
    MunicipalityTarget,
    TargetRound,
)
from hvt.services.common import (
    ScopeError,
    _audit,
)

# --- targets ---------------------------------------------------------------------------------------


def largest_remainder(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Spread ``total`` over the keys in proportion to the weights, in integers that add up to
    ``total`` exactly: everyone gets the floor of their quota, the units left go to the largest
    remainders (ties: larger weight, then key). Integer arithmetic only, no float rounding."""
    weight_sum = sum(weights.values())
    if total < 0:
        raise ValueError("total must not be negative")
    if weight_sum <= 0:
        if total == 0:
            return dict.fromkeys(weights, 0)
        raise ValueError("no weights to distribute over")
    shares = {key: total * w // weight_sum for key, w in weights.items()}
    remainders = {key: total * w % weight_sum for key, w in weights.items()}
    left = total - sum(shares.values())
    for key in sorted(weights, key=lambda k: (-remainders[k], -weights[k], k))[:left]:
        shares[key] += 1
    return shares


def _require_coordinator(actor) -> None:
    if actor is not None and not user_has_role(actor, Roles.HVT_COORDINATOR):
        raise ScopeError(_("Enkel de centrale coördinatie stelt de objectieven vast."))


def _assign(round_: TargetRound, rows: list[MunicipalityTarget]) -> None:
    fixed = sum(r.override for r in rows if r.override is not None)
    if fixed > round_.total:
        raise ValidationError(
            _("De aanpassingen (%(fixed)s) zijn groter dan het totaal (%(total)s).") % {"fixed": fixed, "total": round_.total}
        )
    free = {r.municipality_id: r.population for r in rows if r.override is None}
    spread = largest_remainder(round_.total - fixed, free) if free else {}
    if not free and fixed != round_.total:
        raise ValidationError(_("Alle gemeenten zijn aangepast maar de som is niet het totaal."))
    for r in rows:
        r.assigned = r.override if r.override is not None else spread[r.municipality_id]


@transaction.atomic
def target_round_create(
    *, actor, total: int, effective_on: dt.date, note: str = "", keep_overrides: bool = True
) -> TargetRound:
    """Spread a Flemish total over the municipalities by population (largest remainder). The
    overrides of the latest round carry over unless ``keep_overrides`` is False; the others share
    what is left. Earlier rounds stay (history)."""
    _require_coordinator(actor)
    municipalities = list(municipality_population_latest().values_list("pk", "population", "population_year"))
    population = {pk: pop or 0 for pk, pop, _year in municipalities}
    if not any(population.values()):
        raise ValidationError(_("Er zijn geen bevolkingscijfers: importeer ze eerst."))
    years = {year for _pk, _pop, year in municipalities if year}
    previous = TargetRound.objects.order_by("-effective_on", "-pk").first()
    overrides = {}
    if keep_overrides and previous is not None:
        overrides = {
            t.municipality_id: (t.override, t.override_reason)
            for t in previous.municipality_targets.filter(override__isnull=False)
        }
    round_ = TargetRound(total=total, effective_on=effective_on, note=note, population_year=max(years) if years else None,
                         created_by=actor if getattr(actor, "is_authenticated", False) else None)
    round_.full_clean()
    round_.save()
    computed = largest_remainder(total, population)
    rows = [
        MunicipalityTarget(
            round=round_, municipality_id=pk, population=population[pk], computed=computed[pk],
            override=overrides.get(pk, (None, ""))[0], override_reason=overrides.get(pk, (None, ""))[1], assigned=0,
        )
        for pk in sorted(population)
    ]
    _assign(round_, rows)
    MunicipalityTarget.objects.bulk_create(rows)
    _audit(actor, AuditActions.CREATE, round_, {
        "total": total, "effective_on": str(effective_on), "overrides": {k: v[0] for k, v in overrides.items()},
    })
    return round_


@transaction.atomic
def target_override_set(*, actor, target: MunicipalityTarget, value: int | None, reason: str = "") -> MunicipalityTarget:
    """Override (or, with None, reset) one municipality's target; the others share the rest, so the
    round still adds up to its total."""
    _require_coordinator(actor)
    round_ = TargetRound.objects.select_for_update().get(pk=target.round_id)
    rows = list(round_.municipality_targets.select_for_update().order_by("municipality_id"))
    row = next(r for r in rows if r.pk == target.pk)
    if value is not None and value < 0:
        raise ValidationError({"override": _("Een objectief is nooit negatief.")})
    before = row.override
    row.override = value
    row.override_reason = reason[:300] if value is not None else ""
    _assign(round_, rows)
    MunicipalityTarget.objects.bulk_update(rows, ["override", "override_reason", "assigned"])
    _audit(actor, AuditActions.UPDATE, row, {"override": [before, value]}, reason=reason[:255])
    return row


# --- steering notes --------------------------------------------------------------------------------
