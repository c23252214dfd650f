"""The subsidy calculation of one tranche (docs/SUBSIDY.md): rule rows from SQL (integer cents),
grouped per place and rule, minus what approved runs of earlier tranches paid; the guidance per
municipality. Money is Decimal (exact from integer cents); the only rounding is the guidance
factor, half up to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from budget.constants import RuleKinds, RunStatuses
from budget.data import SCHEME_CODE
from budget.models import SchemeRate, SchemeVersion, SubsidyLine, Tranche
from budget.subsidy.sql import RateRow, rule_rows
from crt.selectors import registered_persons_per_municipality
from geo.models import Municipality
from hvt.selectors import SUBSIDY_OPEN_END as OPEN_END
from hvt.selectors import subsidy_day_from_number as day_from_number
from hvt.selectors import subsidy_day_number as day_number
from hvt.selectors import subsidy_place_facts_digest

CENT = Decimal("0.01")
DAY_RULES = {RuleKinds.CAT2_DAY, RuleKinds.CAT3_DAY, RuleKinds.CAT2_RESIDENT_FEE}
CATEGORY_2_POSITIVE = (RuleKinds.CAT2_DAY, RuleKinds.CAT2_ASSIGNMENT_ONCE)


def euro(cents: int) -> Decimal:
    """Integer cents as an exact Decimal in euro."""
    return Decimal(int(cents)).scaleb(-2)  # exact: the integer's digits with exponent -2


@dataclass
class LineData:
    municipality_id: str
    place_id: int | None
    rule_kind: str
    days: int = 0
    beds: int = 0
    rate: Decimal = Decimal("0.00")
    entitlement_to_date: Decimal = Decimal("0.00")
    previously_paid: Decimal = Decimal("0.00")
    explanation: dict = field(default_factory=dict)

    @property
    def amount(self) -> Decimal:
        return self.entitlement_to_date - self.previously_paid


@dataclass
class Calculation:
    lines: list[LineData]
    inputs: dict
    version: SchemeVersion | None


def scheme_rates(scheme_code: str = SCHEME_CODE) -> tuple[list[RateRow], list[SchemeVersion]]:
    """Every rate of every version with the day range of its version (two queries)."""
    versions = list(SchemeVersion.objects.filter(scheme__code=scheme_code).order_by("valid_from"))
    ranges = {}
    for i, v in enumerate(versions):
        until = day_number(versions[i + 1].valid_from) - 1 if i + 1 < len(versions) else OPEN_END
        ranges[v.pk] = (v.number, day_number(v.valid_from), until)
    rows = []
    for rate in SchemeRate.objects.filter(version__in=versions).order_by("version__valid_from", "rule_kind", "subtype"):
        number, start, until = ranges[rate.version_id]
        cents = int((rate.amount * 100).to_integral_value(rounding=ROUND_HALF_UP))
        rows.append(RateRow(number, start, until, rate.rule_kind, rate.subtype, cents))
    return rows, versions


def version_on(versions: list[SchemeVersion], day: dt.date) -> SchemeVersion | None:
    current = None
    for v in versions:
        if v.valid_from <= day:
            current = v
    return current


def money_text(cents: int) -> str:
    """Integer cents as "1234.50" (exact, no Decimal per row: explanations hold many items)."""
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


# The explanation of a place line is stored compactly (built on the hot path for every line; read
# only when a statement is opened): {"rows": [[from_day, to_day, days, beds, rate_cents, version,
# amount_cents, allocation_id | None], ...]} with day numbers (hvt.selectors.subsidy_day_number).
# ``explanation_items`` turns either form (also the older {"items": [dict, ...]}) into dict items.
ROW_FIELDS = ("from", "to", "days", "beds", "rate", "version", "amount", "allocation")


def explanation_items(explanation: dict) -> list[dict]:
    """The items of a stored explanation: from/to (ISO dates), days, beds, rate and amount (text
    with two decimals), version, and allocation when there is one."""
    if "rows" not in explanation:
        return list(explanation.get("items", []))
    out = []
    for from_day, to_day, days, beds, rate, version, amount, allocation in explanation["rows"]:
        item = {"from": day_from_number(from_day).isoformat(), "to": day_from_number(to_day).isoformat(),
                "days": days, "beds": beds, "rate": money_text(rate), "version": version,
                "amount": money_text(amount)}
        if allocation is not None:
            item["allocation"] = allocation
        out.append(item)
    return out


def _entitlements(rows: list[tuple]) -> dict[tuple[int, str], LineData]:
    """Group the SQL rows per (place, rule) into lines with their (compact) explanation rows."""
    lines: dict[tuple[int, str], LineData] = {}
    cents: dict[tuple[int, str], int] = defaultdict(int)
    rate_cents: dict[tuple[int, str], int] = {}
    explained: dict[tuple[int, str], list] = defaultdict(list)
    for rule, place_id, muni, allocation_id, from_day, to_day, days, beds, rate, version, amount in rows:
        key = (place_id, rule)
        line = lines.get(key)
        if line is None:
            line = lines[key] = LineData(municipality_id=muni, place_id=place_id, rule_kind=rule)
        cents[key] += amount
        explained[key].append([from_day, to_day, days, beds, rate, version, amount, allocation_id])
        if rule in DAY_RULES:
            line.days += days
            if beds > line.beds:
                line.beds = beds
        else:
            if days > line.days:
                line.days = days
            line.beds += beds
        rate_cents[key] = rate
    for key, line in lines.items():
        items = explained[key]
        if len(items) > 1:
            items.sort(key=lambda r: (r[0], r[7] or 0))
        line.explanation = {"rows": items}
        line.entitlement_to_date = euro(cents[key])
        line.rate = euro(abs(rate_cents[key]))
    # A place's category-2 total never goes below zero because of the residents' fee.
    for (place_id, rule), line in lines.items():
        if rule != RuleKinds.CAT2_RESIDENT_FEE:
            continue
        positive = sum(
            (lines[(place_id, r)].entitlement_to_date for r in CATEGORY_2_POSITIVE if (place_id, r) in lines),
            Decimal("0.00"),
        )
        if line.entitlement_to_date < -positive:
            line.explanation["capped_at"] = str(-positive)
            line.entitlement_to_date = -positive
    return lines


def previously_paid(tranche: Tranche) -> list[dict]:
    """What approved runs of earlier tranches paid per place and rule (one query)."""
    return list(
        SubsidyLine.objects.filter(
            run__status=RunStatuses.APPROVED, run__tranche__reference_date__lt=tranche.reference_date,
            place__isnull=False,
        )
        .values("place_id", "rule_kind", "municipality_id")
        .annotate(paid=Sum("amount"))
        .order_by()
    )


def guidance_lines(tranche: Tranche, rates: list[RateRow], counts: dict[str, int]) -> list[LineData]:
    ref = day_number(tranche.reference_date)
    rate = next(
        (r for r in rates if r.rule_kind == RuleKinds.GUIDANCE and r.from_day <= ref <= r.until_day), None
    )
    if rate is None or not counts:
        return []
    known = set(Municipality.objects.filter(refnis__in=list(counts)).values_list("refnis", flat=True))
    out = []
    for refnis in sorted(known):
        persons = int(counts[refnis])
        if persons <= 0:
            continue
        per_person = euro(rate.cents)
        amount = (Decimal(persons) * per_person * tranche.guidance_factor).quantize(CENT, rounding=ROUND_HALF_UP)
        out.append(LineData(
            municipality_id=refnis, place_id=None, rule_kind=RuleKinds.GUIDANCE, beds=0, days=0, rate=per_person,
            entitlement_to_date=amount,
            explanation={"persons": persons, "rate": str(per_person), "factor": str(tranche.guidance_factor),
                         "version": rate.version_number, "reference_date": tranche.reference_date.isoformat()},
        ))
    return out


def calculate(tranche: Tranche, *, progress=None) -> Calculation:
    """The lines of ``tranche``: a constant number of statements whatever the number of places."""
    step = progress or (lambda pct: None)
    rates, versions = scheme_rates()
    step(10)
    lines = _entitlements(rule_rows(tranche.reference_date, rates))
    step(60)
    for row in previously_paid(tranche):
        key = (row["place_id"], row["rule_kind"])
        line = lines.get(key)
        if line is None:
            line = lines[key] = LineData(
                municipality_id=row["municipality_id"], place_id=row["place_id"], rule_kind=row["rule_kind"],
                explanation={"items": [], "note": "no entitlement any more"},
            )
        line.previously_paid = row["paid"].quantize(CENT)
    step(70)
    counts = registered_persons_per_municipality(tranche.reference_date)
    out = [line for line in lines.values() if line.amount != 0]
    out += guidance_lines(tranche, rates, counts)
    out.sort(key=lambda line: (line.municipality_id, line.place_id or 0, line.rule_kind))
    step(80)
    version = version_on(versions, tranche.reference_date)
    inputs = {
        "reference_date": tranche.reference_date.isoformat(),
        "guidance_factor": str(tranche.guidance_factor),
        "scheme": SCHEME_CODE,
        "versions": [{"number": v.number, "valid_from": v.valid_from.isoformat()} for v in versions],
        "rates": [[r.version_number, r.rule_kind, r.subtype, str(euro(r.cents))] for r in rates],
        "crt_counts": {k: int(v) for k, v in sorted(counts.items())},
        "place_facts": subsidy_place_facts_digest(tranche.reference_date),
    }
    step(90)
    return Calculation(lines=out, inputs=inputs, version=version)
