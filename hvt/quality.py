"""The data-quality report (issue 11): per municipality the items to fix, and their trend per week.

Item codes (``ITEMS``), each counted on a day ``d`` from the rows' own dates, so any past week is
computed by the same SQL as today (docs/DATA_QUALITY.md explains the choice over weekly snapshots):

* ``offers_waiting``: portal offers made before ``d - 14 days`` and not decided by the end of ``d``.
* ``places_without_check``: places registered by ``d``, neither validated nor closed on ``d``, with
  no housing-quality check recorded by ``d`` (validation needs a passed check: hvt.services).
* ``duplicate_addresses``: places open on ``d`` (registered by then, not closed, not ended) that
  share street, house number and postal code (trimmed, case-insensitive: the place's stored
  ``address_key``) with another open place in the viewer's scope; each place involved counts.
* ``idle_places``: validated places, open and not closed on ``d``, that started more than 180 days
  before ``d`` and have no allocation starting on or before ``d`` (the place's kept
  ``first_allocation_on``: NULL or after ``d``).
* ``persons_without_municipality``: from the CRT, counts only, through the ``data_quality`` hook
  of ``core.registry`` (``crt.data_quality``); hvt never imports crt.

Every count is an SQL aggregate over the viewer's scope: one statement for the three place items
on every requested day, one for the offers, plus the hook's own; the number of statements does not
depend on the data. Each rule is true on an interval of days per record ``[from, until)``, computed
once from the record's dates; the weekly points are counted by joining the few intervals that
overlap the period with the days (docs/DATA_QUALITY.md, "Cost").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection
from django.db.models import (
    F,
    Q,
)
from django.utils.translation import gettext_lazy as _

from accounts.constants import Roles
from accounts.selectors import municipalities_for_user, scope_filter, user_has_role
from core import clock
from core.registry import app_modules
from hvt.constants import READ_ROLES, WRITE_ROLES, OfferStatuses
from hvt.models import PlaceOffer, ReceptionPlace

OFFER_WAIT_DAYS = 14
IDLE_AFTER_DAYS = 180
TREND_WEEKS = 12
ITEM_LIMIT = 200  # records listed per municipality on its drill-down (the counts stay complete)

# Who sees the report: every HVT reader, each in their own scope (a municipal officer: their
# municipalities; VLOT: its provinces; coordinators: Flanders). Others get 403.
QUALITY_ROLES = READ_ROLES
FLANDERS_ROLES = frozenset({Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR})
UNASSIGNED = "unassigned"  # the CRT persons that no municipality can be given (crt.data_quality)

PLACE_ITEMS = ("places_without_check", "duplicate_addresses", "idle_places")
ITEMS = {
    "offers_waiting": _("Aanbod langer dan 14 dagen zonder beslissing"),
    "places_without_check": _("Geregistreerde plaatsen zonder woningkwaliteitscontrole"),
    "duplicate_addresses": _("Open plaatsen op hetzelfde adres (per plaats)"),
    "idle_places": _("Gevalideerde plaatsen zonder toewijzing na 180 dagen"),
    "persons_without_municipality": _("CRT: personen zonder gemeente (aantal)"),
}
CODES = tuple(ITEMS)


def can_view(user) -> bool:
    return user_has_role(user, *QUALITY_ROLES)


def trend_days(day: dt.date, weeks: int = TREND_WEEKS) -> list[dt.date]:
    """The weekly points, oldest first, ending on ``day``."""
    return [day - dt.timedelta(weeks=w) for w in range(weeks - 1, -1, -1)]


def _end_of(day: dt.date) -> dt.datetime:
    """Midnight in Brussels after ``day``: a row created before it existed on ``day``."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=clock.BRUSSELS)


def offer_waiting_q(day: dt.date) -> Q:
    """The queryset form of ``offers_waiting`` on ``day`` (the records listed on a drill-down)."""
    return Q(created_at__lt=_end_of(day - dt.timedelta(days=OFFER_WAIT_DAYS + 1))) & (
        Q(status=OfferStatuses.OFFERED, decided_at__isnull=True) | Q(decided_at__gte=_end_of(day)))


def _in_scope(qs, user, municipality: str):
    """``qs`` (records with a municipality) in the user's scope (``user=None``: all of Flanders),
    optionally one municipality. A scope of every municipality adds no filter (no semi-join)."""
    if user is not None:
        if municipalities_for_user(user, roles=QUALITY_ROLES).query.where:  # not every municipality
            qs = scope_filter(qs, user, roles=QUALITY_ROLES)
    return qs.filter(municipality_id=municipality) if municipality else qs


def _places(user, municipality: str):
    return _in_scope(ReceptionPlace.objects.all(), user, municipality)


def _offers(user, municipality: str):
    return _in_scope(PlaceOffer.objects.all(), user, municipality)


# Every item of a record is true on an interval of days [f, u): ``d`` is flagged when f <= d < u.
# Each record's interval is computed once from its own dates (NULL bounds: never / for ever), and
# the weekly points are counted by joining the few intervals that overlap the period with the days:
# narrow rows and two comparisons per point, instead of a CASE per item and week on every record.
# Known by a day: created on the local date ``k`` (or, from today on, any row: creation moments are
# the wall clock's, which a clock frozen in the past would put in the future) means known from
# LEAST(k, today); so is the first check. ``pl`` is inlined in each branch (each scans the places
# with its own conditions; the time-zone conversion only for rows created after the first point).
# The first allocation day is the place's own column (``first_allocation_on``, kept by
# hvt.services.first_allocation_refresh): no allocation is read.
_PLACES_SQL = """
WITH days(i, d) AS ({days}),
pl AS NOT MATERIALIZED (
    SELECT q.pid, q.m, CASE WHEN q.ca < %s THEN %s ELSE {least}({local_ca}, %s) END AS k,
           q.v, q.c, q.e, q.sd, q.ak, q.fa
    FROM ({places}) q),
iv(pid, m, code, f, u) AS (
    SELECT pl.pid, pl.m, 'places_without_check', pl.k, {least}({far_v}, {far_c}, COALESCE((
        SELECT MIN({least}({local_check}, %s)) FROM hvt_qualitycheck x
        WHERE x.place_id = pl.pid), {far}))
    FROM pl WHERE pl.k <= %s AND (pl.v IS NULL OR pl.v > %s) AND (pl.c IS NULL OR pl.c > %s)
    UNION ALL
    SELECT pl.pid, pl.m, 'idle_places', {greatest}(pl.v, {idle_from}), {least}({far_c}, {far_e1}, {far_fa})
    FROM pl
    WHERE pl.v <= %s AND {idle_from} <= %s AND (pl.c IS NULL OR pl.c > %s) AND (pl.e IS NULL OR pl.e >= %s)
      AND (pl.fa IS NULL OR pl.fa > %s)),
op AS MATERIALIZED (  -- open in the period, at an address two or more places have (the key's index)
    SELECT pl.pid, pl.m, pl.ak, pl.k AS f, {least}({far_c}, {far_e1}) AS u
    FROM pl WHERE pl.k <= %s AND (pl.c IS NULL OR pl.c > %s) AND (pl.e IS NULL OR pl.e >= %s)
      AND pl.ak IN (SELECT a.address_key FROM hvt_receptionplace a GROUP BY a.address_key HAVING COUNT(*) > 1)),
same AS (SELECT ak, MIN(pid) AS g FROM op GROUP BY ak HAVING COUNT(*) > 1),
dg AS MATERIALIZED (  -- the places of a shared address (``g``: its first place); ``whole``: open on every point
    SELECT op.pid, op.m, same.g, op.f, op.u, op.f <= %s AND op.u > %s AS whole
    FROM op JOIN same ON op.ak = same.ak),
dup AS (  -- per place and day, the open places of its address (the drill-down's records)
    SELECT d.pid, d.m, d.i, COUNT(*) OVER (PARTITION BY d.g, d.i) AS dn FROM (
        SELECT dg.pid, dg.m, dg.g, days.i FROM dg JOIN days ON dg.f <= days.d AND days.d < dg.u) d)
"""

FAR = dt.date(9999, 12, 31)  # "never" / "for ever" as a date both databases compare


def _dialect() -> dict:
    """The few spellings PostgreSQL and SQLite (the embedded default) do not share: a date plus
    days, a timestamp's local date (Django's own SQLite function), LEAST/GREATEST (MIN/MAX), the far
    date, and the bucket of a date among the days (``width_bucket`` or a count)."""
    pg = connection.vendor == "postgresql"
    far = "DATE '9999-12-31'" if pg else "'9999-12-31'"

    def plus(expr: str, n: int) -> str:
        return f"({expr} + {int(n)})" if pg else f"date({expr}, '+{int(n)} days')"

    def local(expr: str) -> str:  # one %s: the time zone
        return f"({expr} AT TIME ZONE %s)::date" if pg else f"django_datetime_cast_date({expr}, %s, 'UTC')"

    least = "LEAST" if pg else "MIN"
    return {"far": far, "plus": plus, "local": local, "least": least,
            "greatest": "GREATEST" if pg else "MAX",
            "or_far": lambda expr: f"COALESCE({expr}, {far})"}


def _days_sql(days: Sequence[dt.date]) -> tuple[str, list]:
    """``days(i, d)``: the points with their index, as VALUES (both databases)."""
    return "VALUES " + ", ".join(f"({i}, %s)" for i in range(len(days))), list(days)


def _moment(value: dt.datetime):
    """A moment as the database compares it: SQLite stores naive UTC text (Django's format)."""
    if connection.vendor == "postgresql":
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


# One row per place, place item and index of a day on which the place has that item (the records
# listed on a drill-down).
_FLAGS_SQL = """,
flags(pid, m, code, i) AS (
    SELECT iv.pid, iv.m, iv.code, days.i FROM iv JOIN days ON iv.f <= days.d AND days.d < iv.u
    UNION ALL
    SELECT dup.pid, dup.m, 'duplicate_addresses', dup.i FROM dup WHERE dup.dn > 1)
"""


def _place_flags(places, days: Sequence[dt.date]) -> tuple[str, list]:
    """The statement's ``WITH`` part and its parameters: ``iv(pid, m, code, f, u)``, the interval of
    each place item per place, and ``dup(pid, m, i, dn)``, per place in an address shared in the
    period and index ``i`` of a day in ``days`` on which it is open, the open places there."""
    inner, inner_params = places.order_by().values(
        pid=F("pk"), m=F("municipality_id"), ca=F("created_at"), v=F("validated_on"), c=F("closed_on"),
        e=F("end_date"), sd=F("start_date"), ak=F("address_key"), fa=F("first_allocation_on"),
    ).query.sql_with_params()
    first, last, today, tz = min(days), max(days), clock.today(), clock.BRUSSELS.key
    idle = IDLE_AFTER_DAYS + 1  # started more than 180 days before d: start + 181 <= d
    sql = _dialect()
    days_sql, days_params = _days_sql(days)
    params = [*days_params, _moment(_end_of(first)), first, tz, today, *inner_params, tz, today, last, first, first,
              last, last, first, first, first, last, first, first, first, last]
    text = _PLACES_SQL.format(
        days=days_sql, places=inner, least=sql["least"], greatest=sql["greatest"], far=sql["far"],
        local_ca=sql["local"]("q.ca"), local_check=sql["local"]("x.created_at"),
        far_v=sql["or_far"]("pl.v"), far_c=sql["or_far"]("pl.c"), far_fa=sql["or_far"]("pl.fa"),
        far_e1=sql["or_far"](sql["plus"]("pl.e", 1)), idle_from=sql["plus"]("pl.sd", idle),
    )
    return text, params


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The counts: an interval adds 1 from the first point on or after ``f`` and takes it away again
# from the first point on or after ``u`` (``width_bucket`` over the days shifted by one: the number
# of points before a date), two rows per interval instead of one per covered point. Duplicates: an
# address whose places are all open on every point counts them all from the first point on; only
# the addresses with a place opened or closed in the period are counted point by point.
_COUNTS_SQL = """
SELECT m, code, b, SUM(n) FROM (
    SELECT iv.m, iv.code, {bucket_f} AS b, 1 AS n FROM iv
    WHERE iv.f < iv.u AND iv.f <= %s AND iv.u > %s
    UNION ALL
    SELECT iv.m, iv.code, {bucket_u}, -1 FROM iv
    WHERE iv.f < iv.u AND iv.f <= %s AND iv.u > %s AND iv.u <= %s) x
GROUP BY m, code, b
UNION ALL
SELECT dg.m, 'duplicate_addresses', 0, COUNT(*) FROM dg
WHERE NOT EXISTS (SELECT 1 FROM dg part WHERE part.g = dg.g AND NOT part.whole) GROUP BY dg.m
UNION ALL
SELECT m, 'duplicate_addresses', -1 - i, COUNT(*) FROM (
    SELECT d.m, d.i, COUNT(*) OVER (PARTITION BY d.g, d.i) AS dn FROM (
        SELECT dg.m, dg.g, days.i FROM dg JOIN days ON dg.f <= days.d AND days.d < dg.u
        WHERE dg.g IN (SELECT part.g FROM dg part WHERE NOT part.whole)) d) x
WHERE dn > 1 GROUP BY m, i
"""


def place_counts(places, days: Sequence[dt.date]) -> dict[str, dict[str, list[int]]]:
    """``{refnis: {place item: [count per day]}}``: one statement (``days`` ascending)."""
    days = list(days)
    out: dict[str, dict[str, list[int]]] = {}
    if not days:
        return out
    if days != sorted(days):
        order = sorted(range(len(days)), key=days.__getitem__)
        by_date = place_counts(places, sorted(days))
        return {m: {c: [v[order.index(i)] for i in range(len(days))] for c, v in items.items()} for m, items in by_date.items()}
    sql, params = _place_flags(places, days)
    first, last = days[0], days[-1]
    if connection.vendor == "postgresql":  # the number of points before a date
        bounds = [d + dt.timedelta(days=1) for d in days]
        counts = _COUNTS_SQL.format(bucket_f="width_bucket(iv.f, %s::date[])", bucket_u="width_bucket(iv.u, %s::date[])")
        count_params = [bounds, last, first, bounds, last, first, last]
    else:
        counts = _COUNTS_SQL.format(bucket_f="(SELECT COUNT(*) FROM days WHERE days.d < iv.f)",
                                    bucket_u="(SELECT COUNT(*) FROM days WHERE days.d < iv.u)")
        count_params = [last, first, last, first, last]
    for refnis, code, b, n in _fetch(sql + counts, [*params, *count_params]):
        if refnis not in out:
            out[refnis] = {c: [0] * len(days) for c in PLACE_ITEMS}
        values = out[refnis][code]
        if b < 0:  # on day -1 - b only
            values[-1 - b] += n
        else:  # an interval's change from point b on
            for i in range(b, len(days)):
                values[i] += n
    return out


_OFFERS_SQL = """
WITH days(i, d) AS ({days}),
iv AS (
    SELECT o.m, {waiting_from} AS f,
           CASE WHEN o.da IS NOT NULL THEN {local_da}
                WHEN o.st = %s THEN {far} END AS u
    FROM ({offers}) o)
SELECT iv.m, days.i, COUNT(*) FROM iv JOIN days ON iv.f <= days.d AND days.d < iv.u
WHERE iv.f <= %s AND iv.u > %s GROUP BY iv.m, days.i
"""


def offer_counts(offers, days: Sequence[dt.date]) -> dict[str, list[int]]:
    """``{refnis: [offers waiting per day]}``: one statement. ``offer_waiting_q`` as an interval:
    made on the local date ``c`` (waiting from ``c + 15``) until the local date of the decision."""
    days = list(days)
    if not days:
        return {}
    inner, inner_params = offers.order_by().values(
        m=F("municipality_id"), ca=F("created_at"), da=F("decided_at"), st=F("status"),
    ).query.sql_with_params()
    tz = clock.BRUSSELS.key
    sql = _dialect()
    days_sql, days_params = _days_sql(days)
    params = [*days_params, tz, tz, OfferStatuses.OFFERED, *inner_params, max(days), min(days)]
    text = _OFFERS_SQL.format(days=days_sql, offers=inner, far=sql["far"], local_da=sql["local"]("o.da"),
                              waiting_from=sql["plus"](sql["local"]("o.ca"), OFFER_WAIT_DAYS + 1))
    out: dict[str, list[int]] = {}
    for refnis, i, n in _fetch(text, params):
        if refnis not in out:
            out[refnis] = [0] * len(days)
        out[refnis][i] = n
    return out


def hook_counts(days: Sequence[dt.date], municipalities: set[str] | None = None) -> dict[str, dict[str, list[int]]]:
    """``{code: {refnis: [count per day]}}`` from the other apps' ``data_quality`` modules: for all of
    Flanders with ``UNASSIGNED`` (``municipalities=None``), or for those municipalities only."""
    out: dict[str, dict[str, list[int]]] = {}
    for _app, module in app_modules("data_quality"):
        for code, per_municipality in module.data_quality_counts(days, municipalities).items():
            out.setdefault(code, {}).update(per_municipality)
    return out


def quality_counts(*, user=None, days: Sequence[dt.date], municipality: str = "") -> dict[str, dict[str, list[int]]]:
    """``{refnis: {code: [count on each of days]}}`` in the user's scope (``user=None``: all of
    Flanders, plus ``UNASSIGNED`` for CRT persons without any municipality). Municipalities without
    any item on any day are left out."""
    days = list(days)
    zero = [0] * len(days)
    table: dict[str, dict[str, list[int]]] = {}

    def put(refnis, code, values):
        if any(values):
            if refnis not in table:
                table[refnis] = {c: list(zero) for c in CODES}
            table[refnis][code] = list(values)

    for refnis, values in offer_counts(_offers(user, municipality), days).items():
        put(refnis, "offers_waiting", values)
    for refnis, items in place_counts(_places(user, municipality), days).items():
        for code, values in items.items():
            put(refnis, code, values)
    # The other apps count for the viewer's municipalities only; all of Flanders (with the persons
    # no municipality can be given, ``UNASSIGNED``) for Flanders-wide viewers without a filter.
    scope: set[str] | None = None
    if user is not None and not user_has_role(user, *FLANDERS_ROLES):
        scope = set(municipalities_for_user(user, roles=QUALITY_ROLES).values_list("pk", flat=True))
    if municipality:
        scope = {municipality} & scope if scope is not None else {municipality}
    for code, per in hook_counts(days, scope).items():
        for key, values in per.items():
            if scope is None or key in scope:
                put(key, code, values)
    return table


def report_for_user(user, *, day: dt.date | None = None, municipality: str = "", weeks: int = TREND_WEEKS) -> dict:
    """The report page: ``rows`` (municipalities in scope with open items on ``day``, most items
    first, with their name and province), ``trend`` (per weekly point, each code's total in the
    scope), ``totals`` (per code, on ``day``) and ``table`` (``quality_counts``)."""
    day = day or clock.today()
    days = trend_days(day, weeks)
    table = quality_counts(user=user, days=days, municipality=municipality)
    names = {pk: (name, province) for pk, name, province in municipalities_for_user(user, roles=QUALITY_ROLES)
             .filter(pk__in=list(table)).values_list("pk", "name_nl", "province__name_nl")}
    rows = []
    for refnis, items in table.items():
        today = {code: items[code][-1] for code in CODES}
        if not any(today.values()):
            continue
        name, province = names.get(refnis, (None, None))
        rows.append({"refnis": "" if refnis == UNASSIGNED else refnis,
                     "name": name if name is not None else _("Zonder gemeente (CRT)"),
                     "province": province or "",
                     "items": today, "total": sum(today.values()), "unassigned": refnis == UNASSIGNED})
    rows.sort(key=lambda r: (-r["total"], str(r["name"])))
    sums = {code: [sum(column) for column in zip(*(items[code] for items in table.values()), strict=True)] or [0] * len(days)
            for code in CODES}
    trend = [{"day": d, **{code: sums[code][i] for code in CODES}} for i, d in enumerate(days)]
    for point in trend:
        point["total"] = sum(point[code] for code in CODES)
    return {"day": day, "rows": rows, "trend": trend, "totals": {c: trend[-1][c] for c in CODES}, "table": table}


def items_for_user(user, refnis: str, *, day: dt.date | None = None) -> dict:
    """The records to fix in one municipality of the user's scope on ``day``: ``places`` (each with
    its item codes) and ``offers``, at most ``ITEM_LIMIT`` of each; ``can_open_offers`` tells
    whether the viewer may open an offer (its decision page: officers and coordinators in their
    write scope) — a place page is open to every viewer of the report in its scope. Three
    statements (four with the write-scope check)."""
    day = day or clock.today()
    sql, params = _place_flags(_places(user, refnis), [day])
    rows = _fetch(sql + _FLAGS_SQL + "SELECT DISTINCT pid, code FROM flags WHERE pid IN ("  # noqa: S608
                  "SELECT DISTINCT pid FROM flags ORDER BY pid LIMIT %s)", [*params, ITEM_LIMIT])
    found: dict[int, set] = {}
    for pid, code in rows:
        found.setdefault(pid, set()).add(code)
    codes = {pid: [code for code in PLACE_ITEMS if code in found[pid]] for pid in sorted(found)}
    places = list(ReceptionPlace.objects.filter(pk__in=list(codes)).order_by("street", "house_number", "pk")
                  .only("pk", "name", "street", "house_number", "postal_code", "status", "start_date"))
    for place in places:
        place.quality_codes = [(code, ITEMS[code]) for code in codes[place.pk]]
    offers = list(_offers(user, refnis).filter(offer_waiting_q(day)).order_by("created_at", "pk")
                  .only("pk", "street", "house_number", "postal_code", "created_at", "capacity")[:ITEM_LIMIT])
    can_open_offers = bool(offers) and user_has_role(user, *WRITE_ROLES) and municipalities_for_user(
        user, roles=WRITE_ROLES).filter(pk=refnis).exists()
    return {"places": places, "offers": offers, "can_open_offers": can_open_offers}


def report_json(*, day: dt.date, municipality: str = "") -> dict[str, dict[str, int]]:
    """The contract of ``manage.py data_quality_report --json``: ``{refnis: {code: count}}`` on
    ``day`` for all of Flanders (or one municipality); municipalities without open items left out."""
    table = quality_counts(days=[day], municipality=municipality)
    out = {}
    for refnis in sorted(table):
        counts = {code: table[refnis][code][0] for code in CODES}
        if any(counts.values()):
            out[refnis] = counts
    return out


def municipality_quality_for_user(user, refnis: str, *, day: dt.date | None = None) -> dict | None:
    """One municipality of the user's scope on ``day``: ``counts`` ((code, label, n) for every item),
    ``by_code`` and ``items`` (``items_for_user``); ``None`` outside the scope or without open items."""
    if not municipalities_for_user(user, roles=QUALITY_ROLES).filter(pk=refnis).exists():
        return None
    day = day or clock.today()
    table = quality_counts(user=user, days=[day], municipality=refnis).get(refnis, {})
    by_code = {code: (table.get(code) or [0])[0] for code in CODES}
    if not any(by_code.values()):
        return None  # nothing to fix: the municipality page shows no section
    return {"refnis": refnis, "by_code": by_code, "counts": [(code, ITEMS[code], by_code[code]) for code in CODES],
            "items": items_for_user(user, refnis, day=day)}
