"""The CRT realm (crt database). No foreign key here ever points at the default database:
users are referenced by a plain integer id and a username snapshot."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.models import AbstractAuditEvent
from crt.constants import CrtRoles


class Organisation(models.Model):
    """An organisation working in the CRT (the integration agencies)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("naam"), max_length=200, unique=True)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("CRT-organisatie")
        verbose_name_plural = _("CRT-organisaties")

    def __str__(self):
        return self.name


class RoleAssignment(models.Model):
    """A CRT role held by a user: the CRT's own permission realm."""

    user_id = models.BigIntegerField(_("gebruiker-id"), db_index=True)
    username = models.CharField(_("gebruikersnaam (momentopname)"), max_length=150)
    role = models.CharField(_("rol"), max_length=40, choices=CrtRoles.choices)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisatie"), null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("toegekend op"), auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["username", "role"]
        verbose_name = _("CRT-roltoekenning")
        verbose_name_plural = _("CRT-roltoekenningen")
        constraints = [
            models.UniqueConstraint(fields=["user_id", "role"], name="crt_role_once_per_user"),
            models.CheckConstraint(
                condition=~models.Q(role="crt_case_manager") | models.Q(organisation__isnull=False),
                name="crt_case_manager_has_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.username} – {self.get_role_display()}"


class AuditEvent(AbstractAuditEvent):
    """The CRT's own audit trail, in the crt database."""

    class Meta(AbstractAuditEvent.Meta):
        verbose_name = _("CRT-auditgebeurtenis")
        verbose_name_plural = _("CRT-auditgebeurtenissen")
