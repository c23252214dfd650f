from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from budget.constants import BudgetCategories, RuleKinds, RunStatuses, Tools


class BudgetLine(models.Model):
    """One line of a tool's yearly budget, in euro (Decimal, two decimals, never float)."""

    tool = models.CharField(_("tool"), max_length=10, choices=Tools.choices)
    year = models.PositiveSmallIntegerField(_("jaar"))
    category = models.CharField(_("post"), max_length=30, choices=BudgetCategories.choices)
    amount = models.DecimalField(
        _("bedrag (EUR)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    note = models.CharField(_("toelichting"), max_length=255, blank=True)

    class Meta:
        ordering = ["tool", "year", "category"]
        verbose_name = _("budgetlijn")
        verbose_name_plural = _("budgetlijnen")
        constraints = [
            models.UniqueConstraint(fields=["tool", "year", "category"], name="budget_line_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_amount_not_negative",
                                   violation_error_message=_("Het bedrag van een budgetlijn kan niet negatief zijn.")),
        ]

    def __str__(self):
        return f"{self.get_tool_display()} {self.year} – {self.get_category_display()}: € {self.amount}"


class Payee(models.Model):
    """Where a municipality's subsidies are paid: its bank account (IBAN, BIC, account holder).

    One per municipality. IBAN and BIC are validated with python-stdnum (budget.validators) and
    stored in their compact form (no spaces, capitals). ``is_demo`` marks the demo accounts of
    ``budget.demo``, which must never reach a payment file of a real environment.
    """

    municipality = models.OneToOneField(
        "geo.Municipality", verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="payee"
    )
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    account_holder = models.CharField(_("naam rekeninghouder"), max_length=70)
    is_demo = models.BooleanField(_("demogegevens"), default=False)
    updated_at = models.DateTimeField(_("gewijzigd op"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gewijzigd door"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        ordering = ["municipality__name_nl"]
        verbose_name = _("begunstigde")
        verbose_name_plural = _("begunstigden")
        # The bulk import is central coordination's, like every other import of the product.
        permissions = [("import_payees", _("Kan rekeningnummers in bulk importeren"))]

    def __str__(self):
        return f"{self.municipality} – {self.iban_display}"

    @property
    def iban_display(self) -> str:
        """The IBAN in groups of four, as printed on statements."""
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))

    def clean(self):
        from budget.validators import validate_bic, validate_iban

        errors = {}
        for name, validate in (("iban", validate_iban), ("bic", validate_bic)):
            value = getattr(self, name)
            if not value:
                continue
            try:
                validate(value)
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)


class Expenditure(models.Model):
    """An amount actually spent against a budget line (an invoice or a payment), recorded by
    central coordination through ``budget.services.expenditure_record``. Entries are never changed
    or deleted: a credit note or a correction is an entry with a negative amount."""

    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("budgetlijn"), on_delete=models.PROTECT, related_name="expenditures"
    )
    date = models.DateField(_("datum"))
    supplier = models.CharField(_("leverancier"), max_length=200)
    reference = models.CharField(_("referentie"), max_length=100, blank=True)
    description = models.CharField(_("omschrijving"), max_length=255, blank=True)
    amount = models.DecimalField(_("bedrag (EUR)"), max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("geboekt door"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("geboekt op"))

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("uitgave")
        verbose_name_plural = _("uitgaven")
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="budget_expenditure_not_zero",
                                               violation_error_message=_("Een uitgave van 0 euro wordt niet geboekt."))]
        indexes = [models.Index(fields=["budget_line", "date"], name="budget_expenditure_line_idx")]

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.supplier} {self.reference}: € {self.amount}"


class ApprovedRunError(ValidationError):
    """An approved run, its lines and its payment data never change (DOMAIN §5)."""


class SubsidyScheme(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("naam"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("subsidieregeling")
        verbose_name_plural = _("subsidieregelingen")

    def __str__(self):
        return self.code


class SchemeVersion(models.Model):
    """A version of the scheme's amounts, in force from ``valid_from`` until the next version."""

    scheme = models.ForeignKey(SubsidyScheme, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("versie"))
    valid_from = models.DateField(_("geldt vanaf"))
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheme", "valid_from", "number"]
        verbose_name = _("versie van de regeling")
        verbose_name_plural = _("versies van de regeling")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="budget_version_number_unique"),
            models.UniqueConstraint(fields=["scheme", "valid_from"], name="budget_version_from_unique"),
        ]

    def __str__(self):
        return f"{self.scheme} v{self.number} ({self.valid_from})"


class SchemeRate(models.Model):
    """One amount of a version: a rule kind (and for the category-2 day rate a subtype)."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="rates")
    rule_kind = models.CharField(_("regel"), max_length=30, choices=RuleKinds.choices)
    subtype = models.CharField(_("type"), max_length=20, blank=True)
    amount = models.DecimalField(
        _("bedrag (EUR)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )

    class Meta:
        ordering = ["version", "rule_kind", "subtype"]
        verbose_name = _("bedrag van de regeling")
        verbose_name_plural = _("bedragen van de regeling")
        constraints = [
            models.UniqueConstraint(fields=["version", "rule_kind", "subtype"], name="budget_rate_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_rate_not_negative",
                                   violation_error_message=_("Een bedrag van de regeling kan niet negatief zijn.")),
        ]

    def __str__(self):
        return f"{self.version} {self.rule_kind} {self.subtype}: € {self.amount}"


class Tranche(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    reference_date = models.DateField(_("referentiedatum"), unique=True)
    correction_deadline = models.DateField(_("uiterste datum voor correcties"))
    payment_date = models.DateField(_("betaaldatum"))
    guidance_factor = models.DecimalField(
        _("factor begeleidingssubsidie"), max_digits=4, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    paid_on = models.DateField(_("betaald op"), null=True, blank=True)

    class Meta:
        ordering = ["reference_date"]
        verbose_name = _("schijf")
        verbose_name_plural = _("schijven")

    def __str__(self):
        return self.code


class SubsidyRun(models.Model):
    """The calculation of one tranche: a draft (recalculated in place) until approved, then frozen."""

    tranche = models.OneToOneField(Tranche, on_delete=models.PROTECT, related_name="run")
    status = models.CharField(_("status"), max_length=10, choices=RunStatuses.choices, default=RunStatuses.DRAFT)
    version = models.ForeignKey(
        SchemeVersion, verbose_name=_("versie op de referentiedatum"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # What the calculation used: reference date, versions and rates, CRT counts, a digest of the
    # place facts and allocations, and the totals of the previous calculation of this draft.
    inputs = models.JSONField(_("invoer"), default=dict, blank=True)
    total = models.DecimalField(_("totaal (EUR)"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    totals = models.JSONField(_("totalen"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)
    calculated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)

    class Meta:
        ordering = ["tranche__reference_date"]
        verbose_name = _("subsidieberekening")
        verbose_name_plural = _("subsidieberekeningen")

    def __str__(self):
        return f"{self.tranche} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if getattr(self, "_stored_status", None) == RunStatuses.APPROVED:
            raise ApprovedRunError(_("Een goedgekeurde berekening kan niet meer gewijzigd worden."))
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args, **kwargs):
        if self.pk and SubsidyRun.objects.filter(pk=self.pk, status=RunStatuses.APPROVED).exists():
            raise ApprovedRunError(_("Een goedgekeurde berekening kan niet verwijderd worden."))
        return super().delete(*args, **kwargs)

    @property
    def is_approved(self) -> bool:
        return self.status == RunStatuses.APPROVED

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.status if "status" in field_names else None
        return instance


class SubsidyLineQuerySet(models.QuerySet):
    def delete(self):
        if self.filter(run__status=RunStatuses.APPROVED).exists():
            raise ApprovedRunError(_("De lijnen van een goedgekeurde berekening kunnen niet verwijderd worden."))
        return super().delete()

    def update(self, **kwargs):
        if self.filter(run__status=RunStatuses.APPROVED).exists():
            raise ApprovedRunError(_("De lijnen van een goedgekeurde berekening kunnen niet gewijzigd worden."))
        return super().update(**kwargs)


class SubsidyLine(models.Model):
    """One line of a run: a place and rule (or a municipality's guidance), the entitlement up to the
    reference date, what approved runs of earlier tranches paid, and the difference (``amount``,
    negative for a recovery)."""

    run = models.ForeignKey(SubsidyRun, on_delete=models.CASCADE, related_name="lines")
    municipality = models.ForeignKey("geo.Municipality", on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey("hvt.ReceptionPlace", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rule_kind = models.CharField(_("regel"), max_length=30, choices=RuleKinds.choices)
    days = models.PositiveIntegerField(_("dagen"), default=0)
    beds = models.PositiveIntegerField(_("bedden"), default=0)
    rate = models.DecimalField(_("bedrag per eenheid (EUR)"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    entitlement_to_date = models.DecimalField(_("recht tot de referentiedatum"), max_digits=14, decimal_places=2)
    previously_paid = models.DecimalField(_("eerder betaald"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    amount = models.DecimalField(_("bedrag (EUR)"), max_digits=14, decimal_places=2)
    explanation = models.JSONField(_("toelichting"), default=dict, blank=True)

    objects = SubsidyLineQuerySet.as_manager()

    class Meta:
        ordering = ["run", "municipality", "place", "rule_kind"]
        verbose_name = _("subsidielijn")
        verbose_name_plural = _("subsidielijnen")
        indexes = [
            models.Index(fields=["run", "municipality"], name="budget_line_run_muni_idx"),
            models.Index(fields=["place", "rule_kind"], name="budget_line_place_rule_idx"),
        ]

    def __str__(self):
        return f"{self.run_id} {self.municipality_id} {self.place_id or ''} {self.rule_kind}: € {self.amount}"

    def save(self, *args, **kwargs):
        self._refuse_if_approved()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_approved()
        return super().delete(*args, **kwargs)

    def _refuse_if_approved(self):
        if self.run_id and SubsidyRun.objects.filter(pk=self.run_id, status=RunStatuses.APPROVED).exists():
            raise ApprovedRunError(_("De lijnen van een goedgekeurde berekening kunnen niet gewijzigd worden."))


class CorrectionStatuses(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Aanvaard")
    REJECTED = "rejected", _("Afgewezen")


class CorrectionRequest(models.Model):
    """A municipal officer's request to correct the statement of a tranche (one line, or the
    statement as a whole), filed until the tranche's correction deadline and answered by the subsidy
    coordination (budget.corrections). A draft's lines are replaced on every recalculation, so the
    request keeps what the line said (``line_label``) next to a link that may become empty."""

    tranche = models.ForeignKey(Tranche, verbose_name=_("schijf"), on_delete=models.PROTECT, related_name="corrections")
    municipality = models.ForeignKey("geo.Municipality", verbose_name=_("gemeente"), on_delete=models.PROTECT,
                                     related_name="+")
    line = models.ForeignKey(SubsidyLine, verbose_name=_("lijn"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    line_label = models.CharField(_("lijn (zoals getoond)"), max_length=255, blank=True)
    # The place of the line (kept when a recalculation replaces the line): where the data is fixed.
    place = models.ForeignKey("hvt.ReceptionPlace", verbose_name=_("plaats"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(_("wat is fout"), max_length=2000)
    proposed_value = models.CharField(_("voorgestelde waarde"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CorrectionStatuses.choices,
                              default=CorrectionStatuses.OPEN)
    answer = models.TextField(_("antwoord"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ingediend door"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("ingediend op"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("beantwoord door"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    # An accepted request is processed by the first recalculation of the tranche's draft after the answer.
    recalculated_at = models.DateTimeField(_("herberekend op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("correctieaanvraag")
        verbose_name_plural = _("correctieaanvragen")
        indexes = [models.Index(fields=["tranche", "municipality"], name="budget_correction_idx")]

    def __str__(self):
        return f"{self.tranche} {self.municipality_id} #{self.pk}"
