"""Effective-dated place facts (docs/SUBSIDY.md): capacity, category, subtype and start/end dates
held per period (``PlacePeriod``), and the one definition of an *available day* used by the
subsidy engine, written as portable SQL over integer day numbers (PostgreSQL and SQLite).

Read by other apps only through ``hvt.selectors``.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from core import clock
from hvt.constants import CATEGORY_2_CONFIRMATION_FROM, EARLIEST_START, PlaceCategories
from hvt.models import PlacePeriod, ReceptionPlace

PERIOD_FACTS = ("capacity", "category", "category_2_subtype", "start_date", "end_date")
# Eligibility of the subsidy decree (DOMAIN §5): categories 1 and 2 from 14 March 2022, category 3
# from 8 April 2022, all until 31 March 2025.
ELIGIBLE_FROM = EARLIEST_START
CATEGORY_3_ELIGIBLE_FROM = dt.date(2022, 4, 8)
ELIGIBLE_UNTIL = dt.date(2025, 3, 31)
EPOCH = dt.date(1970, 1, 1)
OPEN_END = 10**6  # a day number far beyond any real date: "no end"


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01: the integer the SQL below compares and subtracts."""
    return (day - EPOCH).days


def day_from_number(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


# --- portable SQL helpers ---------------------------------------------------------------------------


def sql_day(column: str, vendor: str | None = None) -> str:
    """SQL for the day number of a date column (NULL stays NULL)."""
    vendor = vendor or connection.vendor
    if vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    # SQLite: julianday of a date is N.5; the integer part minus julianday('1970-01-01') = 2440587.
    return f"(CAST(julianday({column}) AS INTEGER) - 2440587)"


def sql_greatest(*parts: str, vendor: str | None = None) -> str:
    vendor = vendor or connection.vendor
    return f"{'GREATEST' if vendor == 'postgresql' else 'MAX'}({', '.join(parts)})"


def sql_least(*parts: str, vendor: str | None = None) -> str:
    vendor = vendor or connection.vendor
    return f"{'LEAST' if vendor == 'postgresql' else 'MIN'}({', '.join(parts)})"


def place_facts_sql() -> str:
    """Every period of every place as (place_id, valid_from, valid_until, capacity, category,
    subtype, start_day, end_day) in day numbers. Every place has a period (its services create the
    first with the place; on PostgreSQL a constraint trigger refuses a commit that leaves a place
    without one, hvt migration 0008), so the periods are all there is to read."""
    d = sql_day
    return (
        f"SELECT pp.place_id, {d('pp.valid_from')} AS valid_from, COALESCE({d('pp.valid_until')}, {OPEN_END}) AS valid_until,"  # noqa: S608 - constants only
        " pp.capacity, pp.category, pp.category_2_subtype AS subtype,"
        f" {d('pp.start_date')} AS start_day, COALESCE({d('pp.end_date')}, {OPEN_END}) AS end_day"
        " FROM hvt_placeperiod pp"
    )


def available_segments_sql(reference_date: dt.date, categories: tuple[str, ...] | None = None) -> tuple[str, list]:
    """The one definition of an *available day* (DOMAIN §5), as a SELECT of segments
    (place_id, municipality_id, category, subtype, beds, from_day, to_day): on each day of
    [from_day, to_day] the place is available with ``beds`` beds.

    A day d is available when the place is validated (validation counts back to the start date and
    is never undone by closing), the period in force on d has start ≤ d ≤ end (open end: up to the
    reference date), d lies in its category's eligibility window, and a category-2 period starting
    on or after 1 June 2023 has the agency's confirmation. Segments of one place never overlap.
    ``categories`` limits the segments to those categories (the database then reads only their
    periods). It is ``hvt.querysets.available_q`` read over the periods (a test holds the two together for
    places without a change) plus the subsidy's eligibility window."""
    ref = day_number(min(reference_date, ELIGIBLE_UNTIL))
    cat3 = day_number(CATEGORY_3_ELIGIBLE_FROM)
    eligible_from = f"CASE WHEN f.category = '{PlaceCategories.CAT3.value}' THEN {cat3} ELSE {day_number(ELIGIBLE_FROM)} END"
    lo = sql_greatest("f.valid_from", "f.start_day", eligible_from)
    hi = sql_least("f.valid_until", "f.end_day", str(ref))
    only = ""
    if categories:
        known = {c.value for c in PlaceCategories}
        if not set(categories) <= known:
            raise ValueError(f"unknown categories {categories}")
        only = " AND f.category IN (" + ", ".join(f"'{c}'" for c in categories) + ")"
    sql = (
        "SELECT place_id, municipality_id, category, subtype, beds, from_day, to_day FROM ("  # noqa: S608 - constants only
        f" SELECT f.place_id, pl.municipality_id, f.category, f.subtype, f.capacity AS beds, {lo} AS from_day, {hi} AS to_day"
        f" FROM ({place_facts_sql()}) f JOIN hvt_receptionplace pl ON pl.id = f.place_id"
        " WHERE pl.validated_on IS NOT NULL"
        f"{only}"
        f" AND NOT (f.category = '{PlaceCategories.CAT2.value}' AND f.start_day >= {day_number(CATEGORY_2_CONFIRMATION_FROM)}"
        " AND pl.agency_confirmed_on IS NULL)"
        ") seg WHERE from_day <= to_day"
    )
    return sql, []


def allocations_sql(reference_date: dt.date) -> tuple[str, list]:
    """Allocations started by the reference date as (allocation_id, place_id, size, fee_cents,
    start_day, end_day) — end_day open = a far day; the fee per day in integer cents."""
    ref = day_number(reference_date)
    d = sql_day
    sql = (
        "SELECT a.id AS allocation_id, a.place_id, a.household_size AS size,"  # noqa: S608 - constants only
        " CAST(ROUND(a.resident_fee_per_day * 100) AS INTEGER) AS fee_cents,"
        f" {d('a.start_date')} AS start_day, COALESCE({d('a.end_date')}, {OPEN_END}) AS end_day"
        f" FROM hvt_allocation a WHERE {d('a.start_date')} <= {ref}"
    )
    return sql, []


# --- writing periods --------------------------------------------------------------------------------


def period_first(place: ReceptionPlace) -> PlacePeriod:
    """The first period of a newly registered place (unsaved): its facts, open, from the start of
    the reception."""
    return PlacePeriod(place=place, valid_from=EARLIEST_START, **{f: getattr(place, f) for f in PERIOD_FACTS})


def period_first_create(place: ReceptionPlace) -> PlacePeriod:
    period = period_first(place)
    period.save()
    return period


def periods_create_missing() -> int:
    """One open period for every place that has none (bulk loads, demo data). One statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO hvt_placeperiod (place_id, valid_from, valid_until, capacity, category, category_2_subtype,"
            " start_date, end_date, created_at)"
            " SELECT id, %s, NULL, capacity, category, category_2_subtype, start_date, end_date, %s"
            " FROM hvt_receptionplace pl WHERE NOT EXISTS (SELECT 1 FROM hvt_placeperiod x WHERE x.place_id = pl.id)",
            [EARLIEST_START, clock.now()],
        )
        return cursor.rowcount


def _ensure_periods(place: ReceptionPlace) -> list[PlacePeriod]:
    periods = list(place.periods.order_by("valid_from"))
    if not periods:
        periods = [period_first_create(place)]
    return periods


def _sync_place_fields(place: ReceptionPlace, periods: list[PlacePeriod]) -> list[str]:
    """Copy the facts of the period in force today onto the place (what its pages show)."""
    today = clock.today()
    current = next(
        (p for p in periods if p.valid_from <= today and (p.valid_until is None or today <= p.valid_until)), None
    )
    if current is None:
        return []
    changed = [f for f in PERIOD_FACTS if getattr(place, f) != getattr(current, f)]
    for f in changed:
        setattr(place, f, getattr(current, f))
    return changed


def periods_apply(place: ReceptionPlace, *, effective_from: dt.date, facts: dict) -> list[PlacePeriod]:
    """Set ``facts`` on every day from ``effective_from`` on: the period in force that day is split
    (the days before keep their facts) and every later period takes the new values. Returns the
    place's periods in order. No checks: callers (services) validate."""
    periods = _ensure_periods(place)
    unknown = set(facts) - set(PERIOD_FACTS)
    if unknown:
        raise TypeError(f"not a period fact: {sorted(unknown)}")
    for period in periods:
        if period.valid_until is not None and period.valid_until < effective_from:
            continue
        if period.valid_from < effective_from:
            # split: the old part ends the day before, the new part starts at effective_from
            tail = PlacePeriod(
                place=place, valid_from=effective_from, valid_until=period.valid_until,
                **{f: getattr(period, f) for f in PERIOD_FACTS},
            )
            period.valid_until = effective_from - dt.timedelta(days=1)
            period.save(update_fields=["valid_until"])
            for f, v in facts.items():
                setattr(tail, f, v)
            tail.full_clean()
            tail.save()
        else:
            for f, v in facts.items():
                setattr(period, f, v)
            period.full_clean()
            period.save()
    return list(place.periods.order_by("valid_from"))


def _in_force(periods: list[PlacePeriod], day: dt.date) -> PlacePeriod | None:
    return next((p for p in periods if p.valid_from <= day and (p.valid_until is None or day <= p.valid_until)), None)


def periods_correct(place: ReceptionPlace, facts: dict) -> None:
    """A correction of a place's current facts (``place_update``, ``place_close``), without a day D:
    capacity, category and subtype change from the start of the period in force today; the start date
    is one fact of the place's life (every period); the end date from the period in force on it (or
    today's, if earlier), so no earlier period keeps counting after the end."""
    facts = {f: v for f, v in facts.items() if f in PERIOD_FACTS}
    if not facts:
        return
    periods = _ensure_periods(place)
    today = clock.today()
    current = _in_force(periods, today) or periods[-1]
    if "start_date" in facts:
        periods = periods_apply(place, effective_from=periods[0].valid_from, facts={"start_date": facts.pop("start_date")})
    if "end_date" in facts:
        end = facts.pop("end_date")
        at_end = _in_force(periods, end) if end is not None else None
        since = min(current.valid_from, at_end.valid_from) if at_end is not None else current.valid_from
        periods = periods_apply(place, effective_from=since, facts={"end_date": end})
    if facts:
        periods_apply(place, effective_from=current.valid_from, facts=facts)


def periods_sync_place_fields(place: ReceptionPlace) -> list[str]:
    """Put the facts in force today on the place's own fields (unsaved); the changed field names."""
    return _sync_place_fields(place, list(place.periods.order_by("valid_from")))
