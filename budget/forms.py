"""Forms of the budget pages (the service checks the rules; the form only parses)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from budget.models import BudgetLine


class BudgetLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.year} · {obj.get_tool_display()} · {obj.get_category_display()}"


class ExpenditureForm(forms.Form):
    budget_line = BudgetLineChoiceField(
        label=_("Budgetlijn"), queryset=BudgetLine.objects.order_by("-year", "tool", "category")
    )
    date = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}))
    supplier = forms.CharField(label=_("Leverancier"), max_length=200)
    reference = forms.CharField(label=_("Referentie (factuurnummer)"), max_length=100, required=False)
    description = forms.CharField(label=_("Omschrijving"), max_length=255, required=False)
    amount = forms.DecimalField(
        label=_("Bedrag (EUR)"), max_digits=12, decimal_places=2, min_value=Decimal("-9999999999.99"),
        help_text=_("Een creditnota of een correctie van een eerdere boeking is een negatief bedrag."),
        localize=True,
    )
