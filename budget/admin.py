from django.contrib import admin

from budget.constants import RunStatuses
from budget.models import BudgetLine, SchemeRate, SchemeVersion, SubsidyLine, SubsidyRun, SubsidyScheme, Tranche
from budget.services import budget_line_set
from core.admin import ReadOnlyAdminMixin


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["tool", "year", "category", "amount", "note"]
    list_filter = ["tool", "year", "category"]

    def save_model(self, request, obj, form, change):
        saved = budget_line_set(
            tool=obj.tool, year=obj.year, category=obj.category, amount=obj.amount, note=obj.note, actor=request.user
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


# --- subsidies (docs/SUBSIDY.md) --------------------------------------------------------------------


class SchemeRateInline(admin.TabularInline):
    model = SchemeRate
    extra = 0

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _version_used(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _version_used(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _version_used(obj)


def _version_used(version) -> bool:
    """A version that priced an approved run keeps its amounts (a change is a new version)."""
    if version is None or version.pk is None:
        return False
    return SubsidyRun.objects.filter(
        status=RunStatuses.APPROVED, tranche__reference_date__gte=version.valid_from
    ).exists()


@admin.register(SubsidyScheme)
class SubsidySchemeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(SchemeVersion)
class SchemeVersionAdmin(admin.ModelAdmin):
    list_display = ["scheme", "number", "valid_from", "note"]
    inlines = [SchemeRateInline]

    def get_readonly_fields(self, request, obj=None):
        return ["scheme", "number", "valid_from"] if _version_used(obj) else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tranche)
class TrancheAdmin(admin.ModelAdmin):
    list_display = ["code", "reference_date", "correction_deadline", "payment_date", "guidance_factor", "paid_on"]

    def get_readonly_fields(self, request, obj=None):
        approved = obj is not None and SubsidyRun.objects.filter(tranche=obj, status=RunStatuses.APPROVED).exists()
        return ["code", "reference_date", "correction_deadline", "guidance_factor"] if approved else []

    def has_delete_permission(self, request, obj=None):
        return False


class SubsidyLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SubsidyLine
    fields = ["municipality", "place", "rule_kind", "days", "beds", "rate", "entitlement_to_date",
              "previously_paid", "amount"]
    readonly_fields = fields
    extra = 0
    show_change_link = False


@admin.register(SubsidyRun)
class SubsidyRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Runs are written by budget.subsidy.services only; an approved run never changes."""

    list_display = ["tranche", "status", "total", "finished_at", "approved_by", "approved_at"]
    list_filter = ["status"]


@admin.register(SubsidyLine)
class SubsidyLineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["run", "municipality", "place", "rule_kind", "days", "beds", "rate", "amount"]
    list_filter = ["rule_kind", "run__tranche"]
    list_select_related = ["run__tranche", "municipality", "place"]
    raw_id_fields = ["place"]
