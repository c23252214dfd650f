"""Subsidy totals for VLOT and the central coordination: per tranche, province and municipality,
split into drafted (a draft run), approved (not yet paid) and paid (the tranche marked paid).
Scoped: VLOT sees the municipalities of its provinces, the Flanders-wide roles every one. One
aggregate query over the lines; amounts stay Decimal (no float: the chart gets strings)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.constants import Roles
from accounts.selectors import municipalities_for_user, user_has_role
from budget.constants import RunStatuses
from budget.models import SubsidyLine, Tranche
from geo.models import Province

TOTALS_READERS = frozenset({Roles.HVT_VLOT, Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR})
ZERO = Decimal("0.00")
STATES = ("drafted", "approved", "paid")
STATE_LABELS = {"drafted": gettext_lazy("Ontwerp"), "approved": gettext_lazy("Goedgekeurd, nog niet betaald"),
                "paid": gettext_lazy("Betaald")}


def may_read_totals(user) -> bool:
    return user_has_role(user, *TOTALS_READERS)


def _state(status: str, paid_on) -> str:
    if status != RunStatuses.APPROVED:
        return "drafted"
    return "paid" if paid_on is not None else "approved"


@dataclass
class Amounts:
    drafted: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO

    def add(self, state: str, amount: Decimal) -> None:
        setattr(self, state, getattr(self, state) + amount)

    @property
    def total(self) -> Decimal:
        return self.drafted + self.approved + self.paid


@dataclass
class Totals:
    tranches: list[Tranche]
    provinces: list[Province]
    rows: list[dict]  # the export: one per (tranche, municipality) with a non-zero amount
    per_tranche: dict[str, Amounts] = field(default_factory=dict)
    per_province: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # province → tranche → amount
    per_municipality: list[dict] = field(default_factory=list)


def subsidy_totals(user, province: str | None = None) -> Totals:
    """The totals in the user's scope (optionally one province of it): three queries."""
    scope = municipalities_for_user(user, roles=TOTALS_READERS)
    if province:
        scope = scope.filter(province_id=province)
    tranches = list(Tranche.objects.filter(run__isnull=False).select_related("run").order_by("reference_date"))
    provinces = list(Province.objects.filter(pk__in=scope.values("province_id")).order_by("name_nl"))
    names = {p.pk: p.name_nl for p in provinces}
    grouped = (
        SubsidyLine.objects.filter(municipality__in=scope)
        .values("run__tranche__code", "run__status", "run__tranche__paid_on", "municipality_id",
                "municipality__name_nl", "municipality__province_id")
        .annotate(amount=Sum("amount"))
        .order_by("run__tranche__reference_date", "municipality__name_nl")
    )
    totals = Totals(tranches=tranches, provinces=provinces, rows=[])
    totals.per_tranche = {t.code: Amounts() for t in tranches}
    totals.per_province = {p.pk: defaultdict(lambda: ZERO) for p in provinces}
    municipalities: dict[str, dict] = {}
    for row in grouped:
        amount, code, state = row["amount"] or ZERO, row["run__tranche__code"], _state(row["run__status"], row["run__tranche__paid_on"])
        if amount == 0:
            continue
        province_id = row["municipality__province_id"]
        totals.per_tranche.setdefault(code, Amounts()).add(state, amount)
        totals.per_province.setdefault(province_id, defaultdict(lambda: ZERO))[code] += amount
        entry = municipalities.setdefault(row["municipality_id"], {
            "refnis": row["municipality_id"], "name": row["municipality__name_nl"],
            "province": names.get(province_id, ""), "amounts": Amounts()})
        entry["amounts"].add(state, amount)
        totals.rows.append({
            "tranche": code, "province": names.get(province_id, ""), "refnis": row["municipality_id"],
            "municipality": row["municipality__name_nl"], "state": str(STATE_LABELS[state]), "amount": amount,
        })
    totals.per_municipality = sorted(municipalities.values(), key=lambda m: m["name"])
    return totals


def province_table(totals: Totals) -> list[dict]:
    """The chart's table alternative: per province, the amount of every tranche and the total."""
    out = []
    for p in totals.provinces:
        amounts = totals.per_province.get(p.pk, {})
        cells = [amounts.get(t.code, ZERO) for t in totals.tranches]
        out.append({"name": p.name_nl, "cells": cells, "total": sum(cells, ZERO)})
    return out


def totals_chart(totals: Totals) -> dict:
    """The JSON for static/budget/budget_chart.js: the tranches as labels, one series per province
    (amounts as strings with two decimals)."""
    return {"charts": [{
        "tool": "subsidies", "title": _("Subsidies per schijf en provincie"),
        "labels": [t.code for t in totals.tranches],
        "datasets": [{"label": row["name"], "data": [f"{cell:.2f}" for cell in row["cells"]]}
                     for row in province_table(totals)],
    }]} if totals.tranches and totals.provinces else {"charts": []}


def scope_provinces(user):
    """The provinces a user may filter on (VLOT: its own)."""
    return Province.objects.filter(
        pk__in=municipalities_for_user(user, roles=TOTALS_READERS).values("province_id")).order_by("name_nl")


