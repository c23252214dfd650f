"""Aggregated CRT figures, published so that no single person shows. Never a name, number or address.

Three rules, in this order (crt/README.md, "Published figures", says why):

1. **Primary suppression**: a cell of fewer than 5 persons, *none included*, shows ``x``. (A 0
   would let a reader see the first person arrive in an empty cell: 0 one day, ``x`` the next.)
2. **Secondary suppression**: when the total would let someone compute the hidden cells (one
   hidden cell, or hidden cells adding up to fewer than 5), the smallest visible cells are hidden too.
3. **Rounding**: every visible cell, and the total on its own, is rounded to the nearest multiple
   of 5 (``ROUNDING_BASE``), so two consecutive dates never differ by one person: subtracting the
   tables of two ``?datum=`` values does not show one person's registration, move or departure.
   The rounded cells need not add up to the rounded total.

The rows of a table do not depend on the data either (every municipality, organisation, status…,
every month since the start), so a row appearing does not give anyone away. The true counts come
from ``crt.selectors.counts_on``: one grouped sum for all tables, whatever the number of persons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.charts import Chart, Series
from crt.constants import AGE_BANDS, ROUNDING_BASE, SUPPRESSION_THRESHOLD, CountDimensions, DossierStatuses, Sexes
from crt.models import Organisation
from crt.selectors import counts_on, municipality_names

SUPPRESSED = "x"
CHART_MUNICIPALITIES = 20  # the municipality chart: the largest published cells (the table has them all)
# The month table starts at the first month of the reception (14 March 2022), or earlier data.
FIRST_MONTH = dt.date(2022, 3, 1)
DIMENSIONS = dict(CountDimensions.choices)  # the tables, in the page's order


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

    def chart_json(self) -> dict:
        """The JSON behind the table's chart: the published figures of its rows (``None`` where
        the table shows ``x``), never a true count. For the municipalities, the
        ``CHART_MUNICIPALITIES`` largest visible cells (ranked by the published figure)."""
        rows, note = self.rows, ""
        if self.dimension == CountDimensions.MUNICIPALITY:
            visible = sorted((r for r in rows if r.value is not None), key=lambda r: (-r.value, r.label))
            rows = visible[:CHART_MUNICIPALITIES]
            note = _("De %(n)s gemeenten met de meeste personen; de tabel toont alle gemeenten.") % {
                "n": CHART_MUNICIPALITIES}
        chart = Chart(title=self.dimension_label, labels=[r.label for r in rows],
                      series=[Series(label=str(_("Personen")), data=[r.value for r in rows])],
                      horizontal=self.dimension == CountDimensions.MUNICIPALITY, suppressed_label=SUPPRESSED,
                      note=note)
        return chart.as_json()


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


def _cells(dimension: str, raw: dict[str, int], reference_date: dt.date) -> tuple[dict[str, int], dict[str, str]]:
    """A table's cells (every row, with or without anyone: a row appearing would give a person
    away) from the exact counts of ``crt.selectors.counts_on``, and the rows' labels."""
    if dimension == CountDimensions.MUNICIPALITY:
        # Where each person lived on that date (address periods): a later move does not change a past date.
        names = municipality_names()
        cells = {k: raw.get(k, 0) for k in sorted({*names, *raw})}
        return cells, {k: names.get(k, k) for k in cells}
    if dimension == CountDimensions.SEX:
        return {k: raw.get(k, 0) for k in Sexes.values}, {k: str(Sexes(k).label) for k in Sexes.values}
    if dimension == CountDimensions.STATUS:  # the status each dossier had on that date
        return ({k: raw.get(k, 0) for k in DossierStatuses.values},
                {k: str(DossierStatuses(k).label) for k in DossierStatuses.values})
    if dimension == CountDimensions.ORGANISATION:
        orgs = {str(pk): name for pk, name in Organisation.objects.using("crt").values_list("pk", "name")}
        return {k: raw.get(k, 0) for k in orgs}, orgs
    if dimension == CountDimensions.AGE_BAND:
        labels = [label for _lower, _upper, label in AGE_BANDS]
        return {k: raw.get(k, 0) for k in labels}, {k: k for k in labels}
    if dimension == CountDimensions.MONTH:
        first = min([FIRST_MONTH, *(dt.date.fromisoformat(f"{k}-01") for k in raw)])
        cells = {k: raw.get(k, 0) for k in _months(first, reference_date)}
        return cells, {k: k for k in cells}
    raise ValueError(dimension)


def _counts(dimension: str, reference_date: dt.date) -> tuple[dict[str, int], dict[str, str]]:
    """One table's true counts (before publication) and labels."""
    return _cells(dimension, counts_on(reference_date, [dimension]).get(dimension, {}), reference_date)


def _months(first: dt.date, last: dt.date) -> list[str]:
    """Every month from ``first`` to ``last`` ("YYYY-MM"), whether anyone registered in it or not."""
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _table(dimension: str, cells: dict[str, int], labels: dict[str, str]) -> Table:
    shown, total = publish(cells)
    rows = [Row(key=k, label=labels[k], value=shown[k]) for k in cells]
    if dimension == CountDimensions.MUNICIPALITY:
        rows.sort(key=lambda r: r.label)
    return Table(dimension=dimension, dimension_label=str(DIMENSIONS[dimension]), rows=rows, total=total)


def report_table(dimension: str, reference_date: dt.date) -> Table:
    """One published table on ``reference_date``: persons registered that day; for status (the status
    on that day) and month of registration, every dossier opened by then. Suppressed and rounded
    (``publish``)."""
    return _table(dimension, *_counts(dimension, reference_date))


def report_tables(reference_date: dt.date) -> list[Table]:
    """Every published table on ``reference_date`` (the reporting page): one grouped sum for all
    the counts, whatever the number of persons."""
    raw = counts_on(reference_date)
    return [_table(dimension, *_cells(dimension, raw.get(dimension, {}), reference_date)) for dimension in DIMENSIONS]
