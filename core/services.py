"""Services of the stored bulk import (core.models.Import).

Flow: ``import_create`` (upload: the file is checked without parsing and stored, status *ontvangen*)
→ task ``import_process``: the check, a dry run of the kind's resource (*controle* → *klaar voor
bevestiging*, or *mislukt* with the row report) → ``import_confirm`` by the uploader (*bezig*) → task
``import_process``: the import itself, all or nothing (*voltooid* or *mislukt*).

The task is idempotent: it does the work the status asks for and nothing in a final state; the
import itself runs in one transaction with the Import row locked and its status set in the same
transaction, so a repeated delivery finds *voltooid* and writes nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import clock, context, importing, queue, uploads
from core.constants import IMPORT_WORK_STATUSES, ImportStatuses
from core.models import Import

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a step that kills its worker this often is given up
# A check that has not started after this long lost its task (broker down when it was sent): send again.
RESEND_RECEIVED_AFTER = dt.timedelta(minutes=5)
# A step still marked as running after the task's hard time limit (30 min) has lost its worker.
RESEND_RUNNING_AFTER = dt.timedelta(minutes=35)


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE)[:10]


def _queue(import_id: int) -> None:
    from core.tasks import import_process as task  # tasks.py imports this module

    queue.enqueue(task, import_id)


def import_create(*, actor, kind: str, file_name: str, content: bytes, options: dict | None = None) -> Import:
    """Store an uploaded file and queue its check. The actor needs the kind's permission; the file must
    pass every check that needs no parsing (size, format, zip directory: core.uploads)."""
    import_kind = importing.kind_for(kind)
    if actor is None or not actor.has_perm(import_kind.permission):
        raise PermissionDenied
    try:
        file_format = uploads.check_file(file_name, content)
    except uploads.UploadRefused as exc:
        raise ValidationError({"file": str(exc)}) from exc
    now = clock.now()
    imp = Import(
        kind=import_kind.code, file_name=PurePath(file_name).name[-255:], file_format=file_format,
        file_size=len(content), file_sha256=hashlib.sha256(content).hexdigest(), content=content,
        options=options or {}, created_by=actor, created_at=now, updated_at=now,
        language=_language(),
    )
    imp.full_clean(exclude=["content"])
    imp.save()
    _queue(imp.pk)
    return imp


def import_confirm(*, actor, import_: Import) -> Import:
    """Start the import of a checked file. Only its uploader confirms (the rows were checked under
    their scope), only once, and only while they still hold the kind's permission."""
    with transaction.atomic():
        imp = Import.objects.select_for_update().defer("content").get(pk=import_.pk)
        if actor is None or imp.created_by_id != actor.pk:
            raise PermissionDenied
        if not actor.has_perm(importing.kind_for(imp.kind).permission):
            raise PermissionDenied
        if imp.status != ImportStatuses.READY:
            raise ValidationError(_("Deze import kan niet (meer) worden bevestigd: hij is %(status)s.")
                                  % {"status": imp.get_status_display()})
        ctx = context.current()
        now = clock.now()
        imp.status = ImportStatuses.RUNNING
        imp.confirmed_at = now
        imp.updated_at = now
        imp.attempts = 0
        imp.progress_done = 0
        imp.request_id = ctx.request_id[:64]
        imp.client_ip = ctx.client_ip
        imp.language = _language()
        imp.save(update_fields=["status", "confirmed_at", "updated_at", "attempts", "progress_done", "request_id",
                                "client_ip", "language"])
        _queue(imp.pk)
    return imp


def import_process(*, import_id: int) -> str | None:
    """Do what the Import waits for: check the file (*ontvangen*/*controle*) or import it (*bezig*).
    Returns the status afterwards (None: no such import). Never raises for a bad file or a failed
    step: the Import is marked *mislukt* with the reason."""
    imp = Import.objects.defer("content").filter(pk=import_id).first()
    if imp is None:
        return None
    if imp.status not in IMPORT_WORK_STATUSES:
        return imp.status  # done already: a repeated or late delivery
    with translation.override(imp.language or settings.LANGUAGE_CODE):  # the report in the uploader's language
        if imp.attempts >= MAX_ATTEMPTS:
            _finish(imp, ImportStatuses.FAILED, error=_(
                "De verwerking is %(n)s keer afgebroken; niets is opgeslagen. Laad het bestand opnieuw op."
            ) % {"n": MAX_ATTEMPTS})
            return imp.status
        Import.objects.filter(pk=imp.pk).update(attempts=F("attempts") + 1, updated_at=clock.now())
        try:
            if imp.status == ImportStatuses.RUNNING:
                _commit(imp)
            else:
                _check(imp)
        except Exception:
            logger.exception("import %s (%s) failed", imp.pk, imp.kind)
            imp.refresh_from_db(fields=["status"])
            if imp.status in IMPORT_WORK_STATUSES:
                _finish(imp, ImportStatuses.FAILED, error=_(
                    "Onverwachte fout bij het verwerken; niets is opgeslagen. De beheerders zijn verwittigd."))
        finally:
            importing.progress_clear(imp.pk)
    imp.refresh_from_db(fields=["status"])
    return imp.status


def imports_resend_stale(*, now: dt.datetime | None = None) -> int:
    """Send the task again for imports whose task was lost: never started (the broker was down when it
    was sent) or started by a worker that died. Scheduled (core/schedule.py); returns how many."""
    now = now or clock.now()
    stale = Import.objects.filter(
        Q(status=ImportStatuses.RECEIVED, updated_at__lt=now - RESEND_RECEIVED_AFTER)
        | Q(status__in=[ImportStatuses.CHECKING, ImportStatuses.RUNNING], updated_at__lt=now - RESEND_RUNNING_AFTER)
    )
    ids = list(stale.values_list("pk", flat=True)[:1000])
    for pk in ids:
        _queue(pk)
    return len(ids)


# --- the two steps ----------------------------------------------------------------------------------

def _content(imp: Import) -> bytes:
    return bytes(Import.objects.values_list("content", flat=True).get(pk=imp.pk))


def _finish(imp: Import, status: str, *, error: str = "", report: dict | None = None, counts: dict | None = None,
            done: int | None = None, total: int | None = None) -> None:
    imp.status = status
    imp.error = error
    if report is not None:
        imp.report = report
    elif error:
        imp.report = {"file_errors": [error], "row_errors": [], "rows_with_errors": 0, "headers": [], "preview": []}
    if counts is not None:
        imp.counts = counts
    if total is not None:
        imp.progress_total = total
    if done is not None:
        imp.progress_done = done
    imp.updated_at = clock.now()
    if status in (ImportStatuses.DONE, ImportStatuses.FAILED):
        imp.finished_at = imp.updated_at
    imp.save(update_fields=["status", "error", "report", "counts", "progress_total", "progress_done", "updated_at",
                            "finished_at"])


def _progress(imp: Import, phase: str):
    def report(done: int, total: int) -> None:
        importing.progress_set(imp.pk, done=done, total=total, phase=phase)

    return report


def _run(imp: Import, dataset, *, dry_run: bool, phase: str):
    """The kind's resource over the dataset, under the importer's scope and, for the import, with the
    confirming request's id and address on its audit events."""
    kind = importing.kind_for(imp.kind)
    total = len(dataset)
    progress = _progress(imp, phase)
    progress(0, total)
    token = context.bind(context.RequestContext(request_id=imp.request_id, client_ip=imp.client_ip))
    try:
        result = kind.resource(imp.options).import_data(
            dataset, dry_run=dry_run, raise_errors=False, use_transactions=True,
            user=imp.created_by, file_name=imp.file_name, progress=progress,
        )
    finally:
        context.reset(token)
    report, file_errors = importing.report_from_result(result, dataset, kind)
    counts = {key: value for key, value in result.totals.items() if value}
    return report, file_errors, counts, total


def _summary(report: dict, file_errors: list[str]) -> str:
    if file_errors:
        return " ".join(file_errors)
    n = report["rows_with_errors"]
    return ngettext("%(n)s rij bevat fouten; niets is opgeslagen.", "%(n)s rijen bevatten fouten; niets is opgeslagen.",
                    n) % {"n": n}


def _read(imp: Import, phase: str):
    try:
        return uploads.read_dataset(_content(imp), imp.file_format, progress=_progress(imp, phase))
    except uploads.UploadRefused as exc:
        _finish(imp, ImportStatuses.FAILED, error=str(exc), done=0, total=0)
        return None


def _check(imp: Import) -> None:
    if imp.status == ImportStatuses.RECEIVED:
        Import.objects.filter(pk=imp.pk).update(status=ImportStatuses.CHECKING, updated_at=clock.now())
        imp.status = ImportStatuses.CHECKING
    dataset = _read(imp, "read")
    if dataset is None:
        return
    report, file_errors, counts, total = _run(imp, dataset, dry_run=True, phase="check")
    failed = bool(file_errors or report["row_errors"])
    _finish(imp, ImportStatuses.FAILED if failed else ImportStatuses.READY,
            error=_summary(report, file_errors) if failed else "", report=report, counts=counts,
            done=total, total=total)


def _commit(imp: Import) -> None:
    with transaction.atomic():
        # Lock the Import row only (not its user: a join would lock the user's row for the whole import).
        locked = Import.objects.select_for_update().defer("content").get(pk=imp.pk)
        if locked.status != ImportStatuses.RUNNING:
            return  # another delivery finished it while this one waited for the lock
        dataset = _read(locked, "read")
        if dataset is None:
            return
        report, file_errors, counts, total = _run(locked, dataset, dry_run=False, phase="import")
        failed = bool(file_errors or report["row_errors"])  # the resource rolled its rows back
        _finish(locked, ImportStatuses.FAILED if failed else ImportStatuses.DONE,
                error=_summary(report, file_errors) if failed else "", report=report, counts=counts,
                done=0 if failed else total, total=total)
