"""Browser forms. They only collect input; the services decide (and their errors land on the form)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geo.models import Municipality
from hvt.constants import (
    MAX_HOUSEHOLD_SIZE,
    MAX_OFFER_CAPACITY,
    MAX_PLACE_CAPACITY,
    Category2Subtypes,
    PlaceCategories,
    PlaceStatuses,
)
from hvt.models import household_reference_validator, postal_code_validator


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class PlaceFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Zoeken"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("straat, uitbater, postcode of nummer")}))
    municipality = forms.ModelChoiceField(label=_("Gemeente"), queryset=Municipality.objects.none(), required=False,
                                          empty_label=_("Alle gemeenten"))
    category = forms.ChoiceField(label=_("Categorie"), required=False,
                                 choices=[("", _("Alle categorieën"))] + list(PlaceCategories.choices))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Alle statussen"))] + list(PlaceStatuses.choices))
    free = forms.BooleanField(label=_("Enkel met vrije bedden vandaag"), required=False)

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is not None:
            self.fields["municipality"].queryset = municipalities


class PlaceForm(BootstrapMixin, forms.Form):
    municipality = forms.ModelChoiceField(label=_("Gemeente"), queryset=Municipality.objects.none())
    name = forms.CharField(label=_("Naam (optioneel)"), max_length=200, required=False)
    street = forms.CharField(label=_("Straat"), max_length=200)
    house_number = forms.CharField(label=_("Huisnummer"), max_length=20)
    postal_code = forms.CharField(label=_("Postcode"), max_length=4, validators=[postal_code_validator])
    operator = forms.CharField(label=_("Uitbater"), max_length=200)
    capacity = forms.IntegerField(label=_("Capaciteit (bedden)"), min_value=1, max_value=MAX_PLACE_CAPACITY)
    category = forms.ChoiceField(label=_("Categorie"), choices=PlaceCategories.choices)
    category_2_subtype = forms.ChoiceField(label=_("Type (enkel categorie 2)"), required=False,
                                           choices=[("", "—")] + list(Category2Subtypes.choices))
    start_date = forms.DateField(label=_("Startdatum"), widget=DateInput())
    end_date = forms.DateField(label=_("Einddatum (optioneel)"), required=False, widget=DateInput())
    accessible = forms.BooleanField(label=_("Toegankelijk voor rolstoelgebruikers"), required=False)
    pets_allowed = forms.BooleanField(label=_("Huisdieren toegelaten"), required=False)
    notes = forms.CharField(label=_("Opmerkingen"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is not None:
            field = self.fields["municipality"]
            field.queryset = municipalities
            only = list(municipalities.order_by("pk")[:2])
            if len(only) == 1:  # one municipality in scope: chosen already
                field.empty_label = None
                field.initial = only[0].pk

    def clean(self):
        """The rules between fields (the service's own check), also while other fields are wrong, so
        that every error shows at once; the service checks everything again when it registers."""
        data = super().clean()
        from hvt.services import place_input_check

        municipality = data.get("municipality")
        try:
            place_input_check(
                municipality_id=municipality.pk if municipality else None, postal_code=data.get("postal_code"),
                start_date=data.get("start_date"), end_date=data.get("end_date"), category=data.get("category"),
                category_2_subtype=data.get("category_2_subtype", ""),
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, messages)
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["municipality"] = data["municipality"].pk
        return data


class QualityCheckForm(BootstrapMixin, forms.Form):
    checked_on = forms.DateField(label=_("Datum van de controle"), widget=DateInput())
    inspector = forms.CharField(label=_("Controleur"), max_length=200)
    no_category_3_defects = forms.BooleanField(label=_("Geen gebreken van categorie III"), required=False)
    no_critical_category_2_defects = forms.BooleanField(label=_("Geen kritieke gebreken van categorie II"), required=False)
    not_uninhabitable = forms.BooleanField(label=_("Niet op de inventaris ongeschikt/onbewoonbaar"), required=False)
    no_overcrowding = forms.BooleanField(label=_("Geen overbewoning"), required=False)
    notes = forms.CharField(label=_("Opmerkingen"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(BootstrapMixin, forms.Form):
    end_date = forms.DateField(label=_("Laatste dag"), widget=DateInput())
    reason = forms.CharField(label=_("Reden"), max_length=200, required=False)


class AllocationForm(BootstrapMixin, forms.Form):
    household_reference = forms.CharField(
        label=_("Referentie gezin (pseudoniem, nooit een naam)"), max_length=40,
        validators=[household_reference_validator],
    )
    household_size = forms.IntegerField(label=_("Gezinsgrootte"), min_value=1, max_value=MAX_HOUSEHOLD_SIZE)
    adults = forms.IntegerField(label=_("Volwassenen"), min_value=0, max_value=MAX_HOUSEHOLD_SIZE)
    minors = forms.IntegerField(label=_("Minderjarigen"), min_value=0, max_value=MAX_HOUSEHOLD_SIZE)
    start_date = forms.DateField(label=_("Van"), widget=DateInput())
    end_date = forms.DateField(label=_("Tot en met (optioneel)"), required=False, widget=DateInput())
    resident_fee_per_day = forms.DecimalField(
        label=_("Bijdrage van de bewoners per dag (EUR)"), min_value=Decimal("0.00"), max_digits=8, decimal_places=2,
        initial=Decimal("0.00"), required=False,
        help_text=_("Wat de bewoners per dag betalen; het wordt afgetrokken van de subsidie voor categorie 2."),
    )

    def clean_resident_fee_per_day(self):
        return self.cleaned_data.get("resident_fee_per_day") or Decimal("0.00")


class AllocationEndForm(BootstrapMixin, forms.Form):
    end_date = forms.DateField(label=_("Laatste dag"), widget=DateInput())
    reason = forms.CharField(label=_("Reden"), max_length=200, required=False)


class AllocationMoveForm(BootstrapMixin, forms.Form):
    to_place = forms.ModelChoiceField(label=_("Naar plaats"), queryset=None)
    move_date = forms.DateField(label=_("Verhuisdatum (eerste dag in de nieuwe plaats)"), widget=DateInput())

    def __init__(self, *args, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_place"].queryset = places
        self.fields["to_place"].widget.attrs["data-place-chooser"] = ""

    def show_places(self, rows: list[tuple[int, str]], *, chosen=None) -> None:
        """Offer only ``rows`` (a search result) in the list, plus the place already chosen; any
        place of the queryset is still accepted (the chooser may find one outside ``rows``)."""
        from hvt.choices import place_choice_label

        rows = list(rows)
        if chosen and str(chosen).isdigit() and all(str(pk) != str(chosen) for pk, _label in rows):
            place = self.fields["to_place"].queryset.filter(pk=chosen).select_related("municipality").first()
            if place is not None:
                rows.insert(0, (place.pk, place_choice_label(place)))
        self.fields["to_place"].widget.choices = [("", _("— kies een plaats —")), *rows]


class OfferForm(BootstrapMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"), queryset=Municipality.objects.all(), required=False,
        empty_label=_("Volgens de postcode"),
        help_text=_("Leeg laten: de gemeente volgt uit de postcode (tenzij die bij meerdere gemeenten hoort)."),
    )
    street = forms.CharField(label=_("Straat"), max_length=200)
    house_number = forms.CharField(label=_("Huisnummer"), max_length=20)
    postal_code = forms.CharField(label=_("Postcode"), max_length=4, validators=[postal_code_validator])
    operator = forms.CharField(label=_("Aanbieder (organisatie of contactpersoon)"), max_length=200)
    capacity = forms.IntegerField(label=_("Aantal bedden"), min_value=1, max_value=MAX_OFFER_CAPACITY)
    category = forms.ChoiceField(label=_("Soort plaats"), choices=PlaceCategories.choices, initial=PlaceCategories.CAT1_PRIVATE)
    category_2_subtype = forms.ChoiceField(label=_("Type (enkel categorie 2)"), required=False,
                                           choices=[("", "—")] + list(Category2Subtypes.choices))
    available_from = forms.DateField(label=_("Beschikbaar vanaf"), widget=DateInput())
    available_until = forms.DateField(label=_("Beschikbaar tot en met (optioneel)"), required=False, widget=DateInput())
    accessible = forms.BooleanField(label=_("Toegankelijk voor rolstoelgebruikers"), required=False)
    pets_allowed = forms.BooleanField(label=_("Huisdieren toegelaten"), required=False)
    notes = forms.CharField(label=_("Opmerkingen"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self) -> dict:
        """Without a municipality the service takes the one of the postal code (or refuses)."""
        data = dict(self.cleaned_data)
        data["municipality"] = data["municipality"].pk if data["municipality"] else None
        return data


class OfferRejectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reden van afwijzing"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class SteeringNoteForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Nieuwe sturingsnotitie"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
