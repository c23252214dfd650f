"""Import files are refused before they are parsed when they cannot be safe (core.uploads): size,
format, the xlsx zip directory (zip bombs), and the rows counted while streaming."""

import io
import re
import time
import zipfile

import openpyxl
import pytest
from django.test import override_settings

from core import uploads
from core.constants import ImportFormats
from tests.core.import_helpers import (
    PLACE_COLUMNS,
    SHEET_HEAD,
    SHEET_TAIL,
    claiming_bomb,
    csv_bytes,
    expanding_bomb,
    place_row,
    xlsx_bytes,
    xlsx_with_sheet_xml,
)


def limits(**changes) -> uploads.ImportLimits:
    values = dict(max_upload_bytes=5 * 1024 * 1024, max_rows=20_000, max_columns=50,
                  max_uncompressed_bytes=50 * 1024 * 1024, max_compression_ratio=100, max_zip_entries=1000)
    return uploads.ImportLimits(**(values | changes))


@pytest.fixture
def openpyxl_must_not_open(monkeypatch):
    """Fails the test if openpyxl is asked to open anything: the refusal must come first."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a file that should have been refused before parsing")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_the_limits_are_settings_with_safe_defaults(settings):
    assert settings.IMPORT_MAX_UPLOAD_BYTES == 5 * 1024 * 1024
    assert settings.IMPORT_MAX_ROWS == 20_000
    assert uploads.ImportLimits.from_settings() == limits()
    with override_settings(IMPORT_MAX_ROWS=7, IMPORT_MAX_COMPRESSION_RATIO=3):
        assert uploads.ImportLimits.from_settings() == limits(max_rows=7, max_compression_ratio=3)


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


# --- before parsing ------------------------------------------------------------------------------------

def test_a_file_over_the_size_limit_is_refused_with_both_sizes_in_dutch():
    raw = csv_bytes([place_row(0)])
    with pytest.raises(uploads.UploadRefused) as caught:
        uploads.check_file("plaatsen.csv", raw, limits(max_upload_bytes=len(raw) - 1))
    assert "er kan hoogstens" in str(caught.value) and "Importeer het in delen" in str(caught.value)


@pytest.mark.parametrize(("name", "raw", "message"), [
    ("plaatsen.xls", b"a,b\n", "Alleen CSV-bestanden (.csv) en Excel-bestanden (.xlsx)"),
    ("plaatsen.json", b"[]", "Alleen CSV-bestanden (.csv) en Excel-bestanden (.xlsx)"),
    ("plaatsen.xlsx", b"refnis,name\n", "Dit is geen geldig xlsx-bestand."),
    ("plaatsen.csv", b"PK\x03\x04rest", "is een zip- of xlsx-bestand"),
    ("plaatsen.csv", b"", "Het bestand is leeg."),
])
def test_only_csv_and_xlsx_whose_content_matches_the_name(name, raw, message):
    with pytest.raises(uploads.UploadRefused) as caught:
        uploads.check_file(name, raw, limits())
    assert message in str(caught.value)


def test_a_good_xlsx_and_csv_pass_the_checks():
    rows = [place_row(i) for i in range(3)]
    assert uploads.check_file("p.xlsx", xlsx_bytes(rows), limits()) == ImportFormats.XLSX
    assert uploads.check_file("p.CSV", csv_bytes(rows), limits()) == ImportFormats.CSV


def test_a_tiny_xlsx_claiming_a_terabyte_sheet_is_refused_from_its_zip_directory(openpyxl_must_not_open):
    raw = claiming_bomb(2**40)
    assert len(raw) < 2000
    assert zipfile.ZipFile(io.BytesIO(raw)).getinfo("xl/worksheets/sheet1.xml").file_size == 2**40
    started = time.perf_counter()
    with pytest.raises(uploads.UploadRefused) as caught:
        uploads.check_file("bom.xlsx", raw, limits())
    assert time.perf_counter() - started < 1
    assert "verdacht sterk samengeperst" in str(caught.value)


def test_a_real_zip_bomb_is_refused_by_its_compression_ratio_before_openpyxl_opens_it(openpyxl_must_not_open):
    raw = expanding_bomb(1_000_000)  # a million rows: ~49 MB of sheet XML in ~0.3 MB
    assert len(raw) < 500_000
    started = time.perf_counter()
    with pytest.raises(uploads.UploadRefused) as caught:
        uploads.read_dataset(raw, ImportFormats.XLSX, limits=limits())
    assert time.perf_counter() - started < 1
    assert "verdacht sterk samengeperst" in str(caught.value) and "hoogstens 100 keer" in str(caught.value)


def test_the_unpacked_total_is_limited_even_when_no_entry_is_packed_suspiciously(openpyxl_must_not_open):
    sheet = SHEET_HEAD + b"".join(b'<row r="%d"><c t="n"><v>%d</v></c></row>' % (i, i) for i in range(1, 20_000)) + SHEET_TAIL
    raw = xlsx_with_sheet_xml(sheet)
    with pytest.raises(uploads.UploadRefused) as caught:
        uploads.check_file("groot.xlsx", raw, limits(max_uncompressed_bytes=len(sheet) // 2))
    assert "pakt uit tot" in str(caught.value)
    assert uploads.check_file("groot.xlsx", raw, limits()) == ImportFormats.XLSX


def test_too_many_zip_entries_and_encrypted_entries_are_refused(openpyxl_must_not_open):
    raw = xlsx_bytes([place_row(0)])
    with pytest.raises(uploads.UploadRefused, match="onderdelen"):
        uploads.check_file("p.xlsx", raw, limits(max_zip_entries=3))
    encrypted = bytearray(raw)
    directory = bytes(encrypted).index(b"PK\x01\x02")
    encrypted[directory + 8] |= 0x1  # general-purpose flag bit 0: encrypted
    with pytest.raises(uploads.UploadRefused, match="wachtwoord"):
        uploads.check_file("p.xlsx", bytes(encrypted), limits())


def test_a_zip_that_is_not_a_workbook_is_refused(openpyxl_must_not_open):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "geen werkboek")
    with pytest.raises(uploads.UploadRefused, match="geen geldig xlsx-bestand"):
        uploads.check_file("p.xlsx", out.getvalue(), limits())


# --- while reading --------------------------------------------------------------------------------------

def test_a_million_row_csv_is_refused_at_the_first_row_too_many():
    raw = csv_bytes([], headers=["refnis"]) + b"44021\n" * 1_000_000  # 6 MB would pass no size limit: raise it
    seen = []
    started = time.perf_counter()
    with pytest.raises(uploads.UploadRefused) as caught:
        uploads.read_dataset(raw, ImportFormats.CSV, limits=limits(max_upload_bytes=len(raw)),
                             progress=lambda done, total: seen.append(done))
    elapsed = time.perf_counter() - started
    assert "meer dan 20.000 rijen" in str(caught.value) and "Verdeel het bestand" in str(caught.value)
    assert max(seen) == 20_000  # reading stopped at row 20,001: the other 979,999 were never read
    assert elapsed < 3


def test_rows_are_limited_in_xlsx_too_while_streaming():
    rows = [place_row(i) for i in range(30)]
    raw = xlsx_bytes(rows)
    dataset = uploads.read_dataset(raw, ImportFormats.XLSX, limits=limits(max_rows=30))
    assert dataset.headers == PLACE_COLUMNS and len(dataset) == 30
    assert dataset[0][0] == "44021"
    with pytest.raises(uploads.UploadRefused, match="meer dan 29 rijen"):
        uploads.read_dataset(raw, ImportFormats.XLSX, limits=limits(max_rows=29))


def test_a_bomb_with_the_archive_limits_raised_is_still_stopped_by_the_row_limit():
    raw = expanding_bomb(1_000_000)
    generous = limits(max_compression_ratio=10_000, max_uncompressed_bytes=100 * 1024 * 1024, max_rows=2_000)
    started = time.perf_counter()
    with pytest.raises(uploads.UploadRefused, match="meer dan 2.000 rijen"):
        uploads.read_dataset(raw, ImportFormats.XLSX, limits=generous)
    assert time.perf_counter() - started < 5  # streamed: only ~2,000 of the million rows were parsed


def test_a_claimed_sheet_dimension_does_not_make_openpyxl_pad_rows():
    # The sheet claims A1:XFD1048576 and has a cell in column XFD (16,384): openpyxl is asked for one
    # column more than allowed, so no row is padded to 16,384 cells and the far cell is not read at all.
    sheet = (SHEET_HEAD.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
             + b'<row r="1"><c r="A1" t="inlineStr"><is><t>refnis</t></is></c></row>'
             + b'<row r="2"><c r="A2" t="inlineStr"><is><t>44021</t></is></c>'
             + b'<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>' + SHEET_TAIL)
    dataset = uploads.read_dataset(xlsx_with_sheet_xml(sheet), ImportFormats.XLSX, limits=limits())
    assert dataset.headers == ["refnis"] and [list(r) for r in dataset] == [["44021"]]


def test_a_value_beyond_the_column_limit_refuses_the_file():
    too_wide = [place_row(0) + [""] * 36 + ["te ver"]]  # column 51
    with pytest.raises(uploads.UploadRefused, match="Regel 2 heeft meer dan 50 kolommen"):
        uploads.read_dataset(xlsx_bytes(too_wide), ImportFormats.XLSX, limits=limits())
    with pytest.raises(uploads.UploadRefused, match="Regel 2 heeft meer dan 50 kolommen"):
        uploads.read_dataset(csv_bytes(too_wide), ImportFormats.CSV, limits=limits())


def test_blank_rows_are_skipped_but_limited():
    raw = b"refnis,name\n44021,a\n\n,\n44021,b\n"
    dataset = uploads.read_dataset(raw, ImportFormats.CSV, limits=limits())
    assert [list(r) for r in dataset] == [["44021", "a"], ["44021", "b"]]
    with pytest.raises(uploads.UploadRefused, match="lege regels"):
        uploads.read_dataset(b"refnis\n" + b",\n" * 11 + b"44021\n", ImportFormats.CSV, limits=limits(max_rows=10))


@pytest.mark.parametrize(("raw", "message"), [
    ("refnis;naam\n".encode("cp1252") + "Liège;é\n".encode("cp1252"), "geen UTF-8-tekst"),
    (b"refnis,name\n44021,a,b\n", "meer waarden (3) dan er kolomnamen zijn (2)"),
    (b"\n\nrefnis\n", "De eerste regel moet de kolomnamen bevatten"),
    (b"refnis\n" + b'"' + b"x" * 200_000 + b'"\n', "kan niet worden gelezen"),
])
def test_malformed_csv_gets_a_dutch_reason(raw, message):
    with pytest.raises(uploads.UploadRefused, match=re.escape(message)):
        uploads.read_dataset(raw, ImportFormats.CSV, limits=limits())


def test_an_xml_entity_bomb_inside_an_xlsx_is_refused():
    sheet = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
             b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    with pytest.raises(uploads.UploadRefused, match="kan niet worden gelezen"):
        uploads.read_dataset(xlsx_with_sheet_xml(sheet), ImportFormats.XLSX, limits=limits())
