from decimal import Decimal

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
