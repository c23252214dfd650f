"""The stored bulk import: an uploaded file, checked and then imported by a Celery task.

Generic on purpose: each app registers what it imports (a kind: a django-import-export resource,
the permission it needs, extra options) in ``<app>/imports.py`` (see core.importing). The model
lives in ``core`` so that both ``geo`` (population) and ``hvt`` (places) can use it without a lower
app importing a higher one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock
from core.constants import ImportFormats, ImportStatuses


class Import(models.Model):
    kind = models.CharField(_("soort"), max_length=50, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatuses.choices,
                              default=ImportStatuses.RECEIVED, db_index=True)
    # The file is stored in the database, not under MEDIA_ROOT: web and worker may run on different
    # hosts without a shared volume, and an upload is at most IMPORT_MAX_UPLOAD_BYTES. These imports
    # hold places and population figures, no personal data.
    file_name = models.CharField(_("bestandsnaam"), max_length=255)
    file_format = models.CharField(_("formaat"), max_length=8, choices=ImportFormats.choices)
    file_size = models.PositiveIntegerField(_("grootte (bytes)"))
    file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("inhoud"), editable=False)
    options = models.JSONField(_("opties"), default=dict, blank=True)  # e.g. {"year": 2020}
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("opgeladen door"))
    created_at = models.DateTimeField(_("opgeladen op"), default=clock.now, db_index=True)
    updated_at = models.DateTimeField(_("laatst bijgewerkt"), default=clock.now)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(_("verwerkte rijen"), default=0)
    progress_total = models.PositiveIntegerField(_("rijen"), default=0)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    # The row report of the last step (check or import): errors per row, file errors, a preview.
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    # The counts of the last step: new / update / skip / invalid / error rows.
    counts = models.JSONField(_("aantallen"), default=dict, blank=True)
    error = models.TextField(_("fout"), blank=True)
    # The language of the uploader's page: the task writes the report's messages in it.
    language = models.CharField(_("taal"), max_length=10, default="nl")
    # Of the request that confirmed the import, so that its audit events carry them (the task runs elsewhere).
    request_id = models.CharField(_("request-id"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="core_import_owner_idx")]
        permissions = [("view_all_imports", _("Imports van alle gebruikers bekijken"))]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_working(self) -> bool:
        return self.status in (ImportStatuses.RECEIVED, ImportStatuses.CHECKING, ImportStatuses.RUNNING)
