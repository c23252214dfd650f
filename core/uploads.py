"""An import file, read within limits: refused before it is parsed when it cannot be safe.

The limits are settings (config/settings/base.py, docs/OPERATIONS.md "Import limits"):

* ``IMPORT_MAX_UPLOAD_BYTES``: the file itself (the upload view refuses a larger request from its
  Content-Length, before Django reads the body);
* for xlsx, which is a zip archive, the archive's directory is read with ``zipfile`` before openpyxl
  opens anything: at most ``IMPORT_MAX_ZIP_ENTRIES`` entries, ``IMPORT_MAX_UNCOMPRESSED_BYTES`` in all
  once unpacked, and no entry packed more than ``IMPORT_MAX_COMPRESSION_RATIO`` : 1 (a zip bomb). The
  declared sizes are an upper bound: Python's zipfile stops reading an entry at its declared size;
* while the rows are read (CSV streamed by ``csv``, xlsx streamed by openpyxl's read-only mode with its
  stored dimension ignored): at most ``IMPORT_MAX_ROWS`` data rows (reading stops at the first row
  too many), ``IMPORT_MAX_COLUMNS`` columns, and as many blank rows as data rows allowed.

Every refusal is an ``UploadRefused`` with a Dutch message for the user; nothing is imported.

openpyxl (with defusedxml, so no entity expansion) reads a sheet that has no ``<dimension>`` element
once in full when it opens the workbook; the unpacked-size limit bounds that pass too.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.constants import ImportFormats

logger = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
# An entry smaller than this cannot hurt whatever its ratio (small XML parts compress very well).
RATIO_CHECK_FROM_BYTES = 1024 * 1024
# How often the reader reports progress while it reads (rows).
PROGRESS_EVERY = 1000

Progress = Callable[[int, int], None]


class UploadRefused(Exception):
    """The file is refused; ``str(exc)`` is a Dutch message for the user."""


@dataclass(frozen=True)
class ImportLimits:
    max_upload_bytes: int
    max_rows: int
    max_columns: int
    max_uncompressed_bytes: int
    max_compression_ratio: int
    max_zip_entries: int

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            max_upload_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
            max_rows=settings.IMPORT_MAX_ROWS,
            max_columns=settings.IMPORT_MAX_COLUMNS,
            max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            max_zip_entries=settings.IMPORT_MAX_ZIP_ENTRIES,
        )


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def size_refusal(size: int, limits: ImportLimits) -> UploadRefused:
    return UploadRefused(
        _("Het bestand is %(size)s groot; er kan hoogstens %(limit)s worden opgeladen. Importeer het in delen.")
        % {"size": filesizeformat(size), "limit": filesizeformat(limits.max_upload_bytes)}
    )


def file_format(file_name: str, head: bytes) -> str:
    """The format from the name, checked against the first bytes (an xlsx is a zip archive)."""
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix == ".xlsx":
        if not head.startswith(ZIP_MAGIC):
            raise UploadRefused(_("Dit is geen geldig xlsx-bestand."))
        return ImportFormats.XLSX
    if suffix == ".csv":
        if head.startswith(ZIP_MAGIC):
            raise UploadRefused(_("Dit bestand heeft de naam van een CSV-bestand maar is een zip- of xlsx-bestand."))
        return ImportFormats.CSV
    raise UploadRefused(_("Alleen CSV-bestanden (.csv) en Excel-bestanden (.xlsx) kunnen worden geïmporteerd."))


def check_xlsx_archive(raw: bytes, limits: ImportLimits) -> None:
    """Refuse an xlsx whose zip directory promises too much, before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadRefused(_("Dit is geen geldig xlsx-bestand.")) from exc
    with archive:
        entries = archive.infolist()
    if len(entries) > limits.max_zip_entries:
        raise UploadRefused(
            _("Het xlsx-bestand bevat %(count)s onderdelen; hoogstens %(limit)s zijn toegestaan. Het wordt niet geopend.")
            % {"count": _number(len(entries)), "limit": _number(limits.max_zip_entries)}
        )
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UploadRefused(_("Het xlsx-bestand is met een wachtwoord beveiligd; sla het zonder wachtwoord op."))
        total += entry.file_size
        packed = max(entry.compress_size, 1)
        if entry.file_size >= RATIO_CHECK_FROM_BYTES and entry.file_size > limits.max_compression_ratio * packed:
            raise UploadRefused(
                _("Het xlsx-bestand is verdacht sterk samengeperst (%(ratio)s keer; hoogstens %(limit)s keer is "
                  "toegestaan) en wordt niet geopend.")
                % {"ratio": _number(entry.file_size // packed), "limit": _number(limits.max_compression_ratio)}
            )
    if total > limits.max_uncompressed_bytes:
        raise UploadRefused(
            _("Het xlsx-bestand pakt uit tot %(size)s; hoogstens %(limit)s is toegestaan. Het wordt niet geopend.")
            % {"size": filesizeformat(total), "limit": filesizeformat(limits.max_uncompressed_bytes)}
        )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise UploadRefused(_("Dit is geen geldig xlsx-bestand."))


def check_file(file_name: str, raw: bytes, limits: ImportLimits | None = None) -> str:
    """Every check that needs no parsing (name, size, zip directory); returns the format."""
    limits = limits or ImportLimits.from_settings()
    if len(raw) > limits.max_upload_bytes:
        raise size_refusal(len(raw), limits)
    if not raw:
        raise UploadRefused(_("Het bestand is leeg."))
    fmt = file_format(file_name, raw[:4])
    if fmt == ImportFormats.XLSX:
        check_xlsx_archive(raw, limits)
    return fmt


def _csv_rows(raw: bytes) -> Iterator[list]:
    text = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline="")
    try:
        yield from csv.reader(text)
    except UnicodeDecodeError as exc:
        raise UploadRefused(_("Het CSV-bestand is geen UTF-8-tekst; sla het op als 'CSV UTF-8'.")) from exc
    except csv.Error as exc:
        raise UploadRefused(_("Het CSV-bestand kan niet worden gelezen (%(reason)s).") % {"reason": exc}) from exc


def _xlsx_rows(raw: bytes, limits: ImportLimits) -> Iterator[tuple]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # untrusted input: any parser error is "cannot be read"
        logger.info("xlsx refused by openpyxl: %s", exc.__class__.__name__)
        raise UploadRefused(_("Het xlsx-bestand kan niet worden gelezen.")) from exc
    try:
        sheet = book.active
        # The stored <dimension> is the file's claim: ignore it, so that openpyxl does not pad every
        # row to a claimed width; one column more than allowed is enough to see a file too wide.
        sheet.reset_dimensions()
        try:
            yield from sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1)
        except Exception as exc:
            logger.info("xlsx refused while reading: %s", exc.__class__.__name__)
            raise UploadRefused(_("Het xlsx-bestand kan niet worden gelezen.")) from exc
    finally:
        book.close()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_dataset(raw: bytes, fmt: str, *, limits: ImportLimits | None = None,
                 progress: Progress | None = None) -> tablib.Dataset:
    """The first sheet (xlsx) or the file (CSV) as a Dataset: the first row holds the column names.

    Blank rows are skipped. Raises UploadRefused as soon as a limit is passed: the rows after it are
    never read."""
    limits = limits or ImportLimits.from_settings()
    if fmt == ImportFormats.XLSX:
        check_xlsx_archive(raw, limits)  # again: the stored file is read by a task, maybe from a command
        rows = _xlsx_rows(raw, limits)
    elif fmt == ImportFormats.CSV:
        rows = _csv_rows(raw)
    else:
        raise UploadRefused(_("Alleen CSV-bestanden (.csv) en Excel-bestanden (.xlsx) kunnen worden geïmporteerd."))
    try:
        return _collect(rows, limits, progress)
    finally:
        rows.close()


def _collect(rows: Iterator, limits: ImportLimits, progress: Progress | None) -> tablib.Dataset:
    headers = None
    data = []
    blank = 0
    for line, values in enumerate(rows, start=1):
        values = list(values)
        if len(values) > limits.max_columns and any(not _blank(v) for v in values[limits.max_columns:]):
            raise UploadRefused(
                _("Regel %(line)s heeft meer dan %(limit)s kolommen; meer zijn niet toegestaan.")
                % {"line": _number(line), "limit": _number(limits.max_columns)}
            )
        while values and _blank(values[-1]):
            values.pop()
        if headers is None:
            if not values:
                raise UploadRefused(_("De eerste regel moet de kolomnamen bevatten, maar is leeg."))
            headers = ["" if v is None else str(v).strip() for v in values]
            continue
        if not values:
            blank += 1
            if blank > limits.max_rows:
                raise UploadRefused(
                    _("Het bestand heeft meer dan %(limit)s lege regels; verwijder ze en probeer opnieuw.")
                    % {"limit": _number(limits.max_rows)}
                )
            continue
        if len(data) == limits.max_rows:
            raise UploadRefused(
                _("Het bestand heeft meer dan %(limit)s rijen; er kunnen hoogstens %(limit)s rijen tegelijk worden "
                  "geïmporteerd. Verdeel het bestand.") % {"limit": _number(limits.max_rows)}
            )
        if len(values) > len(headers):
            raise UploadRefused(
                _("Regel %(line)s heeft meer waarden (%(count)s) dan er kolomnamen zijn (%(columns)s).")
                % {"line": _number(line), "count": len(values), "columns": len(headers)}
            )
        values.extend([""] * (len(headers) - len(values)))
        data.append(values)
        if progress is not None and len(data) % PROGRESS_EVERY == 0:
            progress(len(data), 0)
    if headers is None:
        raise UploadRefused(_("Het bestand is leeg."))
    return tablib.Dataset(*data, headers=headers)
