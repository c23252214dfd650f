"""The data-quality report (issue 11) against its hand-written SQL twin: the coordinator's report
for all of Flanders, the five item codes on each of the twelve weekly points (registered by
``benchmarks.operations``, which imports this module)."""

from __future__ import annotations

from benchmarks.generate import TODAY
from benchmarks.operations import _coordinator, _fetch, _need, _within
from benchmarks.registry import Bench, NotAvailable, operation

_quality_check = _within(500, 2)


DAYS_CTE = """days(i, d) AS (
    SELECT t.i::int - 1, t.d FROM unnest(%(days)s::date[]) WITH ORDINALITY AS t(d, i))"""

# What a good SQL hand writes for "a rule on each of twelve days": each rule as an interval of days
# [f, u) per record, computed once, joined with the days it covers (round 1 of this twin crossed
# every place with every day and evaluated each rule on the 120,000 wide rows: 5 s at scale 1).
# Local (Brussels) dates of the creation moments; from today on every row is known (the report's
# rule for wall-clock creation moments under a clock frozen in the past).
PLACES_SQL = f"""
WITH {DAYS_CTE},
fa AS (SELECT place_id, MIN(start_date) AS fa FROM hvt_allocation GROUP BY place_id),
fc AS (SELECT place_id, LEAST((MIN(created_at) AT TIME ZONE 'Europe/Brussels')::date, %(today)s) AS fc
       FROM hvt_qualitycheck GROUP BY place_id),
p AS (
    SELECT p.id, p.municipality_id AS m, p.address_key AS a,
           LEAST((p.created_at AT TIME ZONE 'Europe/Brussels')::date, %(today)s) AS k,
           p.validated_on AS v, p.closed_on AS c, p.end_date AS e, p.start_date AS sd
    FROM hvt_receptionplace p),
iv AS (  -- 0 places_without_check, 2 idle_places
    SELECT p.m, 0 AS item, p.k AS f, COALESCE(LEAST(p.v, p.c, fc.fc), 'infinity') AS u
    FROM p LEFT JOIN fc ON fc.place_id = p.id
    UNION ALL
    SELECT p.m, 2, GREATEST(p.v, p.sd + 181), COALESCE(LEAST(p.c, p.e + 1, fa.fa), 'infinity')
    FROM p LEFT JOIN fa ON fa.place_id = p.id WHERE p.v IS NOT NULL),
op AS (  -- open in the period, with the number of such places at the address
    SELECT p.m, p.a, p.k AS f, COALESCE(LEAST(p.c, p.e + 1), 'infinity') AS u,
           COUNT(*) OVER (PARTITION BY p.a) AS at_address
    FROM p WHERE p.k <= %(last)s AND COALESCE(LEAST(p.c, p.e + 1), 'infinity') > %(first)s),
dup AS (
    SELECT op.m, days.i, COUNT(*) OVER (PARTITION BY op.a, days.i) AS dn
    FROM op JOIN days ON op.f <= days.d AND days.d < op.u WHERE op.at_address > 1)
SELECT m, i, SUM(wc), SUM(dup), SUM(idle) FROM (
    SELECT iv.m, days.i, (iv.item = 0)::int AS wc, 0 AS dup, (iv.item = 2)::int AS idle
    FROM iv JOIN days ON iv.f <= days.d AND days.d < iv.u
    UNION ALL
    SELECT dup.m, dup.i, 0, 1, 0 FROM dup WHERE dup.dn > 1) x
GROUP BY m, i
"""

OFFERS_SQL = f"""
WITH {DAYS_CTE}
SELECT o.municipality_id, days.i, COUNT(*)
FROM hvt_placeoffer o JOIN days
  ON (o.created_at AT TIME ZONE 'Europe/Brussels')::date + 15 <= days.d
 AND days.d < CASE WHEN o.decided_at IS NOT NULL THEN (o.decided_at AT TIME ZONE 'Europe/Brussels')::date
                   WHEN o.status = 'offered' THEN 'infinity'::date END
GROUP BY 1, 2
"""

# The kept CRT counts: each change from the first day on or after it (a bucket), summed per cell
# and bucket, then the buckets up to each day.
CRT_SQL = f"""
WITH {DAYS_CTE},
b AS (
    SELECT c.dimension, c.key, width_bucket(c.day - 1, %(days)s::date[]) AS b, SUM(c.change) AS n
    FROM crt_countchange c
    WHERE c.dimension IN ('municipality', 'organisation') AND c.day <= %(last)s
    GROUP BY 1, 2, 3)
SELECT b.dimension, b.key, days.i, SUM(b.n)
FROM b JOIN days ON b.b <= days.i
GROUP BY 1, 2, 3
"""


def _twin(days: list) -> dict:
    """``{refnis: {code: [per day]}}`` as hvt.quality.quality_counts(user=coordinator) gives it."""
    from geo.models import Municipality, MunicipalityMerger
    from hvt.quality import CODES, UNASSIGNED

    n = len(days)
    params = {"days": sorted(days), "today": TODAY, "first": min(days), "last": max(days)}
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
    from core import clock

    coordinator = _coordinator()
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
                      "source, each rule as an interval of days per record joined with the days")
