"""The CRT's contribution to the data-quality report (issue 11), found by ``core.registry``
(``app_modules("data_quality")``): the report lives in ``hvt``, which never imports ``crt``.

Counts only, never a person: one grouped sum over the kept counts (``crt.CountChange``) for every
requested day, so the cost does not depend on the number of persons, and the history of any past
week comes from the same rows.

``persons_without_municipality`` on a day: persons registered that day (a dossier open: the
organisation cells, one per registered person) who are counted in no *current* municipality by
their address history — no address period covering the day, or one with a code that is not a
municipality since the 2025 mergers. A retired code (``geo.MunicipalityMerger``) is attributed to
its successor (its officers can correct it); the rest cannot be placed in any municipality and is
reported under ``UNASSIGNED`` (Flanders-wide viewers only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from itertools import accumulate

from django.db import connections
from django.db.models import Case, F, Func, IntegerField, Sum, Value, When

from crt.constants import CountDimensions
from crt.models import CountChange
from geo.models import Municipality, MunicipalityMerger

DB = "crt"
CODES = ("persons_without_municipality",)
UNASSIGNED = "unassigned"


def data_quality_counts(days: Sequence[dt.date], municipalities: Collection[str] | None = None
                        ) -> dict[str, dict[str, list[int]]]:
    """``{code: {refnis or UNASSIGNED: [count on each of days]}}``: for all of Flanders
    (``municipalities=None``; three statements: the grouped sum on the CRT database, the current
    municipality codes and the merger map on the default database), or for the given current
    municipalities only (a viewer's scope): then only the retired codes that fall to them are summed
    (no UNASSIGNED, which only Flanders-wide viewers see), and without any such code no CRT
    statement runs at all."""
    days = list(days)
    if not days:
        return {CODES[0]: {}}
    if municipalities is not None:
        return {CODES[0]: _retired_counts(days, set(municipalities))}
    # Each change counts from the first requested day on or after it (``_sums``), then a running
    # total per cell here.
    ordered = sorted(set(days))
    current = set(Municipality.objects.values_list("pk", flat=True))
    successor = dict(MunicipalityMerger.objects.exclude(old_refnis__in=current).values_list("old_refnis", "municipality_id"))
    sums = _sums(ordered, [CountDimensions.MUNICIPALITY, CountDimensions.ORGANISATION])
    registered = [0] * len(ordered)  # changes per bucket here; running totals at the end
    counted = [0] * len(ordered)
    retired: dict[str, list[int]] = {}
    for dimension, key, b, n in sums:
        if dimension == CountDimensions.ORGANISATION:
            registered[b] += n
        elif key in current:
            counted[b] += n
        elif key in successor:  # a retired code: its successor's officers can correct it
            retired.setdefault(successor[key], [0] * len(ordered))[b] += n
    on_days = _on_days(ordered, days)
    out = {refnis: on_days(values) for refnis, values in retired.items()}
    registered, counted = on_days(registered), on_days(counted)
    attributed = [sum(v[i] for v in out.values()) for i in range(len(days))]
    unassigned = [max(r - c - a, 0) for r, c, a in zip(registered, counted, attributed, strict=True)]
    if any(unassigned):
        out[UNASSIGNED] = unassigned
    return {CODES[0]: {key: values for key, values in out.items() if any(values)}}


def _sums(ordered: list[dt.date], dimensions: list[str], keys: Collection[str] | None = None):
    """``(dimension, key, bucket, changes)`` of the kept counts up to the last day: each change in the
    bucket of the first requested day on or after it (``width_bucket`` over the sorted days, shifted
    by a day: the number of days before the change's day), one grouped sum — not one filtered sum per
    day on every row. ``keys`` limits the cells (a viewer's retired codes)."""
    bounds = [d + dt.timedelta(days=1) for d in ordered]
    if connections[DB].vendor == "postgresql":
        bucket = Func(F("day"), Value(bounds), function="width_bucket",
                      template="%(function)s(%(expressions)s::date[])", output_field=IntegerField())
    else:  # the embedded default (SQLite): the same count of bounds on or before the day
        bucket = Case(*[When(day__lt=bound, then=Value(k)) for k, bound in enumerate(bounds)],
                      default=Value(len(bounds)), output_field=IntegerField())
    rows = CountChange.objects.using(DB).filter(dimension__in=dimensions, day__lte=ordered[-1])
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    return (rows.annotate(b=bucket).values("dimension", "key", "b").order_by()
            .annotate(n=Sum("change")).values_list("dimension", "key", "b", "n"))


def _on_days(ordered: list[dt.date], days: list[dt.date]):
    """Changes per bucket (of ``ordered``) → the running totals on each of ``days``."""
    position = [ordered.index(d) for d in days]

    def on_days(per_bucket):
        running = list(accumulate(per_bucket))
        return [running[p] for p in position]

    return on_days


def _retired_counts(days: list[dt.date], municipalities: set[str]) -> dict[str, list[int]]:
    """The persons counted at a retired code, per current municipality of ``municipalities`` that
    succeeded it: a sum over those codes' cells only (none: no CRT statement)."""
    successor = dict(MunicipalityMerger.objects.filter(municipality_id__in=municipalities)
                     .exclude(old_refnis__in=Municipality.objects.values("pk"))
                     .values_list("old_refnis", "municipality_id"))
    if not successor:
        return {}
    ordered = sorted(set(days))
    retired: dict[str, list[int]] = {}
    for _dimension, key, b, n in _sums(ordered, [CountDimensions.MUNICIPALITY], keys=successor):
        retired.setdefault(successor[key], [0] * len(ordered))[b] += n
    on_days = _on_days(ordered, days)
    out = {refnis: on_days(values) for refnis, values in retired.items()}
    return {key: values for key, values in out.items() if any(values)}

