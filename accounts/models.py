from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.constants import DEFAULT_REALM_ROLES, OrganisationKinds, Roles


class Organisation(models.Model):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=32, choices=OrganisationKinds.choices, db_index=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    province = models.ForeignKey(
        "geo.Province", verbose_name=_("provincie"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """The custom user model (from the first migration)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    last_activity = models.DateTimeField(_("laatste activiteit"), null=True, blank=True, db_index=True)
    is_technical_account = models.BooleanField(
        _("technische account"),
        default=False,
        help_text=_("Technische accounts zijn zichtbaar vrijgesteld van de deactivatie na 40 dagen inactiviteit."),
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        indexes = [models.Index(fields=["is_active", "last_activity"], name="accounts_user_idle_idx")]


class RoleAssignment(models.Model):
    """An HVT, general or portal role held by a user, with its scope.

    CRT roles cannot be stored here (check constraint): the CRT realm is in the crt database.
    Scope: municipalities (municipal roles), provinces (VLOT) or Flanders (coordinators, auditors).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("rol"), max_length=40, choices=[(r.value, r.label) for r in Roles if r in DEFAULT_REALM_ROLES])
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisatie"), null=True, blank=True, on_delete=models.PROTECT)
    municipalities = models.ManyToManyField("geo.Municipality", verbose_name=_("gemeenten"), blank=True)
    provinces = models.ManyToManyField("geo.Province", verbose_name=_("provincies"), blank=True)
    created_at = models.DateTimeField(_("toegekend op"), auto_now_add=True)

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("roltoekenning")
        verbose_name_plural = _("roltoekenningen")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="accounts_role_once_per_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=sorted(DEFAULT_REALM_ROLES)), name="accounts_role_not_crt",
                violation_error_message=_("Een CRT-rol wordt in de CRT-omgeving toegekend, niet hier."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}"


class UserSession(models.Model):
    """Which session belongs to whom, so that a user's sessions can be ended in one statement."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user_id}: {self.session_key[:6]}…"
