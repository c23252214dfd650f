"""Reception capacity (DOMAIN.md §4): places, quality checks, allocations, portal offers,
indicative targets, steering notes and nightly snapshots.

Rules live in hvt.services; the constraints here are the database's last line of defence.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Trim, Upper
from django.utils.translation import gettext_lazy as _

from hvt.constants import (
    CATEGORY_2_CONFIRMATION_FROM,
    EARLIEST_START,
    Category2Subtypes,
    OfferStatuses,
    PlaceCategories,
    PlaceSources,
    PlaceStatuses,
)

postal_code_validator = RegexValidator(r"^[1-9][0-9]{3}$", _("Een postcode bestaat uit vier cijfers."))
# A pseudonymous household reference: letters, digits and dashes only, so no names with spaces.
household_reference_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9-]{2,39}$",
    _("Gebruik een pseudonieme referentie (letters, cijfers en koppeltekens, 3 tot 40 tekens), nooit een naam."),
)


class AddressFields(models.Model):
    street = models.CharField(_("straat"), max_length=200)
    house_number = models.CharField(_("huisnummer"), max_length=20)
    postal_code = models.CharField(_("postcode"), max_length=4, validators=[postal_code_validator])
    municipality = models.ForeignKey(
        "geo.Municipality", verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def address(self) -> str:
        return f"{self.street} {self.house_number}, {self.postal_code}"


class ReceptionPlace(AddressFields):
    """A location with a capacity in beds. Counts as available once validated (and confirmed
    by the agency for a category-2 place starting from 1 June 2023)."""

    municipality = models.ForeignKey(
        "geo.Municipality", verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="reception_places"
    )
    name = models.CharField(_("naam"), max_length=200, blank=True)
    operator = models.CharField(_("uitbater"), max_length=200)
    capacity = models.PositiveIntegerField(_("capaciteit (bedden)"), validators=[MinValueValidator(1)])
    category = models.CharField(_("categorie"), max_length=12, choices=PlaceCategories.choices)
    category_2_subtype = models.CharField(
        _("type (categorie 2)"), max_length=20, choices=Category2Subtypes.choices, blank=True
    )
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    accessible = models.BooleanField(_("toegankelijk voor rolstoelgebruikers"), default=False)
    pets_allowed = models.BooleanField(_("huisdieren toegelaten"), default=False)
    notes = models.TextField(_("opmerkingen"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PlaceStatuses.choices, default=PlaceStatuses.REGISTERED
    )
    source = models.CharField(_("bron"), max_length=10, choices=PlaceSources.choices, default=PlaceSources.OFFICER)
    validated_on = models.DateField(_("gevalideerd op"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gevalideerd door"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    agency_confirmed_on = models.DateField(_("bevestigd door het agentschap op"), null=True, blank=True)
    closed_on = models.DateField(_("afgesloten op"), null=True, blank=True)
    # The earliest start of its allocations (NULL: none yet), kept by hvt.services.allocations
    # (``first_allocation_refresh``) so the data-quality report reads no allocation (idle_places).
    first_allocation_on = models.DateField(_("eerste toewijzing op"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demogegevens"), default=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    # The address as the data-quality report compares it (postal code, street and number, trimmed
    # and upper case): computed by the database on every write, whatever the path (services, bulk
    # loads, imports), and indexed, so shared addresses are found from the index (hvt.quality).
    address_key = models.GeneratedField(
        expression=Concat(Trim("postal_code"), Value("|"), Upper(Trim("street")), Value("|"), Upper(Trim("house_number"))),
        output_field=models.CharField(max_length=230), db_persist=True, verbose_name=_("adressleutel"),
    )

    class Meta:
        ordering = ["municipality_id", "street", "house_number", "pk"]
        verbose_name = _("opvangplaats")
        verbose_name_plural = _("opvangplaatsen")
        indexes = [
            models.Index(fields=["municipality", "status", "category"], name="hvt_place_filter_idx"),
            models.Index(fields=["municipality", "street", "house_number"], name="hvt_place_order_idx"),
            models.Index(fields=["postal_code"], name="hvt_place_postal_idx"),
            models.Index(fields=["category", "start_date"], name="hvt_place_cat_start_idx"),
            models.Index(fields=["address_key"], name="hvt_place_address_key_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="hvt_place_capacity_positive",
                                  violation_error_message=_("Een opvangplaats heeft minstens 1 bed.")),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="hvt_place_period",
                violation_error_message=_("De einddatum kan niet voor de startdatum liggen."),
            ),
            models.CheckConstraint(condition=Q(start_date__gte=EARLIEST_START), name="hvt_place_start_after_14_march_2022",
                                  violation_error_message=_("De startdatum kan niet voor 14 maart 2022 liggen.")),
        ]

    def __str__(self):
        label = self.name or self.address
        return f"#{self.pk} {label}"

    @property
    def needs_agency_confirmation(self) -> bool:
        return self.category == PlaceCategories.CAT2 and self.start_date >= CATEGORY_2_CONFIRMATION_FROM

    @property
    def is_available(self) -> bool:
        """Validated and confirmed where the agency must confirm: its capacity counts as available
        beds on every day it is open (``is_available_on``)."""
        return self.validated_on is not None and (
            not self.needs_agency_confirmation or self.agency_confirmed_on is not None
        )

    def is_open_on(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def facts_on(self, day):
        """The facts in force on ``day``: the PlacePeriod in force (from prefetched ``periods`` when
        there are, else one query), the place itself when it has no period, None when it has periods
        but none holds ``day`` (the Python twin of ``hvt.querysets.period_on``; a saved place always has a
        period, hvt migration 0008, so "no period" is an unsaved one)."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        periods = list(cache["periods"]) if "periods" in cache else list(self.periods.all()) if self.pk else []
        if not periods:
            return self
        return next((p for p in periods if p.valid_from <= day and (p.valid_until is None or day <= p.valid_until)),
                    None)

    def capacity_on(self, day) -> int:
        """The capacity in force on ``day`` (``hvt.querysets.capacity_on``); 0 when no period holds it."""
        facts = self.facts_on(day)
        return facts.capacity if facts is not None else 0

    def is_available_on(self, day) -> bool:
        """The Python twin of ``hvt.querysets.available_q(day)`` for one loaded place: validated, and
        open and confirmed by the facts of the period in force on ``day`` (``facts_on``)."""
        facts = self.facts_on(day)
        if self.validated_on is None or facts is None:
            return False
        if not (facts.start_date <= day and (facts.end_date is None or day <= facts.end_date)):
            return False
        return not (facts.category == PlaceCategories.CAT2 and facts.start_date >= CATEGORY_2_CONFIRMATION_FROM
                    and self.agency_confirmed_on is None)


class PlacePeriod(models.Model):
    """The facts of a place in force from ``valid_from`` up to and including ``valid_until`` (NULL:
    open). The periods of a place never overlap; the one in force on day d holds that day's
    capacity, category and dates. A change "from day D" (``place_change``) closes the period in
    force at D - 1 and opens a new one, so the days before D keep their facts (docs/SUBSIDY.md).
    ReceptionPlace's own fields stay the facts in force today."""

    # Looked up by the unique (place, valid_from) index below: no index of its own.
    place = models.ForeignKey(ReceptionPlace, verbose_name=_("opvangplaats"), on_delete=models.CASCADE,
                              related_name="periods", db_index=False)
    valid_from = models.DateField(_("geldt vanaf"))
    valid_until = models.DateField(_("geldt tot en met"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capaciteit (bedden)"), validators=[MinValueValidator(1)])
    category = models.CharField(_("categorie"), max_length=12, choices=PlaceCategories.choices)
    category_2_subtype = models.CharField(
        _("type (categorie 2)"), max_length=20, choices=Category2Subtypes.choices, blank=True
    )
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["place", "valid_from"]
        verbose_name = _("periode van een opvangplaats")
        verbose_name_plural = _("periodes van opvangplaatsen")
        constraints = [
            models.UniqueConstraint(fields=["place", "valid_from"], name="hvt_period_once_per_day"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="hvt_period_capacity_positive",
                                  violation_error_message=_("Een opvangplaats heeft minstens 1 bed.")),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")), name="hvt_period_validity",
                violation_error_message=_("Een periode van een opvangplaats eindigt niet voor ze begint."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="hvt_period_dates",
                violation_error_message=_("De einddatum kan niet voor de startdatum liggen."),
            ),
        ]

    def __str__(self):
        return f"{self.place_id} {self.valid_from}–{self.valid_until or ''}"


class QualityCheck(models.Model):
    """The housing-quality check of DOMAIN §4; a place passes when all four criteria hold."""

    place = models.ForeignKey(ReceptionPlace, on_delete=models.CASCADE, related_name="quality_checks")
    checked_on = models.DateField(_("datum van de controle"))
    inspector = models.CharField(_("controleur"), max_length=200)
    no_category_3_defects = models.BooleanField(_("geen gebreken van categorie III"), default=False)
    no_critical_category_2_defects = models.BooleanField(_("geen kritieke gebreken van categorie II"), default=False)
    not_uninhabitable = models.BooleanField(_("niet op de inventaris ongeschikt/onbewoonbaar"), default=False)
    no_overcrowding = models.BooleanField(_("geen overbewoning"), default=False)
    notes = models.TextField(_("opmerkingen"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("woningkwaliteitscontrole")
        verbose_name_plural = _("woningkwaliteitscontroles")

    def __str__(self):
        return f"{self.place_id} {self.checked_on}"

    @property
    def passed(self) -> bool:
        return all(
            [self.no_category_3_defects, self.no_critical_category_2_defects, self.not_uninhabitable, self.no_overcrowding]
        )


class Allocation(models.Model):
    """A household (pseudonymous reference, never a name) in a place for a period (end inclusive)."""

    place = models.ForeignKey(ReceptionPlace, verbose_name=_("opvangplaats"), on_delete=models.PROTECT, related_name="allocations")
    household_reference = models.CharField(
        _("referentie gezin"), max_length=40, validators=[household_reference_validator], db_index=True
    )
    household_size = models.PositiveSmallIntegerField(_("gezinsgrootte"), validators=[MinValueValidator(1)])
    adults = models.PositiveSmallIntegerField(_("volwassenen"))
    minors = models.PositiveSmallIntegerField(_("minderjarigen"))
    start_date = models.DateField(_("van"))
    end_date = models.DateField(_("tot en met"), null=True, blank=True)
    end_reason = models.CharField(_("reden einde"), max_length=200, blank=True)
    resident_fee_per_day = models.DecimalField(
        _("bijdrage van de bewoners per dag (EUR)"), max_digits=8, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    moved_from = models.OneToOneField(
        "self", verbose_name=_("verhuisd uit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="moved_to"
    )
    is_demo = models.BooleanField(_("demogegevens"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("toewijzing")
        verbose_name_plural = _("toewijzingen")
        # The beds in use on a day per place read only this index (household_size rides along on
        # PostgreSQL): the VLOT overview probes it once per place of its province.
        indexes = [models.Index(fields=["place", "start_date", "end_date"], name="hvt_alloc_period_idx",
                                include=["household_size"])]
        constraints = [
            models.CheckConstraint(condition=Q(household_size=F("adults") + F("minors")), name="hvt_alloc_size_sum",
                                  violation_error_message=_("De gezinsgrootte moet gelijk zijn aan het aantal volwassenen plus het aantal minderjarigen.")),
            models.CheckConstraint(condition=Q(household_size__gte=1), name="hvt_alloc_size_positive",
                                  violation_error_message=_("Een toewijzing telt minstens 1 persoon.")),
            models.CheckConstraint(condition=Q(resident_fee_per_day__gte=0), name="hvt_alloc_fee_not_negative",
                                  violation_error_message=_("De bijdrage per dag kan niet negatief zijn.")),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="hvt_alloc_period",
                violation_error_message=_("De toewijzing kan niet eindigen voor ze begint."),
            ),
        ]

    def __str__(self):
        return f"{self.household_reference} → {self.place_id}"

    def is_active_on(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class PlaceOffer(AddressFields):
    """A place offered through the portal; the municipality of the address validates or rejects it."""

    municipality = models.ForeignKey(
        "geo.Municipality", verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="place_offers"
    )
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="place_offers")
    operator = models.CharField(_("aanbieder"), max_length=200)
    capacity = models.PositiveIntegerField(_("aantal bedden"), validators=[MinValueValidator(1)])
    category = models.CharField(_("categorie"), max_length=12, choices=PlaceCategories.choices, default=PlaceCategories.CAT1_PRIVATE)
    category_2_subtype = models.CharField(_("type (categorie 2)"), max_length=20, choices=Category2Subtypes.choices, blank=True)
    available_from = models.DateField(_("beschikbaar vanaf"))
    available_until = models.DateField(_("beschikbaar tot en met"), null=True, blank=True)
    accessible = models.BooleanField(_("toegankelijk voor rolstoelgebruikers"), default=False)
    pets_allowed = models.BooleanField(_("huisdieren toegelaten"), default=False)
    notes = models.TextField(_("opmerkingen"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OfferStatuses.choices, default=OfferStatuses.OFFERED)
    rejection_reason = models.CharField(_("reden van afwijzing"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("beslist op"), null=True, blank=True)
    place = models.OneToOneField(ReceptionPlace, null=True, blank=True, on_delete=models.SET_NULL, related_name="offer")
    created_at = models.DateTimeField(_("aangeboden op"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("aanbod via het portaal")
        verbose_name_plural = _("aanbod via het portaal")
        indexes = [models.Index(fields=["municipality", "status"], name="hvt_offer_queue_idx")]

    def __str__(self):
        return f"{_('Aanbod')} #{self.pk} {self.address}"


class TargetRound(models.Model):
    """A Flemish total spread over the municipalities; every round is kept (history)."""

    total = models.PositiveIntegerField(_("totaal Vlaanderen"), validators=[MinValueValidator(1)])
    effective_on = models.DateField(_("geldt vanaf"))
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    population_year = models.PositiveSmallIntegerField(_("bevolkingsjaar"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-pk"]
        get_latest_by = ["effective_on", "pk"]
        verbose_name = _("indicatief objectief (ronde)")
        verbose_name_plural = _("indicatieve objectieven (rondes)")

    def __str__(self):
        return f"{self.total} ({self.effective_on})"


class MunicipalityTarget(models.Model):
    """One municipality's share of a round: the computed share, or a manual override."""

    round = models.ForeignKey(TargetRound, on_delete=models.CASCADE, related_name="municipality_targets")
    municipality = models.ForeignKey("geo.Municipality", verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="+")
    population = models.PositiveIntegerField(_("bevolking"), default=0)
    # The pure proportional share of the total (largest remainder over every municipality).
    computed = models.PositiveIntegerField(_("berekend"))
    override = models.PositiveIntegerField(_("manueel aangepast"), null=True, blank=True)
    # What counts: the override, or the share of what is left after the overrides (sums to the total).
    assigned = models.PositiveIntegerField(_("objectief"))
    override_reason = models.CharField(_("reden aanpassing"), max_length=300, blank=True)

    class Meta:
        ordering = ["round", "municipality"]
        verbose_name = _("indicatief objectief per gemeente")
        verbose_name_plural = _("indicatieve objectieven per gemeente")
        constraints = [models.UniqueConstraint(fields=["round", "municipality"], name="hvt_target_once_per_round")]

    def __str__(self):
        return f"{self.municipality_id}: {self.assigned}"


class SteeringNote(models.Model):
    municipality = models.ForeignKey("geo.Municipality", verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("notitie"), max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("geschreven op"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sturingsnotitie")
        verbose_name_plural = _("sturingsnotities")
        indexes = [models.Index(fields=["municipality", "-created_at"], name="hvt_note_muni_idx")]

    def __str__(self):
        return f"{self.municipality_id} {self.created_at:%Y-%m-%d}"


class CapacitySnapshot(models.Model):
    """Beds per municipality × category × date (nightly task, back-filled by a command)."""

    date = models.DateField(_("datum"))
    municipality = models.ForeignKey("geo.Municipality", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("categorie"), max_length=12, choices=PlaceCategories.choices)
    capacity = models.PositiveIntegerField(_("capaciteit"))
    available = models.PositiveIntegerField(_("beschikbaar"))
    occupied = models.PositiveIntegerField(_("bezet"))
    free = models.PositiveIntegerField(_("vrij"))

    class Meta:
        ordering = ["-date", "municipality", "category"]
        verbose_name = _("capaciteitsmomentopname")
        verbose_name_plural = _("capaciteitsmomentopnames")
        constraints = [
            models.UniqueConstraint(fields=["date", "municipality", "category"], name="hvt_snapshot_unique"),
        ]
        indexes = [models.Index(fields=["municipality", "date"], name="hvt_snapshot_muni_idx")]

    def __str__(self):
        return f"{self.date} {self.municipality_id} {self.category}"
