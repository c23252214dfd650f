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


class SchemeVersionForm(forms.Form):
    """A new version of the scheme: from which day, a note, and every amount (prefilled with the
    latest version's). The service (budget.subsidy.scheme.scheme_version_add) checks the rules."""

    valid_from = forms.DateField(label=_("Geldt vanaf"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Toelichting (bv. het besluit)"), max_length=300, required=False)

    def __init__(self, *args, amounts: dict | None = None, **kwargs):
        from budget.subsidy.scheme import RATE_KEYS, rate_key, rate_label

        super().__init__(*args, **kwargs)
        amounts = amounts or {}
        self.rate_names = []
        for kind, subtype in RATE_KEYS:
            name = rate_key(kind, subtype)
            self.fields[name] = forms.DecimalField(
                label=rate_label(kind, subtype), max_digits=12, decimal_places=2, min_value=Decimal("0.00"),
                localize=True, initial=amounts.get(name), required=True,
            )
            self.rate_names.append(name)

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"valid_from": data["valid_from"], "note": data["note"],
                "rates": {name: data[name] for name in self.rate_names}}
