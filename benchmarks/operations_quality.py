"""The data-quality report (issue 11) against its hand-written SQL twin: the coordinator's report
for all of Flanders, the five item codes on each of the twelve weekly points (registered by
``benchmarks.operations``, which imports this module)."""

from __future__ import annotations

from benchmarks.generate import TODAY
from benchmarks.operations import _fetch, _need
from benchmarks.registry import Bench, NotAvailable, operation


def _quality_check(r):
    problems = []
    if r.orm_ms is not None and r.orm_ms >= 500:
        problems.append(f"{r.orm_ms:.0f} ms ≥ 500 ms")
    if r.ratio is not None and r.ratio > 2:
        problems.append(f"{r.ratio:.1f}× its SQL > 2×")
    return "; ".join(problems) or None


DAYS_CTE = """days(i, d, e) AS (
    SELECT t.i::int - 1, t.d, ((t.d + 1)::timestamp AT TIME ZONE 'Europe/Brussels')
    FROM unnest(%(days)s::date[]) WITH ORDINALITY AS t(d, i))"""

PLACES_SQL = f"""
WITH {DAYS_CTE},
pl AS (
    SELECT p.id, p.municipality_id AS m, upper(trim(p.street)) AS s, upper(trim(p.house_number)) AS n,
           p.postal_code AS pc, p.created_at, p.validated_on, p.closed_on, p.end_date, p.start_date,
           (SELECT MIN(q.created_at) FROM hvt_qualitycheck q WHERE q.place_id = p.id) AS fc,
           (SELECT MIN(a.start_date) FROM hvt_allocation a WHERE a.place_id = p.id) AS fa
    FROM hvt_receptionplace p),
y AS (
    SELECT pl.*, days.i, days.d, days.e, (days.d >= %(today)s OR pl.created_at < days.e) AS known
    FROM pl CROSS JOIN days),
z AS (
    SELECT y.*, known AND (closed_on IS NULL OR closed_on > d) AND (end_date IS NULL OR end_date >= d) AS op
    FROM y)
SELECT m, i,
    SUM(CASE WHEN known AND (validated_on IS NULL OR validated_on > d) AND (closed_on IS NULL OR closed_on > d)
             AND (fc IS NULL OR (d < %(today)s AND fc >= e)) THEN 1 ELSE 0 END),
    SUM(CASE WHEN op AND dn >= 2 THEN 1 ELSE 0 END),
    SUM(CASE WHEN validated_on <= d AND (closed_on IS NULL OR closed_on > d) AND start_date < d - 180
             AND (end_date IS NULL OR end_date >= d) AND (fa IS NULL OR fa > d) THEN 1 ELSE 0 END)
FROM (SELECT z.*, SUM(CASE WHEN op THEN 1 ELSE 0 END) OVER (PARTITION BY i, s, n, pc) AS dn FROM z) w
GROUP BY m, i
"""

OFFERS_SQL = f"""
WITH {DAYS_CTE}
SELECT o.municipality_id, days.i, COUNT(*)
FROM hvt_placeoffer o JOIN days
  ON o.created_at < ((days.d - 14)::timestamp AT TIME ZONE 'Europe/Brussels')
 AND ((o.status = 'offered' AND o.decided_at IS NULL) OR o.decided_at >= days.e)
GROUP BY 1, 2
"""

CRT_SQL = f"""
WITH {DAYS_CTE}
SELECT c.dimension, c.key, days.i, SUM(c.change)
FROM crt_countchange c JOIN days ON c.day <= days.d
WHERE c.dimension IN ('municipality', 'organisation')
GROUP BY 1, 2, 3
"""


def _twin(days: list) -> dict:
    """``{refnis: {code: [per day]}}`` as hvt.quality.quality_counts(user=coordinator) gives it."""
    from geo.models import Municipality, MunicipalityMerger
    from hvt.quality import CODES, UNASSIGNED

    n = len(days)
    params = {"days": days, "today": TODAY}
    table: dict = {}

    def put(refnis, code, i, value):
        if value:
            table.setdefault(refnis, {c: [0] * n for c in CODES})[code][i] = int(value)

    for m, i, wc, dup, idle in _fetch(PLACES_SQL, params):
        put(m, "places_without_check", i, wc)
        put(m, "duplicate_addresses", i, dup)
        put(m, "idle_places", i, idle)
    for m, i, waiting in _fetch(OFFERS_SQL, params):
        put(m, "offers_waiting", i, waiting)
    current = set(Municipality.objects.values_list("pk", flat=True))
    successor = dict(MunicipalityMerger.objects.exclude(old_refnis__in=current).values_list("old_refnis", "municipality_id"))
    registered, counted, retired = [0] * n, [0] * n, {}
    for dimension, key, i, value in _fetch(CRT_SQL, params, "crt"):
        if dimension == "organisation":
            registered[i] += value
        elif key in current:
            counted[i] += value
        elif key in successor:
            retired.setdefault(successor[key], [0] * n)[i] += value
    for refnis, values in retired.items():
        for i, value in enumerate(values):
            put(refnis, "persons_without_municipality", i, value)
    for i in range(n):
        put(UNASSIGNED, "persons_without_municipality", i,
            max(registered[i] - counted[i] - sum(v[i] for v in retired.values()), 0))
    return table


@operation("data_quality", title="Data-quality report, all Flanders (coordinator): 5 item codes × 12 weekly points",
           target="≤ 2× SQL and < 500 ms", check=_quality_check)
def data_quality(ctx) -> Bench:
    _need("hvt.ReceptionPlace")
    try:
        from hvt import quality
    except ImportError as exc:
        raise NotAvailable("hvt.quality") from exc
    from accounts.models import User
    from core import clock

    coordinator = User.objects.filter(role_assignments__role="hvt_coordinator", is_active=True).order_by("pk").first()
    if coordinator is None:
        raise NotAvailable("no hvt_coordinator in the bench data")
    days = quality.trend_days(TODAY)
    moment = clock.parse(f"{TODAY.isoformat()}T12:00")

    def orm():
        with clock.frozen(moment):
            return quality.report_for_user(coordinator, day=TODAY)["table"]  # what the page computes

    def sql():
        return _twin(days)

    with clock.frozen(moment):
        first = quality.report_for_user(coordinator, day=TODAY)
    totals = ", ".join(f"{code} {n:,}" for code, n in first["totals"].items())
    return Bench(orm=orm, sql=sql, same=lambda a, b: a == b, databases=("default", "crt"),
                 note=f"on {TODAY:%d-%m-%Y}: {totals}; {len(first['rows'])} municipalities with open items. "
                      "ORM: hvt.quality.report_for_user (the page's figures); SQL: one statement per "
                      "source, days cross-joined")
