"""Django admin for central coordination (hvt_coordinator). Lists are scoped like every other
read; writes go through hvt.services (bulk import via core's stored import, agency confirmation, targets)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.constants import Roles
from accounts.selectors import scope_filter, user_has_role
from core.admin import ImportUploadMixin, ReadOnlyAdminMixin, ServiceAdminMixin, ServiceModelForm
from hvt import services
from hvt.constants import READ_ROLES
from hvt.models import (
    Allocation,
    CapacitySnapshot,
    MunicipalityTarget,
    PlaceOffer,
    QualityCheck,
    ReceptionPlace,
    SteeringNote,
    TargetRound,
)


class HistoryPermissionMixin:
    """Django's history view looks the object up before checking permissions (an object outside
    the queryset gives a redirect); check the permission first, like the change view does."""

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


class ScopedReadOnlyAdmin(ReadOnlyAdminMixin, HistoryPermissionMixin, admin.ModelAdmin):
    """Read-only in the admin (changes go through the services); rows limited to the user's scope."""

    scope_field = "municipality"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return scope_filter(qs, request.user, field=self.scope_field, roles=READ_ROLES)


@admin.register(ReceptionPlace)
class ReceptionPlaceAdmin(ImportUploadMixin, ScopedReadOnlyAdmin):
    """Import: the "hvt.places" kind (hvt/imports.py) as a stored import checked and run by a task."""

    list_display = ["id", "street", "house_number", "postal_code", "municipality", "category", "capacity", "status",
                    "start_date", "end_date", "is_demo"]
    list_filter = ["status", "category", "source", "municipality__province", "is_demo"]
    search_fields = ["street", "operator", "name", "postal_code", "=id"]
    list_select_related = ["municipality"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["confirm_by_agency"]

    @admin.action(description=_("Bevestigen door het agentschap (categorie 2)"), permissions=["import"])
    def confirm_by_agency(self, request, queryset):
        done = 0
        for place in queryset:
            try:
                services.place_confirm_by_agency(actor=request.user, place=place)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"#{place.pk}: {' '.join(exc.messages)}", messages.WARNING)
        self.message_user(request, _("%(n)s plaatsen bevestigd.") % {"n": done})


@admin.register(QualityCheck)
class QualityCheckAdmin(ScopedReadOnlyAdmin):
    scope_field = "place__municipality"
    list_display = ["place", "checked_on", "inspector", "no_category_3_defects", "no_critical_category_2_defects",
                    "not_uninhabitable", "no_overcrowding"]
    list_select_related = ["place"]


@admin.register(Allocation)
class AllocationAdmin(ScopedReadOnlyAdmin):
    scope_field = "place__municipality"
    list_display = ["household_reference", "place", "household_size", "start_date", "end_date"]
    search_fields = ["household_reference", "=place__id"]
    list_select_related = ["place"]
    show_full_result_count = False


@admin.register(PlaceOffer)
class PlaceOfferAdmin(ScopedReadOnlyAdmin):
    list_display = ["id", "street", "house_number", "municipality", "capacity", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["municipality"]


@admin.register(SteeringNote)
class SteeringNoteAdmin(ScopedReadOnlyAdmin):
    list_display = ["municipality", "author", "created_at"]
    list_select_related = ["municipality", "author"]


@admin.register(CapacitySnapshot)
class CapacitySnapshotAdmin(ScopedReadOnlyAdmin):
    list_display = ["date", "municipality", "category", "capacity", "available", "occupied", "free"]
    list_filter = ["category"]
    list_select_related = ["municipality"]
    date_hierarchy = "date"
    show_full_result_count = False


class TargetRoundForm(ServiceModelForm):
    """Saved by ``services.target_round_create``: its refusals (no population figures, …) show on the form."""

    keep_overrides = forms.BooleanField(label=_("Aanpassingen van de vorige ronde behouden"), required=False, initial=True)

    class Meta:
        model = TargetRound
        fields = ["total", "effective_on", "note"]

    def call_service(self, data):
        return services.target_round_create(
            actor=self.actor, total=data["total"], effective_on=data["effective_on"], note=data.get("note") or "",
            keep_overrides=data.get("keep_overrides", True),
        )


@admin.register(TargetRound)
class TargetRoundAdmin(ServiceAdminMixin, HistoryPermissionMixin, admin.ModelAdmin):
    """A coordinator enters a Flemish total; the service spreads it (largest remainder)."""

    form = TargetRoundForm
    list_display = ["effective_on", "total", "note", "population_year", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["total", "effective_on", "note"] if obj else []

    def has_add_permission(self, request):
        # The service lets only central coordination set targets (a superuser without the role: view).
        return user_has_role(request.user, Roles.HVT_COORDINATOR) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return False if obj else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class TargetOverrideForm(ServiceModelForm):
    """Saved by ``services.target_override_set``: the round keeps adding up to its total."""

    class Meta:
        model = MunicipalityTarget
        fields = ["override", "override_reason"]

    def call_service(self, data):
        return services.target_override_set(
            actor=self.actor, target=self.instance, value=data.get("override"),
            reason=data.get("override_reason") or "",
        )


@admin.register(MunicipalityTarget)
class MunicipalityTargetAdmin(ServiceAdminMixin, HistoryPermissionMixin, admin.ModelAdmin):
    form = TargetOverrideForm
    list_display = ["municipality", "round", "population", "computed", "override", "assigned"]
    list_filter = ["round"]
    search_fields = ["municipality__name_nl", "=municipality__refnis"]
    list_select_related = ["municipality", "round"]
    readonly_fields = ["round", "municipality", "population", "computed", "assigned"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return scope_filter(qs, request.user, roles=READ_ROLES)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return user_has_role(request.user, Roles.HVT_COORDINATOR) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
