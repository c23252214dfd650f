"""Licence plans, pools, assignments and the idle sweep's records.

A licence is an assignment of a user to a pool (plan period × tool × type × group). It is active
until released (``released_at``). The sweep's history (runs, deactivation events, warnings) is
append-only data: reports are computed from it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from licensing.constants import LicenceGroups, LicenceTypes, ReleaseReasons, SweepSources, Tools


class PlanPeriod(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    starts_on = models.DateField(_("begindatum"))
    ends_on = models.DateField(_("einddatum"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("licentieplan")
        verbose_name_plural = _("licentieplannen")
        constraints = [models.CheckConstraint(
            condition=Q(ends_on__gte=models.F("starts_on")), name="licensing_period_order",
            violation_error_message=_("De einddatum van het licentieplan kan niet voor de begindatum liggen."),
        )]

    def __str__(self):
        return self.name


class LicencePool(models.Model):
    period = models.ForeignKey(PlanPeriod, verbose_name=_("licentieplan"), on_delete=models.PROTECT, related_name="pools")
    tool = models.CharField(_("tool"), max_length=16, choices=Tools.choices)
    licence_type = models.CharField(_("licentietype"), max_length=16, choices=LicenceTypes.choices)
    group = models.CharField(_("groep"), max_length=40, choices=LicenceGroups.choices)
    seats = models.PositiveIntegerField(_("aantal licenties"))
    unit_price = models.DecimalField(
        _("eenheidsprijs (EUR)"), max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["period__starts_on", "tool", "group", "licence_type"]
        verbose_name = _("licentiepool")
        verbose_name_plural = _("licentiepools")
        constraints = [
            models.UniqueConstraint(fields=["period", "tool", "licence_type", "group"], name="licensing_pool_unique"),
        ]
        permissions = [
            ("view_licence_report", _("Kan de licentierapporten lezen")),
            ("manage_licences", _("Kan licenties toewijzen en gebruikers heractiveren")),
        ]

    def __str__(self):
        return f"{self.period} · {self.get_tool_display()} · {self.get_group_display()} · {self.get_licence_type_display()}"

    def clean(self):
        if self.pk is not None:
            used = self.assignments.filter(released_at__isnull=True).count()
            if self.seats is not None and self.seats < used:
                raise ValidationError(
                    {"seats": _("Er zijn %(used)s licenties in gebruik: de pool kan niet kleiner worden.") % {"used": used}}
                )

    @property
    def cost(self):
        """What the pool costs: seats × unit price (Decimal, euro)."""
        return self.seats * self.unit_price


class LicenceAssignment(models.Model):
    """A named licence held by a user. ``tool`` repeats the pool's tool so that the database can
    refuse two active licences for the same tool (partial unique constraint)."""

    pool = models.ForeignKey(LicencePool, verbose_name=_("pool"), on_delete=models.PROTECT, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("gebruiker"), on_delete=models.CASCADE, related_name="licences")
    tool = models.CharField(_("tool"), max_length=16, choices=Tools.choices, editable=False)
    assigned_at = models.DateTimeField(_("toegekend op"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("toegekend door"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    released_at = models.DateTimeField(_("vrijgegeven op"), null=True, blank=True)
    release_reason = models.CharField(_("reden vrijgave"), max_length=16, choices=ReleaseReasons.choices, blank=True)
    deactivation = models.ForeignKey(
        "DeactivationEvent", verbose_name=_("deactivatie"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="released_licences",
    )

    class Meta:
        ordering = ["-assigned_at"]
        verbose_name = _("licentietoewijzing")
        verbose_name_plural = _("licentietoewijzingen")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "tool"], condition=Q(released_at__isnull=True), name="licensing_one_active_licence_per_tool",
                violation_error_message=_("Deze gebruiker heeft al een licentie voor deze tool."),
            ),
        ]
        indexes = [models.Index(fields=["pool", "released_at"], name="licensing_pool_active_idx")]

    def __str__(self):
        return f"{self.user} · {self.pool}"


class SweepRun(models.Model):
    """One run of the idle sweep ("now" as the service saw it, and what it did)."""

    started_at = models.DateTimeField(_("gestart op"))
    now = models.DateTimeField(_("peildatum"))
    source = models.CharField(_("bron"), max_length=16, choices=SweepSources.choices)
    deactivated = models.PositiveIntegerField(_("gedeactiveerd"), default=0)
    warned = models.PositiveIntegerField(_("gewaarschuwd"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("deactivatieronde")
        verbose_name_plural = _("deactivatierondes")

    def __str__(self):
        return f"{self.now:%Y-%m-%d %H:%M} ({self.get_source_display()})"


class DeactivationEvent(models.Model):
    """A user set inactive after 40 days without activity (who, when, last activity, by what)."""

    run = models.ForeignKey(SweepRun, verbose_name=_("ronde"), null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("gebruiker"), on_delete=models.PROTECT, related_name="deactivations")
    username = models.CharField(_("gebruikersnaam"), max_length=150)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisatie"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_activity = models.DateTimeField(_("laatste activiteit"))
    occurred_at = models.DateTimeField(_("gedeactiveerd op"), db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("deactivatie")
        verbose_name_plural = _("deactivaties")
        # Not unique per (user, last activity): a user switched back on in the user admin without a
        # new login is idle by the data and is deactivated again (a second event). Overlapping sweeps
        # are serialised by a lock instead (licensing.services).
        indexes = [models.Index(fields=["user", "last_activity"], name="licensing_deactivation_idx")]

    def __str__(self):
        return f"{self.username} · {self.occurred_at:%Y-%m-%d}"


class IdleWarning(models.Model):
    """The warning e-mail sent a week before deactivation, once per idle period."""

    run = models.ForeignKey(SweepRun, verbose_name=_("ronde"), on_delete=models.PROTECT, related_name="warnings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("gebruiker"), on_delete=models.CASCADE, related_name="idle_warnings")
    last_activity = models.DateTimeField(_("laatste activiteit"))
    sent_at = models.DateTimeField(_("verzonden op"))

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("inactiviteitswaarschuwing")
        verbose_name_plural = _("inactiviteitswaarschuwingen")
        constraints = [models.UniqueConstraint(fields=["user", "last_activity"], name="licensing_warning_once")]

    def __str__(self):
        return f"{self.user} · {self.sent_at:%Y-%m-%d}"
