"""The data-quality report (issue 11): per municipality the items to fix, and their trend per week.

Item codes (``ITEMS``), each counted on a day ``d`` from the rows' own dates, so any past week is
computed by the same SQL as today (docs/DATA_QUALITY.md explains the choice over weekly snapshots):

* ``offers_waiting``: portal offers made before ``d - 14 days`` and not decided by the end of ``d``.
* ``places_without_check``: places registered by ``d``, neither validated nor closed on ``d``, with
  no housing-quality check recorded by ``d`` (validation needs a passed check: hvt.services).
* ``duplicate_addresses``: places open on ``d`` (registered by then, not closed, not ended) that
  share street, house number and postal code (trimmed, case-insensitive) with another open place in
  the viewer's scope; each place involved counts.
* ``idle_places``: validated places, open and not closed on ``d``, that started more than 180 days
  before ``d`` and have no allocation starting on or before ``d``.
* ``persons_without_municipality``: from the CRT, counts only, through the ``data_quality`` hook
  of ``core.registry`` (``crt.data_quality``); hvt never imports crt.

Every count is an SQL aggregate over the viewer's scope: one statement for the three place items
on every requested day (a window function for the duplicates), one for the offers, plus the hook's
own; the number of statements does not depend on the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    Value,
    When,
)
from django.db.models.functions import Trim, Upper
from django.utils.translation import gettext_lazy as _

from accounts.constants import Roles
from accounts.selectors import municipalities_for_user, scope_filter, user_has_role
from core import clock
from core.registry import app_modules
from hvt.constants import READ_ROLES, WRITE_ROLES, OfferStatuses
from hvt.models import PlaceOffer, ReceptionPlace
from hvt.querysets import not_validated_on_q

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


def _known_by(field: str, day: dt.date) -> Q:
    """The row (or the fact in ``field``, a creation moment) existed on ``day``. From today on,
    every row that exists now does: a creation moment is the wall clock's (``auto_now_add``),
    which a clock frozen in the past (tests, ``--now``) would otherwise put in the future."""
    if day >= clock.today():
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__lt": _end_of(day)})


def _unknown_by(field: str, day: dt.date) -> Q:
    """Not ``_known_by`` (a missing fact, NULL, is unknown)."""
    if day >= clock.today():
        return Q(**{f"{field}__isnull": True})
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": _end_of(day)})


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _open_q(day: dt.date) -> Q:
    return _known_by("created_at", day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day)) & (
        Q(end_date__isnull=True) | Q(end_date__gte=day))


def _without_check_q(day: dt.date) -> Q:
    return (_known_by("created_at", day) & not_validated_on_q(day)
            & (Q(closed_on__isnull=True) | Q(closed_on__gt=day)) & _unknown_by("first_check", day))


def _idle_q(day: dt.date) -> Q:
    return (Q(validated_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))
            & Q(start_date__lt=day - dt.timedelta(days=IDLE_AFTER_DAYS))
            & (Q(end_date__isnull=True) | Q(end_date__gte=day))
            & (Q(first_allocation__isnull=True) | Q(first_allocation__gt=day)))


def offer_waiting_q(day: dt.date) -> Q:
    return Q(created_at__lt=_end_of(day - dt.timedelta(days=OFFER_WAIT_DAYS + 1))) & (
        Q(status=OfferStatuses.OFFERED, decided_at__isnull=True) | Q(decided_at__gte=_end_of(day)))


def _places(user, municipality: str):
    qs = ReceptionPlace.objects.all() if user is None else scope_filter(ReceptionPlace.objects.all(), user, roles=QUALITY_ROLES)
    return qs.filter(municipality_id=municipality) if municipality else qs


def _offers(user, municipality: str):
    qs = PlaceOffer.objects.all() if user is None else scope_filter(PlaceOffer.objects.all(), user, roles=QUALITY_ROLES)
    return qs.filter(municipality_id=municipality) if municipality else qs


def _place_flags(places, days: Sequence[dt.date]):
    """The places with, per day ``i``, ``wc{i}`` (without check), ``op{i}`` (open) and ``id{i}``
    (idle), and the address key ``s``, ``n``, ``pc`` — a queryset to wrap (``_wrap`` adds the
    window ``dn{i}``: open places at the same address)."""
    # Joined and grouped per place: each MIN is computed once per place (a correlated subquery
    # would run again in every flag of every week), and every per-place value is an aggregate
    # (MAX over the place's one group), so the statement groups by the place's key alone.
    qs = places.order_by().annotate(
        m=F("municipality_id"), pid=F("pk"),
        first_check=Min("quality_checks__created_at"), first_allocation=Min("allocations__start_date"),
    )
    flags = {"s": Max(Upper(Trim("street"))), "n": Max(Upper(Trim("house_number"))), "pc": Max("postal_code")}
    for i, day in enumerate(days):
        flags[f"wc{i}"] = _flag(_without_check_q(day))
        flags[f"op{i}"] = Max(_flag(_open_q(day)))
        flags[f"id{i}"] = _flag(_idle_q(day))
    return qs.annotate(**flags).values("m", "pid", *flags)


def _item_sql(i: int) -> dict[str, str]:
    q = connection.ops.quote_name
    return {
        "places_without_check": f"{q(f'wc{i}')} = 1",
        "duplicate_addresses": f"{q(f'op{i}')} = 1 AND {q(f'dn{i}')} >= 2",
        "idle_places": f"{q(f'id{i}')} = 1",
    }


def _wrap(inner, days: int, select: str, tail: str) -> list[tuple]:
    """Run ``SELECT <select> FROM (<inner> + dn{i}) q <tail>`` where ``dn{i}`` counts the places
    open on day ``i`` at the same address (a window over the grouped places, then an aggregate
    over it: SQL the ORM does not write; the inner statement is the ORM's, with its parameters)."""
    q = connection.ops.quote_name
    sql, params = inner.query.sql_with_params()
    address = f"{q('s')}, {q('n')}, {q('pc')}"
    windows = ", ".join(f"SUM({q(f'op{i}')}) OVER (PARTITION BY {address}) AS {q(f'dn{i}')}" for i in range(days))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM (SELECT p.*, {windows} FROM ({sql}) p) q {tail}", params)  # noqa: S608
        return cursor.fetchall()


def place_counts(places, days: Sequence[dt.date]) -> dict[str, dict[str, list[int]]]:
    """``{refnis: {place item: [count per day]}}``: one statement."""
    q = connection.ops.quote_name
    sums = [f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)"
            for i in range(len(days)) for cond in _item_sql(i).values()]
    rows = _wrap(_place_flags(places, days), len(days), f"{q('m')}, {', '.join(sums)}", f"GROUP BY {q('m')}")
    out = {}
    n = len(PLACE_ITEMS)
    for refnis, *values in rows:
        out[refnis] = {code: [int(values[i * n + k] or 0) for i in range(len(days))] for k, code in enumerate(PLACE_ITEMS)}
    return out


def offer_counts(offers, days: Sequence[dt.date]) -> dict[str, list[int]]:
    """``{refnis: [offers waiting per day]}``: one statement."""
    rows = offers.order_by().values("municipality").annotate(
        **{f"w{i}": Count("pk", filter=offer_waiting_q(day)) for i, day in enumerate(days)})
    return {r["municipality"]: [r[f"w{i}"] for i in range(len(days))] for r in rows}


def hook_counts(days: Sequence[dt.date]) -> dict[str, dict[str, list[int]]]:
    """``{code: {refnis: [count per day]}}`` from the other apps' ``data_quality`` modules."""
    out: dict[str, dict[str, list[int]]] = {}
    for _app, module in app_modules("data_quality"):
        for code, per_municipality in module.data_quality_counts(days).items():
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
            table.setdefault(refnis, {c: list(zero) for c in CODES})[code] = list(values)

    for refnis, values in offer_counts(_offers(user, municipality), days).items():
        put(refnis, "offers_waiting", values)
    for refnis, items in place_counts(_places(user, municipality), days).items():
        for code, values in items.items():
            put(refnis, code, values)
    external = hook_counts(days)
    keys = {k for per in external.values() for k in per if k != UNASSIGNED}
    if municipality:
        keys &= {municipality}
    if user is not None and keys:
        keys = set(municipalities_for_user(user, roles=QUALITY_ROLES).filter(pk__in=keys).values_list("pk", flat=True))
    flanders = user is None or user_has_role(user, *FLANDERS_ROLES)
    for code, per in external.items():
        for key, values in per.items():
            if key in keys or (key == UNASSIGNED and flanders and not municipality):
                put(key, code, values)
    return table


def report_for_user(user, *, day: dt.date | None = None, municipality: str = "", weeks: int = TREND_WEEKS) -> dict:
    """The report page: ``rows`` (municipalities in scope with open items on ``day``, most items
    first, with their name and province), ``trend`` (per weekly point, each code's total in the
    scope), ``totals`` (per code, on ``day``) and ``table`` (``quality_counts``)."""
    day = day or clock.today()
    days = trend_days(day, weeks)
    table = quality_counts(user=user, days=days, municipality=municipality)
    names = {m.pk: m for m in municipalities_for_user(user, roles=QUALITY_ROLES).filter(pk__in=list(table))
             .select_related("province").only("pk", "name_nl", "province__name_nl")}
    rows = []
    for refnis, items in table.items():
        today = {code: items[code][-1] for code in CODES}
        if not any(today.values()):
            continue
        m = names.get(refnis)
        rows.append({"refnis": "" if refnis == UNASSIGNED else refnis,
                     "name": m.name_nl if m else _("Zonder gemeente (CRT)"),
                     "province": m.province.name_nl if m and m.province_id else "",
                     "items": today, "total": sum(today.values()), "unassigned": refnis == UNASSIGNED})
    rows.sort(key=lambda r: (-r["total"], str(r["name"])))
    trend = [{"day": d, **{code: sum(items[code][i] for items in table.values()) for code in CODES}}
             for i, d in enumerate(days)]
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
    item_sql = _item_sql(0)
    q = connection.ops.quote_name
    rows = _wrap(_place_flags(_places(user, refnis), [day]), 1,
                 f"{q('pid')}, " + ", ".join(f"CASE WHEN {c} THEN 1 ELSE 0 END" for c in item_sql.values()),
                 "WHERE " + " OR ".join(f"({c})" for c in item_sql.values()) + f" ORDER BY {q('pid')} LIMIT {ITEM_LIMIT}")
    codes = {pid: [code for code, flag in zip(PLACE_ITEMS, flags, strict=True) if flag] for pid, *flags in rows}
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
