"""Aggregated CRT figures, published so that no single person shows. Never a name, number or address.

Three rules, in this order (crt/README.md, "Published figures", says why):

1. **Primary suppression**: a cell of fewer than 5 persons, *none included*, shows ``x``. (Showing
   0 let a reader see the first person arrive in an empty cell: 0 one day, ``x`` the next.)
2. **Secondary suppression**: when the total would let someone compute the hidden cells (one
   hidden cell, or hidden cells adding up to fewer than 5), the smallest visible cells are hidden too.
3. **Rounding**: every visible cell, and the total on its own, is rounded to the nearest multiple
   of 5 (``ROUNDING_BASE``). Two consecutive dates then never differ by one person, so differencing
   ``?datum=`` values no longer shows one person's registration, move or departure. The rounded
   cells need not add up to the rounded total.

The rows of a table do not depend on the data either (every municipality, organisation, status…,
every month since the start), so a row appearing does not give anyone away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from crt.constants import AGE_BANDS, ROUNDING_BASE, SUPPRESSION_THRESHOLD, DossierStatuses, Sexes
from crt.models import Dossier, Organisation, StatusChange
from crt.selectors import municipality_names, registered_persons_per_municipality

SUPPRESSED = "x"
# The month table starts at the first month of the reception (14 March 2022), or earlier data.
FIRST_MONTH = dt.date(2022, 3, 1)
DIMENSIONS = {
    "municipality": _("Gemeente"),
    "age_band": _("Leeftijdsgroep"),
    "sex": _("Geslacht"),
    "status": _("Status"),
    "organisation": _("Organisatie"),
    "month": _("Maand van registratie"),
}


@dataclass
class Row:
    key: str
    label: str
    value: int | None  # published: a multiple of ROUNDING_BASE, or None = suppressed

    @property
    def display(self) -> str:
        return SUPPRESSED if self.value is None else str(self.value)


@dataclass
class Table:
    dimension: str
    dimension_label: str
    rows: list[Row]
    total: int | None  # published: rounded on its own, or None = suppressed
    rounding_base: int = ROUNDING_BASE

    @property
    def total_display(self) -> str:
        return SUPPRESSED if self.total is None else str(self.total)


def suppress(cells: dict[str, int], threshold: int = SUPPRESSION_THRESHOLD) -> tuple[dict[str, int | None], int | None]:
    """Primary and secondary suppression of a one-dimensional table with its total (true counts)."""
    total = sum(cells.values())
    out: dict[str, int | None] = dict(cells)
    if total < threshold:
        return dict.fromkeys(cells), None
    hidden = {k for k, v in cells.items() if v < threshold}  # none included: 0 → 1 must not show
    # Secondary: the total minus the visible cells must not reveal a single hidden cell, nor a
    # group of hidden cells smaller than the threshold.
    while hidden and (len(hidden) == 1 or sum(cells[k] for k in hidden) < threshold):
        visible = sorted((v, k) for k, v in cells.items() if k not in hidden)
        if not visible:
            break
        hidden.add(visible[0][1])
    for key in hidden:
        out[key] = None
    return out, total


def round_to_base(value: int, base: int = ROUNDING_BASE) -> int:
    """The nearest multiple of ``base`` (halves up: with base 5 there are none): 7 → 5, 8 → 10."""
    return base * ((2 * value + base) // (2 * base))


def publish(cells: dict[str, int]) -> tuple[dict[str, int | None], int | None]:
    """What a table shows: suppression on the true counts, then every visible cell and the total
    rounded to ``ROUNDING_BASE``, each on its own."""
    shown, total = suppress(cells)
    rounded = {k: None if v is None else round_to_base(v) for k, v in shown.items()}
    return rounded, None if total is None else round_to_base(total)


def _registered_on(reference_date: dt.date):
    return (
        Dossier.objects.using("crt")
        .filter(opened_on__lte=reference_date)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=reference_date))
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _counts(dimension: str, reference_date: dt.date) -> tuple[dict[str, int], dict[str, str]]:
    qs = _registered_on(reference_date)
    if dimension == "municipality":
        # Where each person lived on that date (address periods), in every municipality: a later
        # move does not change a past date, and a municipality's row is there before anyone lives there.
        raw = registered_persons_per_municipality(reference_date)
        names = municipality_names()
        cells = {k: raw.get(k, 0) for k in sorted({*names, *raw})}
        return cells, {k: names.get(k, k) for k in cells}
    if dimension == "sex":
        raw = dict(qs.values_list("person__sex").annotate(n=Count("pk")).order_by())
        cells = {k: raw.get(k, 0) for k in Sexes.values}
        return cells, {k: str(Sexes(k).label) for k in cells}
    if dimension == "status":
        # The status each dossier had on the reference date (its latest change by then).
        status_then = Subquery(
            StatusChange.objects.using("crt").filter(dossier=OuterRef("pk"), effective_on__lte=reference_date)
            .order_by("-effective_on", "-pk").values("status")[:1]
        )
        raw = dict(
            Dossier.objects.using("crt").filter(opened_on__lte=reference_date)
            .annotate(status_then=status_then).values_list("status_then").annotate(n=Count("pk")).order_by()
        )
        cells = {k: raw.get(k, 0) for k in DossierStatuses.values}
        return cells, {k: str(DossierStatuses(k).label) for k in cells}
    if dimension == "organisation":
        raw = dict(qs.values_list("organisation_id").annotate(n=Count("pk")).order_by())
        orgs = dict(Organisation.objects.using("crt").values_list("pk", "name"))
        cells = {str(pk): raw.get(pk, 0) for pk in orgs}
        return cells, {str(pk): name for pk, name in orgs.items()}
    if dimension == "age_band":
        whens = [
            When(person__birth_date__gt=_years_before(reference_date, upper), then=Value(label))
            for _lower, upper, label in AGE_BANDS[:-1]
        ]
        band = Case(*whens, default=Value(AGE_BANDS[-1][2]), output_field=CharField())
        raw = dict(qs.annotate(band=band).values_list("band").annotate(n=Count("pk")).order_by())
        cells = {label: raw.get(label, 0) for _lower, _upper, label in AGE_BANDS}
        return cells, {k: k for k in cells}
    if dimension == "month":
        rows = (
            Dossier.objects.using("crt").filter(opened_on__lte=reference_date)
            .annotate(month=TruncMonth("opened_on")).values_list("month").annotate(n=Count("pk")).order_by("month")
        )
        raw = {m.strftime("%Y-%m"): n for m, n in rows}
        cells = {k: raw.get(k, 0) for k in _months(min([FIRST_MONTH, *(dt.date.fromisoformat(f"{k}-01") for k in raw)]),
                                                   reference_date)}
        return cells, {k: k for k in cells}
    raise ValueError(dimension)


def _months(first: dt.date, last: dt.date) -> list[str]:
    """Every month from ``first`` to ``last`` ("YYYY-MM"), whether anyone registered in it or not."""
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def report_table(dimension: str, reference_date: dt.date) -> Table:
    """One published table on ``reference_date``: persons registered that day; for status (the status
    on that day) and month of registration, every dossier opened by then. Suppressed and rounded
    (``publish``)."""
    cells, labels = _counts(dimension, reference_date)
    shown, total = publish(cells)
    rows = [Row(key=k, label=labels[k], value=shown[k]) for k in cells]
    if dimension == "municipality":
        rows.sort(key=lambda r: r.label)
    return Table(dimension=dimension, dimension_label=str(DIMENSIONS[dimension]), rows=rows, total=total)


def report_tables(reference_date: dt.date) -> list[Table]:
    """Every published table on ``reference_date`` (the reporting page)."""
    return [report_table(dimension, reference_date) for dimension in DIMENSIONS]
