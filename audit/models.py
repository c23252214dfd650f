"""Append-only audit events.

The same abstract event is stored in two tables: `audit.AuditEvent` in the default database
(HVT, licensing, accounts) and the CRT's own `crt.AuditEvent` in the crt database. Events are
never changed or deleted: the model and queryset refuse it, the admin is read-only, and on
PostgreSQL a trigger refuses UPDATE and DELETE on the table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.constants import AuditActions


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    # bulk_update goes through update(); bulk_create is allowed (appending).


class AbstractAuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("tijdstip"), db_index=True)
    actor_id = models.BigIntegerField(_("gebruiker-id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("gebruiker"), max_length=150, blank=True)
    action = models.CharField(_("actie"), max_length=32, choices=AuditActions.choices, db_index=True)
    object_type = models.CharField(_("objecttype"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("wijzigingen"), default=dict, blank=True)
    reason = models.CharField(_("reden"), max_length=255, blank=True)
    request_id = models.CharField(_("request-id"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(AbstractAuditEvent):
    class Meta(AbstractAuditEvent.Meta):
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditgebeurtenissen")
        permissions = [("view_audit_trail", "Kan het HVT-auditspoor lezen")]
