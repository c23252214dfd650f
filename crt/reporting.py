"""Aggregated CRT figures with small-cell suppression. Never a name, number or address.

Cells from 1 to 4 persons are suppressed (primary suppression). When a table's total would let
someone compute a suppressed cell (one suppressed cell, or suppressed cells adding up to fewer
than 5), the smallest visible cells are suppressed too (secondary suppression). A total under 5
is itself suppressed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from crt.constants import AGE_BANDS, SUPPRESSION_THRESHOLD, DossierStatuses, Sexes
from crt.models import Dossier, Organisation, StatusChange
from crt.selectors import municipality_names

SUPPRESSED = "x"
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
    value: int | None  # None = suppressed

    @property
    def display(self) -> str:
        return SUPPRESSED if self.value is None else str(self.value)


@dataclass
class Table:
    dimension: str
    dimension_label: str
    rows: list[Row]
    total: int | None

    @property
    def total_display(self) -> str:
        return SUPPRESSED if self.total is None else str(self.total)


def suppress(cells: dict[str, int], threshold: int = SUPPRESSION_THRESHOLD) -> tuple[dict[str, int | None], int | None]:
    """Primary and secondary suppression of a one-dimensional table with its total."""
    total = sum(cells.values())
    out: dict[str, int | None] = dict(cells)
    hidden = {k for k, v in cells.items() if 0 < v < threshold}
    if total < threshold:
        return {k: (None if v else 0) for k, v in cells.items()}, None
    # Secondary: the total minus the visible cells must not reveal a single hidden cell, nor a
    # group of hidden cells smaller than the threshold.
    while hidden and (len(hidden) == 1 or sum(cells[k] for k in hidden) < threshold):
        visible = sorted((v, k) for k, v in cells.items() if k not in hidden and v > 0)
        if not visible:
            break
        hidden.add(visible[0][1])
    for key in hidden:
        out[key] = None
    return out, total


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
        raw = dict(qs.values_list("person__municipality_refnis").annotate(n=Count("pk")).order_by())
        names = municipality_names(raw)
        return raw, {k: names.get(k, k) for k in raw}
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
        cells = {m.strftime("%Y-%m"): n for m, n in rows}
        return cells, {k: k for k in cells}
    raise ValueError(dimension)


def report_table(dimension: str, reference_date: dt.date) -> Table:
    """One aggregate table on ``reference_date``: persons registered that day; for status (the status
    on that day) and month of registration, every dossier opened by then."""
    cells, labels = _counts(dimension, reference_date)
    shown, total = suppress(cells)
    rows = [Row(key=k, label=labels[k], value=shown[k]) for k in cells]
    if dimension == "municipality":
        rows.sort(key=lambda r: r.label)
    return Table(dimension=dimension, dimension_label=str(DIMENSIONS[dimension]), rows=rows, total=total)
