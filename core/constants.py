"""Choices of the core models (the stored bulk import)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatuses(models.TextChoices):
    RECEIVED = "received", _("ontvangen")
    CHECKING = "checking", _("controle")
    READY = "ready", _("klaar voor bevestiging")
    RUNNING = "running", _("bezig")
    DONE = "done", _("voltooid")
    FAILED = "failed", _("mislukt")


# A task has work to do in these states (the check, then the import itself).
IMPORT_WORK_STATUSES = (ImportStatuses.RECEIVED, ImportStatuses.CHECKING, ImportStatuses.RUNNING)
IMPORT_FINAL_STATUSES = (ImportStatuses.DONE, ImportStatuses.FAILED)


class ImportFormats(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (xlsx)"
