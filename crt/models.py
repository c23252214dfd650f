"""The CRT realm (crt database). No foreign key here ever points at the default database:
users are referenced by a plain integer id and a username snapshot."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.models import AbstractAuditEvent, AppendOnlyError, AuditEventQuerySet
from crt.constants import (
    CountDimensions,
    CrtRoles,
    DossierStatuses,
    HouseholdRoles,
    NumberKinds,
    ReferralOutcomes,
    ReferralServices,
    RegisterFlags,
    Sexes,
)


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
                violation_error_message=_("Een dossierbeheerder hoort bij een organisatie."),
            ),
        ]

    def __str__(self):
        return f"{self.username} – {self.get_role_display()}"


class AuditEvent(AbstractAuditEvent):
    """The CRT's own audit trail, in the crt database."""

    class Meta(AbstractAuditEvent.Meta):
        verbose_name = _("CRT-auditgebeurtenis")
        verbose_name_plural = _("CRT-auditgebeurtenissen")


class AuditEventPerson(models.Model):
    """A person whose data an audit event's page showed: one row per person per event.

    "Who saw person X" is an indexed lookup here (``person_id``), not a scan of every event's JSON.
    Append-only like the events (ORM guards here, a trigger on PostgreSQL). The person is a
    reference without a database constraint: the trail outlives whatever happens to the row.
    """

    event = models.ForeignKey(AuditEvent, verbose_name=_("auditgebeurtenis"), on_delete=models.PROTECT,
                              related_name="persons", db_index=False)  # the unique (event, person) index serves
    person = models.ForeignKey("Person", verbose_name=_("persoon"), on_delete=models.DO_NOTHING,
                               db_constraint=False, db_index=False, related_name="+")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["event_id", "person_id"]
        verbose_name = _("getoonde persoon")
        verbose_name_plural = _("getoonde personen")
        indexes = [models.Index(fields=["person", "event"], name="crt_auditperson_person")]
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="crt_auditperson_once")]

    def __str__(self):
        return f"{self.event_id} → {self.person_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")


class Household(models.Model):
    """The people registered together (a family). Members are persons pointing here."""

    reference = models.CharField(_("gezinsreferentie"), max_length=20, unique=True)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT,
                                     related_name="households")
    created_at = models.DateTimeField(_("aangemaakt op"))
    is_demo = models.BooleanField(_("demo"), default=False)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("gezin")
        verbose_name_plural = _("gezinnen")

    def __str__(self):
        return self.reference


class Person(models.Model):
    """A displaced person. The number, contact data and notes are stored encrypted (crt.crypto);
    the number is found through ``national_number_index`` (HMAC blind index), never in plain text."""

    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("familienaam"), max_length=100)
    birth_date = models.DateField(_("geboortedatum"))
    sex = models.CharField(_("geslacht"), max_length=1, choices=Sexes.choices)
    nationality = models.CharField(_("nationaliteit"), max_length=2, default="UA")
    number_kind = models.CharField(_("soort nummer"), max_length=3, choices=NumberKinds.choices)
    national_number_enc = models.TextField(_("rijksregister- of BIS-nummer (versleuteld)"), blank=True)
    national_number_index = models.CharField(_("blinde index"), max_length=64, db_index=True, blank=True)
    phone_enc = models.TextField(_("telefoon (versleuteld)"), blank=True)
    email_enc = models.TextField(_("e-mail (versleuteld)"), blank=True)
    street = models.CharField(_("straat en huisnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=4, blank=True)
    municipality_refnis = models.CharField(_("gemeente (NIS-code)"), max_length=5, db_index=True)
    certificate_number = models.CharField(_("nummer attest tijdelijke bescherming"), max_length=40, blank=True)
    certificate_valid_from = models.DateField(_("attest geldig vanaf"), null=True, blank=True)
    certificate_valid_until = models.DateField(_("attest geldig tot"), null=True, blank=True)
    languages = models.CharField(_("talen"), max_length=200, blank=True)
    household = models.ForeignKey(Household, verbose_name=_("gezin"), on_delete=models.PROTECT, related_name="members")
    household_role = models.CharField(_("plaats in het gezin"), max_length=10, choices=HouseholdRoles.choices,
                                      default=HouseholdRoles.HEAD)
    register_flag = models.CharField(_("signaal rijksregister"), max_length=10, choices=RegisterFlags.choices,
                                     blank=True, default="")
    register_flag_at = models.DateTimeField(_("signaal op"), null=True, blank=True)
    register_checked_at = models.DateTimeField(_("laatst gecontroleerd bij rijksregister"), null=True, blank=True)
    registered_at = models.DateTimeField(_("geregistreerd op"))
    registered_by_id = models.BigIntegerField(_("geregistreerd door (id)"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        indexes = [models.Index(fields=["last_name", "first_name", "birth_date"], name="crt_person_name_birth")]

    def __str__(self):
        return f"{self.last_name.upper()} {self.first_name}"


class Dossier(models.Model):
    """A person's file at one organisation, followed by a case manager."""

    number = models.CharField(_("dossiernummer"), max_length=20, unique=True)
    person = models.OneToOneField(Person, verbose_name=_("persoon"), on_delete=models.PROTECT, related_name="dossier")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT,
                                     related_name="dossiers")
    case_manager_id = models.BigIntegerField(_("dossierbeheerder (id)"), null=True, blank=True)
    case_manager_username = models.CharField(_("dossierbeheerder"), max_length=150, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DossierStatuses.choices,
                              default=DossierStatuses.REGISTERED, db_index=True)
    opened_on = models.DateField(_("geopend op"), db_index=True)
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True,
                                help_text=_("Datum van verhuis of afsluiting: telt niet meer mee na deze datum."))
    closed_on = models.DateField(_("afgesloten op"), null=True, blank=True, db_index=True)
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self):
        return self.number


class CreatedByMixin(models.Model):
    """When and by whom a record was registered (user id plus a username snapshot, no foreign key)."""

    created_at = models.DateTimeField(_("geregistreerd op"))
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_by_username = models.CharField(_("door"), max_length=150, blank=True)

    class Meta:
        abstract = True


class StatusChange(CreatedByMixin):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=DossierStatuses.choices)
    effective_on = models.DateField(_("datum"))
    note_enc = models.TextField(_("notitie (versleuteld)"), blank=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")

    def __str__(self):
        return f"{self.dossier_id} {self.status} {self.effective_on}"


class Referral(CreatedByMixin):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="referrals")
    service = models.CharField(_("dienst"), max_length=20, choices=ReferralServices.choices)
    referred_on = models.DateField(_("doorverwezen op"))
    note_enc = models.TextField(_("notitie (versleuteld)"), blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=ReferralOutcomes.choices,
                               default=ReferralOutcomes.PENDING)
    outcome_on = models.DateField(_("datum uitkomst"), null=True, blank=True)
    outcome_note_enc = models.TextField(_("notitie bij uitkomst (versleuteld)"), blank=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("doorverwijzing")
        verbose_name_plural = _("doorverwijzingen")

    def __str__(self):
        return f"{self.get_service_display()} ({self.referred_on})"


class Transfer(models.Model):
    """A dossier moved from one organisation to another (central management)."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="transfers")
    from_organisation = models.ForeignKey(Organisation, verbose_name=_("van organisatie"), on_delete=models.PROTECT,
                                          related_name="transfers_out")
    to_organisation = models.ForeignKey(Organisation, verbose_name=_("naar organisatie"), on_delete=models.PROTECT,
                                        related_name="transfers_in")
    reason = models.CharField(_("reden"), max_length=255)
    transferred_at = models.DateTimeField(_("overgedragen op"))
    transferred_by_id = models.BigIntegerField(null=True, blank=True)
    transferred_by_username = models.CharField(_("door"), max_length=150, blank=True)

    class Meta:
        ordering = ["-transferred_at", "-id"]
        verbose_name = _("overdracht")
        verbose_name_plural = _("overdrachten")

    def __str__(self):
        return f"{self.dossier} → {self.to_organisation}"


class AddressPeriod(models.Model):
    """Where a person lived (municipality only) from ``valid_from`` up to, not including, ``valid_to``.

    The history behind the guidance-subsidy count at a past reference date. It holds no street or
    postal code: only the REFNIS code and dates, an aggregate fact that anonymisation keeps. At
    most one open period (``valid_to`` empty) per person: the current address.
    """

    person = models.ForeignKey(Person, verbose_name=_("persoon"), on_delete=models.PROTECT,
                               related_name="address_periods")
    municipality_refnis = models.CharField(_("gemeente (NIS-code)"), max_length=5)
    valid_from = models.DateField(_("vanaf"))
    valid_to = models.DateField(_("tot (niet inbegrepen)"), null=True, blank=True)

    class Meta:
        ordering = ["person_id", "valid_from"]
        verbose_name = _("adresperiode")
        verbose_name_plural = _("adresperiodes")
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="crt_addrperiod_dates")]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(valid_to__isnull=True),
                                    name="crt_addrperiod_one_open_per_person",
                                    violation_error_message=_("Een persoon heeft maar één lopend adres.")),
            models.CheckConstraint(condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=models.F("valid_from")),
                                   name="crt_addrperiod_ends_after_start",
                                   violation_error_message=_("Een adresperiode eindigt na haar begin.")),
        ]

    def __str__(self):
        return f"{self.person_id} {self.municipality_refnis} {self.valid_from}–{self.valid_to or ''}"


class CountChange(models.Model):
    """How many persons enter (+) or leave (−) a counted cell on a day.

    A cell's count on a date is the sum of its changes up to and including that date, so the
    counts of every cell on any date are one grouped sum over this table instead of a scan of
    every person, dossier and address period. ``crt.services.counts`` keeps it in the same
    transaction as every change of what is counted; ``manage.py crt_counts_rebuild`` (nightly,
    and after bulk loads) recomputes it from those rows.
    """

    dimension = models.CharField(_("dimensie"), max_length=20, choices=CountDimensions.choices)
    key = models.CharField(_("cel"), max_length=20)
    day = models.DateField(_("dag"))
    change = models.IntegerField(_("wijziging"))

    class Meta:
        ordering = ["dimension", "key", "day"]
        verbose_name = _("telwijziging")
        verbose_name_plural = _("telwijzigingen")
        constraints = [models.UniqueConstraint(fields=["dimension", "key", "day"], name="crt_countchange_once")]

    def __str__(self):
        return f"{self.dimension} {self.key} {self.day}: {self.change:+d}"
