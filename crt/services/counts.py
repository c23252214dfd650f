"""Counts at a date, kept as changes per day (``crt.CountChange``).

Each person is counted in a cell of a dimension during spans of days: in a municipality while an
address period there overlaps their open dossier, in a sex, organisation or age band while the
dossier is open (the band changes on birthdays), in a status from each status change on, and in
the month of registration from the opening on. A span ``[start, end)`` is +1 on ``start`` and −1
on ``end``; the count of a cell on a date is the sum of its changes up to that date. Every
service that changes what a person's spans depend on runs inside ``counts_kept(person_id)``: it
recomputes the person's changes before and after and writes the difference, in the same
transaction. ``counts_rebuild`` recomputes the whole table from the base rows.

The definitions are those of the direct queries they replace (tests/crt/test_counts.py compares
both on random histories): a dossier counts from ``opened_on`` up to, not including,
``ended_on``; an address period from ``valid_from`` up to ``valid_to``; the status on a date is
that of the latest change effective by then (latest id on the same day).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from django.db import connections, transaction

from audit.constants import AuditActions
from audit.services import audit_log
from crt.constants import AGE_BANDS, CountDimensions
from crt.models import AddressPeriod, CountChange, Dossier, Person, StatusChange
from crt.services.common import DB, SYSTEM_USERNAME


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _turns(birth_date: dt.date, years: int) -> dt.date:
    """The first day on which a person born on ``birth_date`` is no longer younger than ``years``
    (``years_before(day, years) >= birth_date``, the age band's own test)."""
    try:
        day = birth_date.replace(year=birth_date.year + years) - dt.timedelta(days=2)
    except ValueError:  # born on 29 February, the year is no leap year
        day = dt.date(birth_date.year + years, 2, 26)
    while years_before(day, years) < birth_date:
        day += dt.timedelta(days=1)
    return day


@lru_cache(maxsize=65536)  # many persons share a birth date; a rebuild asks for every one
def _age_bands(birth_date: dt.date) -> tuple[tuple[str, dt.date | None, dt.date | None], ...]:
    """(band, from, to) over a whole life: ``None`` is open."""
    bands, start = [], None
    for _lower, upper, label in AGE_BANDS[:-1]:
        end = _turns(birth_date, upper)
        bands.append((label, start, end))
        start = end
    bands.append((AGE_BANDS[-1][2], start, None))
    return tuple(bands)


def _merge(intervals: list[tuple[dt.date, dt.date | None]]) -> Iterator[tuple[dt.date, dt.date | None]]:
    """Overlapping or touching intervals as one (a person counts once per cell)."""
    merged: list[list] = []
    for start, end in sorted(intervals, key=lambda i: i[0]):
        if merged and (merged[-1][1] is None or start <= merged[-1][1]):
            if merged[-1][1] is not None and (end is None or end > merged[-1][1]):
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return (tuple(i) for i in merged)


def _clip(start, end, window_start, window_end):
    """``[start, end)`` within ``[window_start, window_end)``; None when empty (None = open)."""
    lo = window_start if start is None or (window_start is not None and window_start > start) else start
    if end is None:
        hi = window_end
    elif window_end is None:
        hi = end
    else:
        hi = min(end, window_end)
    return None if hi is not None and hi <= lo else (lo, hi)


def person_changes(*, sex: str, birth_date: dt.date, organisation_id: int, opened_on: dt.date,
                   ended_on: dt.date | None, periods: Iterable[tuple[str, dt.date, dt.date | None]],
                   statuses: Iterable[tuple[dt.date, int, str]], into: Counter | None = None) -> Counter:
    """The changes one person with a dossier contributes: {(dimension, key, day): ±n}, added to
    ``into`` when given (a rebuild sums every person's)."""
    out: Counter = Counter() if into is None else into

    def span(dimension: str, key: str, clipped) -> None:
        if clipped is not None:
            out[(dimension, key, clipped[0])] += 1
            if clipped[1] is not None:
                out[(dimension, key, clipped[1])] -= 1

    registered = (opened_on, ended_on)
    per_municipality = defaultdict(list)
    for refnis, valid_from, valid_to in periods:
        clipped = _clip(valid_from, valid_to, *registered)
        if clipped is not None:
            per_municipality[refnis].append(clipped)
    for refnis, intervals in per_municipality.items():
        for interval in _merge(intervals):
            span(CountDimensions.MUNICIPALITY, refnis, interval)
    span(CountDimensions.SEX, sex, _clip(opened_on, ended_on, opened_on, None))
    span(CountDimensions.ORGANISATION, str(organisation_id), _clip(opened_on, ended_on, opened_on, None))
    for label, start, end in _age_bands(birth_date):
        span(CountDimensions.AGE_BAND, label, _clip(start, end, *registered))
    span(CountDimensions.MONTH, opened_on.strftime("%Y-%m"), (opened_on, None))
    # The status on a date: the latest change effective by then (the highest id on its day).
    steps = {}
    for effective_on, _pk, status in sorted(statuses):
        steps[effective_on] = status
    days = sorted(steps)
    for k, day in enumerate(days):
        span(CountDimensions.STATUS, steps[day], _clip(day, days[k + 1] if k + 1 < len(days) else None, opened_on, None))
    return out


def _persons_changes(persons: dict, *, using: str = DB, models=None, into: Counter | None = None) -> Counter:
    """The changes of the persons selected by ``persons`` (a lookup on the person id, e.g.
    ``{"person_id__in": [...]}``), read in three queries (``models``: a migration's own)."""
    dossier_model, period_model, status_model = models or (Dossier, AddressPeriod, StatusChange)
    periods, statuses = defaultdict(list), defaultdict(list)
    for person_id, *row in (period_model.objects.using(using).filter(**persons)
                            .values_list("person_id", "municipality_refnis", "valid_from", "valid_to")):
        periods[person_id].append(row)
    on_dossier = {f"dossier__{lookup}": value for lookup, value in persons.items()}
    for person_id, *row in (status_model.objects.using(using).filter(**on_dossier)
                            .values_list("dossier__person_id", "effective_on", "pk", "status")):
        statuses[person_id].append(row)
    total: Counter = Counter() if into is None else into
    for person_id, sex, birth_date, organisation_id, opened_on, ended_on in (
        dossier_model.objects.using(using).filter(**persons)
        .values_list("person_id", "person__sex", "person__birth_date", "organisation_id", "opened_on", "ended_on")
    ):
        person_changes(sex=sex, birth_date=birth_date, organisation_id=organisation_id, opened_on=opened_on,
                       ended_on=ended_on, periods=periods[person_id], statuses=statuses[person_id], into=total)
    return total


def changes_apply(changes: Counter, *, using: str = DB) -> None:
    """Add ``changes`` to the table, one upsert per cell, in a fixed order (no deadlock between
    two writers)."""
    rows = sorted((dim, key, day, n) for (dim, key, day), n in changes.items() if n)
    if not rows:
        return
    q = connections[using].ops.quote_name
    table, cols = q(CountChange._meta.db_table), [q(c) for c in ("dimension", "key", "day", "change")]
    with connections[using].cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES (%s, %s, %s, %s) "  # noqa: S608 - our own table
            f"ON CONFLICT ({', '.join(cols[:3])}) DO UPDATE SET {cols[3]} = {table}.{cols[3]} + excluded.{cols[3]}",
            rows,
        )


_kept: ContextVar[frozenset[int]] = ContextVar("crt_counts_kept", default=frozenset())


@contextmanager
def counts_kept(person_id: int):
    """Run a change of a person (dossier dates, status, address periods, organisation, birth date)
    and keep the counts: the person's changes before and after, the difference written. Nested
    for the same person (a service calling another), only the outermost one writes. Locks the
    person, so two services changing the same person keep the counts one after the other."""
    if person_id in _kept.get():
        yield
        return
    with transaction.atomic(using=DB):
        Person.objects.using(DB).select_for_update().filter(pk=person_id).values_list("pk").first()
        before = _persons_changes({"person_id": person_id})
        token = _kept.set(_kept.get() | {person_id})
        try:
            yield
        finally:
            _kept.reset(token)
        after = _persons_changes({"person_id": person_id})
        after.subtract(before)
        changes_apply(after)


def counts_add(person_id: int) -> None:
    """A newly registered person: their changes are added (call in the registration's transaction)."""
    changes_apply(_persons_changes({"person_id": person_id}))


def counts_compute(*, batch_size: int = 20000, using: str = DB, models=None) -> Counter:
    """Every person's changes summed per cell, from the base rows (persons in id ranges)."""
    dossier_model = (models or (Dossier,))[0]
    total: Counter = Counter()
    last = 0
    while True:
        upto = (dossier_model.objects.using(using).filter(person_id__gt=last).order_by("person_id")
                .values_list("person_id", flat=True)[batch_size - 1:batch_size].first())
        if upto is None:  # the last, shorter range
            _persons_changes({"person_id__gt": last}, using=using, models=models, into=total)
            return total
        _persons_changes({"person_id__gt": last, "person_id__lte": upto}, using=using, models=models, into=total)
        last = upto


def counts_rebuild(*, using: str = DB, models=None, audit: bool = True) -> int:
    """Recompute the whole table from the base rows; returns how many cells differed from what
    the services had kept (0 unless something wrote around them: a bulk load, a restore, a fix
    by hand). Writers wait meanwhile (the table is locked on PostgreSQL)."""
    count_model = (models or (None, None, None, CountChange))[3]
    with transaction.atomic(using=using):
        if connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                cursor.execute(f"LOCK TABLE {count_model._meta.db_table} IN EXCLUSIVE MODE")
        fresh = counts_compute(using=using, models=models and models[:3])
        kept = Counter({(d, k, day): n for d, k, day, n in count_model.objects.using(using)
                        .values_list("dimension", "key", "day", "change")})
        differing = sum(1 for cell in fresh.keys() | kept.keys() if fresh[cell] != kept[cell])
        count_model.objects.using(using).all().delete()
        count_model.objects.using(using).bulk_create(
            [count_model(dimension=d, key=k, day=day, change=n) for (d, k, day), n in sorted(fresh.items()) if n],
            batch_size=5000,
        )
        if audit:
            audit_log(actor=None, username=SYSTEM_USERNAME, action=AuditActions.OTHER, object_type="crt.countchange",
                      database=using, object_repr="counts rebuilt", changes={"cells": len(fresh), "differing": differing})
    return differing
