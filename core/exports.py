"""Tabular exports (CSV and XLSX) that open cleanly in a Belgian Excel — one implementation for
every list, dashboard and report of the product.

* CSV: UTF-8 with BOM, ``;`` as separator, decimal comma, dates ``30-11-2026``, ``ja``/``nee``;
  numbers without a thousands separator so that Excel reads them as numbers.
* XLSX: typed cells (numbers stay numbers, dates stay dates) with Belgian display formats.
* Text that a spreadsheet would run as a formula is neutralised (``'=…``) in both.
* Codes and labels: a column shows the Dutch label; where a code matters to a tool reading the
  file, give it a column of its own.

The caller (an interface) checks permissions, applies the scope and writes the audit event;
this module only writes the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise_cell(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class Kind(Enum):
    """What a column holds: decides how CSV writes it and which XLSX number format it gets."""

    TEXT = ("@", None)
    INTEGER = ("#,##0", 0)
    DECIMAL = ("#,##0.0", 1)
    PERCENT = ('0.0" %"', 1)  # a percentage value (67.9), not a ratio
    MONEY = ("#,##0.00", 2)
    DATE = ("dd-mm-yyyy", None)
    BOOLEAN = ("@", None)

    def __init__(self, xlsx_format: str, decimals: int | None):
        self.xlsx_format = xlsx_format
        self.decimals = decimals


@dataclass(frozen=True)
class Column:
    """``label`` heads the column (translated); ``value`` is an attribute path (``"municipality.name_nl"``),
    a dict key, or a callable of the row."""

    label: Any
    value: str | Callable[[Any], Any]
    kind: Kind = Kind.TEXT

    def get(self, row) -> Any:
        if callable(self.value):
            return self.value(row)
        obj = row
        for part in self.value.split("."):
            obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
            if obj is None:
                return None
        return obj


def _csv_cell(value, kind: Kind) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
        if kind.decimals:
            value = Decimal(str(value)).quantize(Decimal(1).scaleb(-kind.decimals), rounding=ROUND_HALF_UP)
        return str(value).replace(".", ",")
    return neutralise_cell(str(value))


def _xlsx_cell(value, kind: Kind):
    if value is None:
        return None
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # openpyxl cannot store an aware datetime
    if isinstance(value, int | Decimal | float | dt.date):
        return value
    return neutralise_cell(str(value))


class _Echo:
    def write(self, value):
        return value


def csv_response(*, filename: str, columns: list[Column], rows: Iterable, stream: bool = False) -> HttpResponse:
    """A CSV download; ``stream=True`` for long lists (rows are read lazily, e.g. ``qs.iterator()``)."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow([neutralise_cell(str(c.label)) for c in columns])
        for row in rows:
            yield writer.writerow([_csv_cell(c.get(row), c.kind) for c in columns])

    if stream:
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse("".join(lines()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(*, filename: str, columns: list[Column], rows: Iterable, sheet: str = "") -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=(sheet or filename)[:31])
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(worksheet, value=neutralise_cell(str(column.label)))
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    for row in rows:
        cells = []
        for column in columns:
            cell = WriteOnlyCell(worksheet, value=_xlsx_cell(column.get(row), column.kind))
            if column.kind is not Kind.TEXT and column.kind is not Kind.BOOLEAN:
                cell.number_format = column.kind.xlsx_format
            cells.append(cell)
        worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


EXPORT_FORMATS = ("csv", "xlsx")


def export_format(request) -> str:
    """``?formaat=xlsx`` → ``"xlsx"``; anything else → ``"csv"``."""
    return "xlsx" if request.GET.get("formaat") == "xlsx" else "csv"


def export_response(*, fmt: str, filename: str, columns: list[Column], rows: Iterable, sheet: str = "") -> HttpResponse:
    if fmt == "xlsx":
        return xlsx_response(filename=filename, columns=columns, rows=rows, sheet=sheet)
    return csv_response(filename=filename, columns=columns, rows=rows)
