"""The set-based SQL of the subsidy engine: one statement per rule group, whatever the number of
places (docs/SUBSIDY.md). Portable between PostgreSQL and SQLite: integer day numbers, integer
cents, window functions, no date arithmetic of the database.

Every statement returns rows of the same shape, ``ROW_COLUMNS``; amounts are integer cents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from budget.constants import RuleKinds
from hvt.selectors import subsidy_allocations_sql, subsidy_available_segments_sql

ROW_COLUMNS = (
    "rule_kind", "place_id", "municipality_id", "allocation_id", "from_day", "to_day", "days", "beds",
    "rate_cents", "version_number", "amount_cents",
)
PERIOD_DAYS = 90  # "at least 90 consecutive days" / "three months" in the scheme's reading


@dataclass(frozen=True)
class RateRow:
    """One rate of a version with the day range in which that version is in force."""

    version_number: int
    from_day: int
    until_day: int
    rule_kind: str
    subtype: str
    cents: int


def _greatest(a: str, b: str) -> str:
    return f"{'GREATEST' if connection.vendor == 'postgresql' else 'MAX'}({a}, {b})"


def _least(a: str, b: str) -> str:
    return f"{'LEAST' if connection.vendor == 'postgresql' else 'MIN'}({a}, {b})"


def _rates_cte(rates: list[RateRow], kinds: tuple[str, ...]) -> tuple[str, list]:
    """``vr(version_number, vfrom, vuntil, rule_kind, subtype, cents)`` as a VALUES list of the
    rates of ``kinds`` only (a statement carries the rates it prices, no more parameters)."""
    rows, params = [], []
    for r in rates:
        if r.rule_kind not in kinds:
            continue
        if not rows:
            rows.append("(CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS INTEGER),"
                        " CAST(%s AS VARCHAR(30)), CAST(%s AS VARCHAR(20)), CAST(%s AS INTEGER))")
        else:
            rows.append("(%s, %s, %s, %s, %s, %s)")
        params += [r.version_number, r.from_day, r.until_day, r.rule_kind, r.subtype, r.cents]
    if not rows:  # no rate of these kinds: one row in force on no day
        rows.append("(CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS INTEGER),"
                    " CAST(%s AS VARCHAR(30)), CAST(%s AS VARCHAR(20)), CAST(%s AS INTEGER))")
        params += [0, 1, 0, "", "", 0]
    return f"vr(version_number, vfrom, vuntil, rule_kind, subtype, cents) AS (VALUES {', '.join(rows)})", params


def _with(reference_date: dt.date, rates: list[RateRow], categories: tuple[str, ...], kinds: tuple[str, ...], *,
          allocations: bool = False) -> tuple[str, list]:
    seg_sql, seg_params = subsidy_available_segments_sql(reference_date, categories)
    parts, params = [f"seg AS ({seg_sql})"], [*seg_params]
    if kinds:
        vr_sql, vr_params = _rates_cte(rates, kinds)
        parts.append(vr_sql)
        params += vr_params
    if allocations:
        al_sql, al_params = subsidy_allocations_sql(reference_date)
        parts.append(f"al AS ({al_sql})")
        params += al_params
    return "WITH " + ", ".join(parts), params


def day_rules_sql(reference_date: dt.date, rates: list[RateRow]) -> tuple[str, list]:
    """cat2_day and cat3_day: one row per available segment × version in force (days × beds × rate);
    days priced at € 0.00 (category 3 in version 1) give no row."""
    head, params = _with(reference_date, rates, ("2", "3"), (RuleKinds.CAT2_DAY, RuleKinds.CAT3_DAY))
    lo, hi = _greatest("s.from_day", "vr.vfrom"), _least("s.to_day", "vr.vuntil")
    sql = (
        f"{head}, x AS ("  # noqa: S608 - constants and %s parameters only
        " SELECT vr.rule_kind, s.place_id, s.municipality_id, s.beds, vr.cents, vr.version_number,"
        f" {lo} AS from_day, {hi} AS to_day"
        " FROM seg s JOIN vr ON vr.rule_kind = CASE s.category"
        f" WHEN '2' THEN '{RuleKinds.CAT2_DAY.value}' WHEN '3' THEN '{RuleKinds.CAT3_DAY.value}' END"
        " AND vr.subtype = s.subtype AND vr.vfrom <= s.to_day AND vr.vuntil >= s.from_day AND vr.cents > 0)"
        " SELECT rule_kind, place_id, municipality_id, CAST(NULL AS INTEGER), from_day, to_day, to_day - from_day + 1, beds, cents,"
        " version_number, CAST(to_day - from_day + 1 AS BIGINT) * beds * cents FROM x"
    )
    return sql, params


def cat1_public_sql(reference_date: dt.date, rates: list[RateRow]) -> tuple[str, list]:
    """cat1_public_once (gaps and islands): for each candidate level (a bed count of the place's
    segments), the islands of consecutive days with at least that many beds; a level is earned on
    the 90th day of its first island of ≥ 90 days; each level adds (level − previous level) beds at
    the rate of the version in force on the day it was earned."""
    head, params = _with(reference_date, rates, ("1_public",), (RuleKinds.CAT1_PUBLIC_ONCE,))
    n = PERIOD_DAYS
    sql = (
        f"{head},"  # noqa: S608 - constants and %s parameters only
        f" pub AS (SELECT * FROM seg WHERE category = '1_public'),"
        " lvl AS (SELECT DISTINCT place_id, municipality_id, beds AS level FROM pub),"
        " ls AS (SELECT l.place_id, l.municipality_id, l.level, p.from_day, p.to_day"
        " FROM lvl l JOIN pub p ON p.place_id = l.place_id AND p.beds >= l.level),"
        " mk AS (SELECT ls.*, CASE WHEN from_day = LAG(to_day) OVER"
        " (PARTITION BY place_id, level ORDER BY from_day) + 1 THEN 0 ELSE 1 END AS brk FROM ls),"
        " isl AS (SELECT mk.*, SUM(brk) OVER (PARTITION BY place_id, level ORDER BY from_day"
        " ROWS UNBOUNDED PRECEDING) AS island FROM mk),"
        " runs AS (SELECT place_id, municipality_id, level, MIN(from_day) AS a, MAX(to_day) AS b"
        " FROM isl GROUP BY place_id, municipality_id, level, island),"
        f" earned AS (SELECT place_id, municipality_id, level, MIN(a + {n - 1}) AS earned_day"
        f" FROM runs WHERE b - a + 1 >= {n} GROUP BY place_id, municipality_id, level),"
        " steps AS (SELECT earned.*, level - COALESCE(LAG(level) OVER (PARTITION BY place_id ORDER BY level), 0)"
        " AS step FROM earned)"
        f" SELECT '{RuleKinds.CAT1_PUBLIC_ONCE.value}', st.place_id, st.municipality_id, CAST(NULL AS INTEGER),"
        f" st.earned_day - {n - 1}, st.earned_day, {n}, st.step, vr.cents, vr.version_number, st.step * vr.cents"
        f" FROM steps st JOIN vr ON vr.rule_kind = '{RuleKinds.CAT1_PUBLIC_ONCE.value}'"
        " AND vr.vfrom <= st.earned_day AND vr.vuntil >= st.earned_day"
    )
    return sql, params


def once_per_bed_sql(reference_date: dt.date, rates: list[RateRow], rule_kind: str) -> tuple[str, list]:
    """cat1_private_once (earned on an allocation's 90th day, while it still runs, in an available
    category-1-private day) and cat2_assignment_once (earned on the start day, in an available
    category-2 day): household size in beds, in order of the earning day, capped over the place's
    lifetime at its highest capacity (of that category) up to the reference date."""
    if rule_kind not in (RuleKinds.CAT1_PRIVATE_ONCE, RuleKinds.CAT2_ASSIGNMENT_ONCE):
        raise ValueError(rule_kind)
    category_of = {RuleKinds.CAT1_PRIVATE_ONCE: "1_private", RuleKinds.CAT2_ASSIGNMENT_ONCE: "2"}
    head, params = _with(reference_date, rates, (category_of[rule_kind],), (rule_kind,), allocations=True)
    if rule_kind == RuleKinds.CAT1_PRIVATE_ONCE:
        category, days = "1_private", PERIOD_DAYS
        earned, still = f"al.start_day + {PERIOD_DAYS - 1}", f"al.end_day >= al.start_day + {PERIOD_DAYS - 1}"
    elif rule_kind == RuleKinds.CAT2_ASSIGNMENT_ONCE:
        category, days, earned, still = "2", 0, "al.start_day", "1 = 1"
    else:
        raise ValueError(rule_kind)
    sql = (
        f"{head},"  # noqa: S608 - constants and %s parameters only
        f" cs AS (SELECT * FROM seg WHERE category = '{category}'),"
        " cap AS (SELECT place_id, MAX(beds) AS cap FROM cs GROUP BY place_id),"
        f" cand AS (SELECT al.allocation_id, al.place_id, cs.municipality_id, al.size, {earned} AS earned_day"
        f" FROM al JOIN cs ON cs.place_id = al.place_id AND cs.from_day <= {earned} AND cs.to_day >= {earned}"
        f" WHERE {still}),"
        " ord AS (SELECT cand.*, SUM(size) OVER (PARTITION BY place_id ORDER BY earned_day, allocation_id"
        " ROWS UNBOUNDED PRECEDING) - size AS taken FROM cand),"
        " capped AS (SELECT ord.*, CASE WHEN cap.cap - ord.taken >= ord.size THEN ord.size"
        " WHEN cap.cap - ord.taken > 0 THEN cap.cap - ord.taken ELSE 0 END AS beds"
        " FROM ord JOIN cap ON cap.place_id = ord.place_id)"
        f" SELECT '{rule_kind}', c.place_id, c.municipality_id, c.allocation_id, c.earned_day - {max(days - 1, 0)}, c.earned_day, {days},"
        " c.beds, vr.cents, vr.version_number, c.beds * vr.cents"
        f" FROM capped c JOIN vr ON vr.rule_kind = '{rule_kind}'"
        " AND vr.vfrom <= c.earned_day AND vr.vuntil >= c.earned_day WHERE c.beds > 0"
    )
    return sql, params


def resident_fee_sql(reference_date: dt.date, rates: list[RateRow]) -> tuple[str, list]:
    """cat2_resident_fee: − fee per day × the allocation's days that are available category-2 days
    up to the reference date (end inclusive). The floor at zero is applied per place afterwards."""
    head, params = _with(reference_date, rates, ("2",), (), allocations=True)
    lo, hi = _greatest("al.start_day", "s.from_day"), _least("al.end_day", "s.to_day")
    sql = (
        f"{head}, x AS (SELECT s.place_id, s.municipality_id, al.allocation_id, al.size, al.fee_cents,"  # noqa: S608 - constants and %s parameters only
        f" {lo} AS from_day, {hi} AS to_day"
        " FROM al JOIN seg s ON s.place_id = al.place_id AND s.category = '2'"
        " AND al.start_day <= s.to_day AND al.end_day >= s.from_day WHERE al.fee_cents > 0)"
        f" SELECT '{RuleKinds.CAT2_RESIDENT_FEE.value}', place_id, municipality_id, allocation_id, from_day, to_day,"
        " to_day - from_day + 1, size, -fee_cents, CAST(NULL AS INTEGER), -CAST(to_day - from_day + 1 AS BIGINT) * fee_cents FROM x"
    )
    return sql, params


RULE_STATEMENTS = {
    "day": day_rules_sql,
    "cat1_public": cat1_public_sql,
    "cat1_private": lambda ref, rates: once_per_bed_sql(ref, rates, RuleKinds.CAT1_PRIVATE_ONCE),
    "cat2_assignment": lambda ref, rates: once_per_bed_sql(ref, rates, RuleKinds.CAT2_ASSIGNMENT_ONCE),
    "fee": resident_fee_sql,
}


def rule_statements(reference_date: dt.date, rates: list[RateRow], only: tuple[str, ...] | None = None
                    ) -> list[tuple[str, list]]:
    """The rule statements (rows of ``ROW_COLUMNS``): all five, or those named in ``only``."""
    return [make(reference_date, rates) for name, make in RULE_STATEMENTS.items() if only is None or name in only]


def rule_rows(reference_date: dt.date, rates: list[RateRow], only: tuple[str, ...] | None = None) -> list[tuple]:
    """Every rule row (``ROW_COLUMNS``) up to the reference date: five statements (or those named
    in ``only``, see ``RULE_STATEMENTS``)."""
    out: list[tuple] = []
    with connection.cursor() as cursor:
        for sql, params in rule_statements(reference_date, rates, only):
            cursor.execute(sql, params)
            out.extend(cursor.fetchall())
    return out
