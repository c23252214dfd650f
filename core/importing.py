"""What can be imported (kinds, registered by the apps), and the row report of a django-import-export run.

An app declares its import kinds in ``<app>/imports.py``::

    IMPORT_KINDS = [ImportKind(code="hvt.places", label=_("Opvangplaatsen"), model="hvt.receptionplace",
                               permission="hvt.add_receptionplace", resource=lambda options: PlaceResource())]

found through ``core.registry.app_modules("imports")``, like every other per-app contribution. The
kind's resource holds the row rules (it calls the app's services); core stores the file, runs the
check and the import in a task (core.services), and keeps the report. Progress goes to the cache
while a step runs (the step's own writes are in a transaction no other connection can see) and to
the Import row when the step ends.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

from core.registry import app_modules

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20  # rows of the file shown before the import is confirmed
PROGRESS_TTL = 6 * 60 * 60


@dataclass(frozen=True)
class ImportKind:
    """One thing that can be imported.

    ``resource(options)`` returns a django-import-export resource; it receives ``user`` (the importer,
    whose scope the rules apply), ``file_name`` and ``progress(done, total)`` as import_data keywords.
    ``options_form``: extra fields asked with the file (stored as JSON in Import.options).
    ``known_errors``: exception classes whose message is meant for the user (others are logged and
    reported as an unexpected error)."""

    code: str
    label: Any
    model: str  # "app_label.model_name": the admin that offers the upload, and the list to go to afterwards
    permission: str  # needed to upload, confirm and see the upload page
    resource: Callable[[Mapping], Any]
    options_form: type[forms.Form] | None = None
    columns: Sequence[str] = ()
    help_text: Any = ""
    known_errors: tuple[type[BaseException], ...] = field(default=())

    @property
    def app_label(self) -> str:
        return self.model.partition(".")[0]

    @property
    def model_name(self) -> str:
        return self.model.partition(".")[2]


@functools.cache
def kinds() -> dict[str, ImportKind]:
    found: dict[str, ImportKind] = {}
    for app, module in app_modules("imports"):
        for kind in getattr(module, "IMPORT_KINDS", ()):
            if kind.code in found:
                raise ImproperlyConfigured(f"import kind {kind.code!r} is declared twice (again in {app}.imports)")
            found[kind.code] = kind
    return found


def kind_for(code: str) -> ImportKind:
    try:
        return kinds()[code]
    except KeyError:
        raise ImproperlyConfigured(f"unknown import kind {code!r}") from None


def kind_for_model(app_label: str, model_name: str) -> ImportKind:
    for kind in kinds().values():
        if kind.app_label == app_label and kind.model_name == model_name:
            return kind
    raise ImproperlyConfigured(f"no import kind for {app_label}.{model_name}")


def kind_codes_for_user(user) -> list[str]:
    """The kinds this user may import (by the kinds' Django permissions)."""
    return [code for code, kind in kinds().items() if user.has_perm(kind.permission)]


# --- Progress ---------------------------------------------------------------------------------------

def _progress_key(import_id: int) -> str:
    return f"core:import-progress:{import_id}"


def progress_set(import_id: int, *, done: int, total: int, phase: str) -> None:
    """Best effort: progress is a display, the Import row stays the truth (Redis down: no bar update)."""
    try:
        cache.set(_progress_key(import_id), {"done": done, "total": total, "phase": phase}, PROGRESS_TTL)
    except Exception as exc:
        logger.warning("import %s: progress not stored in the cache (%s)", import_id, exc.__class__.__name__)


def progress_get(import_id: int) -> dict | None:
    try:
        return cache.get(_progress_key(import_id))
    except Exception:
        return None


def progress_clear(import_id: int) -> None:
    try:
        cache.delete(_progress_key(import_id))
    except Exception as exc:
        logger.warning("import %s: progress not cleared from the cache (%s)", import_id, exc.__class__.__name__)


# --- The report of a run ----------------------------------------------------------------------------

def _messages(error) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(m) for m in error.messages]
    return [str(error)]


def _field_errors(error) -> dict[str, list[str]]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return {name: [str(m) for m in ValidationError(errors).messages] for name, errors in error.error_dict.items()}
        return {"__all__": [str(m) for m in error.messages]}
    return {"__all__": [str(error)]}


def _cell(value) -> str:
    return "" if value is None else str(value)


def report_from_result(result, dataset, kind: ImportKind) -> tuple[dict, list[str]]:
    """The JSON row report of a django-import-export Result, and the file-level errors.

    Row errors: ``[{"row": n, "errors": {column: [messages]}}]`` with django-import-export's row
    number (1 = the first row under the column names). An exception the kind does not know (a
    database error…) is logged and reported without its details."""
    file_errors = []
    for error in result.base_errors:
        exc = error.error
        if isinstance(exc, (ValidationError, *kind.known_errors)):
            file_errors.extend(_messages(exc))
        else:
            logger.error("import of kind %s failed: %r\n%s", kind.code, exc, error.traceback)
            file_errors.append(_("Onverwachte fout bij het verwerken; niets is opgeslagen. De beheerders zijn verwittigd."))
    rows = []
    for number, errors in result.row_errors():
        for error in errors:
            exc = error.error
            if isinstance(exc, (ValidationError, *kind.known_errors)):
                rows.append({"row": number, "errors": _field_errors(exc)})
            else:
                logger.error("import of kind %s failed on row %s: %r", kind.code, number, exc)
                rows.append({"row": number, "errors": {"__all__": [_("Onverwachte fout in deze rij.")]}})
    for invalid in result.invalid_rows:
        rows.append({"row": invalid.number, "errors": _field_errors(invalid.error)})
    rows.sort(key=lambda r: r["row"])
    headers = [str(h) for h in (dataset.headers or [])]
    report = {
        "file_errors": file_errors,
        "row_errors": rows,
        "rows_with_errors": len({r["row"] for r in rows}),
        "headers": headers,
        "preview": [[_cell(v) for v in row] for row in dataset[:PREVIEW_ROWS]] if headers else [],
        "rows": len(dataset),
    }
    return report, file_errors
