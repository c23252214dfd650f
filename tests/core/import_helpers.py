"""Helpers for the stored import (core.models.Import): files built in memory, and the admin steps
with the import task run as it runs on the embedded default (eagerly, once the request commits)."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from typing import TYPE_CHECKING

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

if TYPE_CHECKING:
    from core.models import Import

PLACE_COLUMNS = ["refnis", "name", "street", "house_number", "postal_code", "operator", "capacity", "category",
                 "category_2_subtype", "start_date", "end_date", "accessible", "pets_allowed", "notes"]
GENT, GENT_POSTAL = "44021", "9000"
ANTWERPEN, ANTWERPEN_POSTAL = "11002", "2000"


def place_row(i: int, **changes) -> list:
    row = dict(refnis=GENT, name="", street=f"Importstraat {i % 50}", house_number=str(i + 1), postal_code=GENT_POSTAL,
               operator="Import BV", capacity="4", category="1_private", category_2_subtype="", start_date="2023-01-01",
               end_date="", accessible="0", pets_allowed="1", notes="")
    row.update(changes)
    return [row[c] for c in PLACE_COLUMNS]


def csv_bytes(rows, headers=PLACE_COLUMNS) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows, headers=PLACE_COLUMNS) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_with_sheet_xml(sheet_xml: bytes, *, level: int = 9) -> bytes:
    """A minimal xlsx whose first sheet is ``sheet_xml`` (deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'))
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"


def expanding_bomb(rows: int = 1_000_000) -> bytes:
    """A real zip bomb: a sheet of ``rows`` identical rows (about 49 MB of XML) packed into about
    330 kB. Built in memory in a fraction of a second. The sheet states its dimension, as Excel and
    LibreOffice write it (without one, openpyxl scans the whole sheet once when it opens the file)."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    head = SHEET_HEAD.replace(b"<sheetData>", b'<dimension ref="A1:A%d"/><sheetData>' % rows)
    return xlsx_with_sheet_xml(head + row * rows + SHEET_TAIL, level=1)


def claiming_bomb(claimed: int = 2**40) -> bytes:
    """A tiny xlsx whose zip directory claims the sheet unpacks to ``claimed`` bytes (1 TB): the
    central-directory entry's uncompressed size is rewritten (as zip64, which can say so)."""
    raw = bytearray(xlsx_with_sheet_xml(SHEET_HEAD + b"<row/>" + SHEET_TAIL))
    name = b"xl/worksheets/sheet1.xml"
    # A central-directory header: signature PK\x01\x02, sizes at +20 (packed) and +24 (unpacked), the
    # name's length at +28, the extra field's at +30, the name at +46.
    start = next(
        m.start() for m in re.finditer(rb"PK\x01\x02", bytes(raw))
        if bytes(raw[m.start() + 46: m.start() + 46 + struct.unpack_from("<H", raw, m.start() + 28)[0]]) == name
    )
    struct.pack_into("<I", raw, start + 24, 0xFFFFFFFF)  # uncompressed size: see the zip64 extra field
    extra_length = struct.unpack_from("<H", raw, start + 30)[0]
    assert extra_length == 0
    name_length = struct.unpack_from("<H", raw, start + 28)[0]
    extra = struct.pack("<HHQ", 0x0001, 8, claimed)
    insert_at = start + 46 + name_length
    raw[insert_at:insert_at] = extra
    struct.pack_into("<H", raw, start + 30, len(extra))
    # the end-of-central-directory record: the directory grew by len(extra) bytes
    eocd = bytes(raw).rindex(b"PK\x05\x06")
    size = struct.unpack_from("<I", raw, eocd + 12)[0]
    struct.pack_into("<I", raw, eocd + 12, size + len(extra))
    return bytes(raw)


def upload(client, capture, content: bytes, *, name="plaatsen.csv", url="admin:hvt_receptionplace_import", **fields):
    """POST the upload form; the import task runs when the request's transaction commits."""
    data = {"import_file": SimpleUploadedFile(name, content), **fields}
    with capture(execute=True):
        return client.post(reverse(url), data)


def confirm(client, capture, imp: Import):
    with capture(execute=True):
        return client.post(reverse("admin:core_import_confirm", args=[imp.pk]))


def status_page(client, imp: Import):
    return client.get(reverse("admin:core_import_change", args=[imp.pk]))
