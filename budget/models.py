from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from budget.constants import BudgetCategories, Tools


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
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_amount_not_negative"),
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
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="budget_expenditure_not_zero")]
        indexes = [models.Index(fields=["budget_line", "date"], name="budget_expenditure_line_idx")]

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.supplier} {self.reference}: € {self.amount}"
