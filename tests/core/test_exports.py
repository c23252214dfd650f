"""Exports open cleanly in a Belgian Excel: BOM, ';', decimal comma, day-month-year, Dutch yes/no,
formulas neutralised; XLSX keeps numbers and dates typed."""

import datetime as dt
import io
from decimal import Decimal

from django.utils import translation
from openpyxl import load_workbook

from core.exports import Column, Kind, csv_response, export_response, neutralise_cell, xlsx_response

COLUMNS = [
    Column("Gemeente", "name"),
    Column("Bedden", "beds", Kind.INTEGER),
    Column("Realisatie (%)", "realisation", Kind.PERCENT),
    Column("Bedrag (EUR)", "amount", Kind.MONEY),
    Column("Sinds", "since", Kind.DATE),
    Column("Toegankelijk", "accessible"),
    Column("Provincie", lambda row: row["province"]["name"]),
]
ROWS = [
    {"name": "Gent", "beds": 10168, "realisation": 67.94, "amount": Decimal("287915"), "since": dt.date(2022, 4, 25),
     "accessible": True, "province": {"name": "Oost-Vlaanderen"}},
    {"name": "=HYPERLINK(\"http://x\")", "beds": None, "realisation": None, "amount": Decimal("-12.5"),
     "since": None, "accessible": False, "province": {"name": "-1+1"}},
]


def test_csv_is_for_belgian_excel():
    with translation.override("nl"):
        response = csv_response(filename="test", columns=COLUMNS, rows=ROWS)
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0] == "Gemeente;Bedden;Realisatie (%);Bedrag (EUR);Sinds;Toegankelijk;Provincie"
    assert lines[1] == "Gent;10168;67,9;287915,00;25-04-2022;ja;Oost-Vlaanderen"
    # A formula is text, a missing value is empty (not 0), a negative amount stays a number.
    assert lines[2] == "\"'=HYPERLINK(\"\"http://x\"\")\";;;-12,50;;nee;'-1+1"
    assert response["Content-Disposition"] == 'attachment; filename="test.csv"'


def test_streamed_csv_reads_rows_lazily():
    def rows():
        yield from ROWS

    response = csv_response(filename="lang", columns=COLUMNS[:2], rows=rows(), stream=True)
    assert response.streaming
    assert b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()[1] == "Gent;10168"


def test_xlsx_keeps_types_and_neutralises_formulas():
    response = xlsx_response(filename="test", columns=COLUMNS, rows=ROWS)
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, first, second = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Gemeente"
    assert first[1] == 10168 and first[3] == 287915 and first[4] == dt.datetime(2022, 4, 25)
    assert sheet["C2"].number_format == '0.0" %"' and sheet["D2"].number_format == "#,##0.00"
    assert second[0].startswith("'=") and second[6] == "'-1+1"


def test_export_response_picks_the_format():
    assert export_response(fmt="xlsx", filename="a", columns=COLUMNS, rows=[])["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    assert export_response(fmt="csv", filename="a", columns=COLUMNS, rows=[])["Content-Type"].startswith("text/csv")


def test_neutralise_cell_leaves_numbers_alone():
    assert neutralise_cell(-3) == -3
    assert neutralise_cell("+32 9 123") == "'+32 9 123"
