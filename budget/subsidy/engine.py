"""The subsidy calculation of one tranche (docs/SUBSIDY.md): rule rows from SQL (integer cents),
grouped per place and rule, minus what approved runs of earlier tranches paid; the guidance per
municipality. Money is Decimal (exact from integer cents); the only rounding is the guidance
factor, half up to the cent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from budget.constants import RuleKinds, RunStatuses
from budget.data import SCHEME_CODE
from budget.models import SchemeVersion, SubsidyLine, Tranche
from budget.subsidy.sql import RateRow, rule_rows
from core.memory import collector_paused
from crt.selectors import registered_persons_per_municipality
from geo.models import Municipality
from hvt.selectors import SUBSIDY_OPEN_END as OPEN_END
from hvt.selectors import subsidy_day_from_number as day_from_number
from hvt.selectors import subsidy_day_number as day_number
from hvt.selectors import subsidy_place_facts_digest

CENT = Decimal("0.01")
DAY_RULES = frozenset({RuleKinds.CAT2_DAY, RuleKinds.CAT3_DAY, RuleKinds.CAT2_RESIDENT_FEE})
CATEGORY_2_POSITIVE = (RuleKinds.CAT2_DAY, RuleKinds.CAT2_ASSIGNMENT_ONCE)


def euro(cents: int) -> Decimal:
    """Integer cents as an exact Decimal in euro."""
    return Decimal(int(cents)).scaleb(-2)  # exact: the integer's digits with exponent -2


@dataclass(slots=True)
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


VERSION_FIELDS = tuple(f.attname for f in SchemeVersion._meta.concrete_fields)  # the order from_db expects


def scheme_rates(scheme_code: str = SCHEME_CODE) -> tuple[list[RateRow], list[SchemeVersion]]:
    """Every rate of every version with the day range of its version, and the versions (oldest
    first): one query (the versions joined with their rates)."""
    versions: list[SchemeVersion] = []
    found: list[tuple] = []
    query = (
        SchemeVersion.objects.filter(scheme__code=scheme_code)
        .order_by("valid_from", "rates__rule_kind", "rates__subtype")
        .values_list(*VERSION_FIELDS, "rates__rule_kind", "rates__subtype", "rates__amount")
    )
    for row in query:
        if not versions or versions[-1].pk != row[0]:
            versions.append(SchemeVersion.from_db(query.db, VERSION_FIELDS, row[:len(VERSION_FIELDS)]))
        if row[-3] is not None:
            found.append((len(versions) - 1, *row[-3:]))
    rows = []
    for index, kind, subtype, amount in found:
        v = versions[index]
        until = day_number(versions[index + 1].valid_from) - 1 if index + 1 < len(versions) else OPEN_END
        cents = int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))
        rows.append(RateRow(v.number, day_number(v.valid_from), until, kind, subtype, cents))
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


def _row_order(row: list) -> tuple:
    """The order of a line's explanation rows: from day, allocation, to day, beds, amount."""
    return row[0], row[7] or 0, row[1], row[3], row[6]


def _entitlements(rows: list[tuple]) -> dict[tuple[int, str], LineData]:
    """Group the SQL rows (``budget.subsidy.sql.ROW_COLUMNS``) per (place, rule) into lines with
    their compact explanation rows, in one pass over the rows: the shown days and beds (day rules:
    days summed, most beds; one-off rules: the period's days, beds summed), the amount in cents, and
    the rate of the line's latest row (the one in force at the end)."""
    acc: dict[tuple[int, str], list] = {}
    for rule, place_id, muni, allocation_id, from_day, to_day, days, beds, rate, version, amount in rows:
        item = [from_day, to_day, days, beds, rate, version, amount, allocation_id]
        key = (place_id, rule)
        a = acc.get(key)
        if a is None:
            acc[key] = [muni, days, beds, amount, [item]]
            continue
        a[3] += amount
        a[4].append(item)
        if rule in DAY_RULES:
            a[1] += days
            if beds > a[2]:
                a[2] = beds
        else:
            if days > a[1]:
                a[1] = days
            a[2] += beds
    in_euro: dict[int, Decimal] = {}  # the few distinct rates
    lines: dict[tuple[int, str], LineData] = {}
    for key, (muni, days, beds, cents, items) in acc.items():
        if len(items) > 1:
            items.sort(key=_row_order)
        rate = abs(items[-1][4])
        if rate not in in_euro:
            in_euro[rate] = euro(rate)
        lines[key] = LineData(municipality_id=muni, place_id=key[0], rule_kind=key[1], days=days, beds=beds,
                              rate=in_euro[rate], entitlement_to_date=euro(cents), explanation={"rows": items})
    _cap_resident_fees(lines)
    return lines


def entitlements(reference_date: dt.date, rates: list[RateRow], only: tuple[str, ...] | None = None
                 ) -> dict[tuple[int, str], LineData]:
    """The lines per (place, rule) up to the reference date: the five rule statements (or those
    named in ``only``, ``budget.subsidy.sql.RULE_STATEMENTS``) grouped into lines (tens of thousands
    of small objects: the garbage collector waits, ``core.memory``)."""
    with collector_paused():
        return _entitlements(rule_rows(reference_date, rates, only))


def _cap_resident_fees(lines: dict[tuple[int, str], LineData]) -> None:
    """A place's category-2 total never goes below zero because of the residents' fee."""
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
    lines = entitlements(tranche.reference_date, rates)
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
