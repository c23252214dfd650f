"""Django admin of the budget app: budget lines, the municipalities' bank accounts (payees, with the
bulk import) and the recorded spending (read-only: it is recorded on /budget/uitgaven/). Writes go
through budget.services."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from accounts.selectors import scope_filter
from budget.constants import RunStatuses
from budget.corrections import TRANCHE_FIELDS, tranche_set
from budget.models import (
    BudgetLine,
    Expenditure,
    Payee,
    SchemeRate,
    SchemeVersion,
    SubsidyLine,
    SubsidyRun,
    SubsidyScheme,
    Tranche,
)
from budget.permissions import PAYEE_EDITORS
from budget.services import budget_line_set, payee_set
from core.admin import ImportUploadMixin, ReadOnlyAdminMixin, ServiceAdminMixin, ServiceModelForm


class BudgetLineForm(ServiceModelForm):
    """Saved by ``budget_line_set`` (``core.admin.ServiceModelForm``, like every admin that writes):
    audited, its refusal on the form. A line's key (tool, year, category) is fixed once it exists:
    the service finds a line by its key, so a changed key would add a line beside the old one."""

    class Meta:
        model = BudgetLine
        fields = ["tool", "year", "category", "amount", "note"]

    def call_service(self, data):
        line = self.instance
        return budget_line_set(
            tool=data.get("tool") or line.tool, year=data.get("year") or line.year,
            category=data.get("category") or line.category, amount=data["amount"], note=data.get("note", ""),
            actor=self.actor,
        )


@admin.register(BudgetLine)
class BudgetLineAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = BudgetLineForm
    list_display = ["tool", "year", "category", "amount", "note"]
    list_filter = ["tool", "year", "category"]

    def get_readonly_fields(self, request, obj=None):
        return ["tool", "year", "category"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


class PayeeForm(ServiceModelForm):
    """Saved by ``payee_set`` (``core.admin.ServiceModelForm``): its checks are the admin's and its
    refusal shows on the form."""

    class Meta:
        model = Payee
        fields = ["municipality", "iban", "bic", "account_holder", "is_demo"]

    def _post_clean(self):
        """No model validation of its own: ``payee_set`` validates (and replaces a municipality's
        account rather than adding a second)."""

    def call_service(self, data):
        return payee_set(
            municipality=data.get("municipality") or self.instance.municipality, iban=data["iban"], bic=data.get("bic", ""),
            account_holder=data["account_holder"], is_demo=data.get("is_demo", False), actor=self.actor,
        )


@admin.register(Payee)
class PayeeAdmin(ImportUploadMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Import: the "budget.payees" kind (budget/imports.py). Never deleted: a municipality's account
    is changed (audited), not removed."""

    form = PayeeForm
    list_display = ["municipality", "iban_display", "bic", "account_holder", "is_demo", "updated_at", "updated_by"]
    list_filter = ["is_demo", "municipality__province"]
    search_fields = ["municipality__name_nl", "=municipality__refnis", "iban", "account_holder"]
    list_select_related = ["municipality", "updated_by"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return scope_filter(qs, request.user, roles=PAYEE_EDITORS)

    def get_readonly_fields(self, request, obj=None):
        return ["municipality"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def history_view(self, request, object_id, extra_context=None):
        # Django looks the object up (scoped queryset) before it checks the permission: check first.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


@admin.register(Expenditure)
class ExpenditureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["date", "budget_line", "supplier", "reference", "amount", "created_by", "created_at"]
    list_filter = ["budget_line__tool", "budget_line__year", "budget_line__category"]
    search_fields = ["supplier", "reference"]
    list_select_related = ["budget_line", "created_by"]
    date_hierarchy = "date"


# --- subsidies (docs/SUBSIDY.md) --------------------------------------------------------------------


class SchemeRateInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SchemeRate
    fields = ["rule_kind", "subtype", "amount"]
    readonly_fields = fields
    extra = 0


@admin.register(SubsidyScheme)
class SubsidySchemeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(SchemeVersion)
class SchemeVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a version is added only on /budget/subsidies/regeling/ through
    ``budget.subsidy.scheme.scheme_version_add`` (its checks, numbering and audit; every amount
    given), and never changed or deleted — a change of amounts is a new version (docs/SUBSIDY.md)."""

    list_display = ["scheme", "number", "valid_from", "note"]
    inlines = [SchemeRateInline]


class TrancheForm(ServiceModelForm):
    """Saved by ``budget.corrections.tranche_set``: the order of the dates, what an approved or paid
    tranche still allows, and the audit row are the service's."""

    class Meta:
        model = Tranche
        fields = ["code", "reference_date", "correction_deadline", "payment_date", "guidance_factor"]

    def _post_clean(self):
        """No model validation of its own: ``tranche_set`` validates (after its own rules)."""

    def call_service(self, data):
        tranche = self.instance if self.instance.pk else None
        values = {field: data[field] if field in data else getattr(self.instance, field) for field in TRANCHE_FIELDS}
        return tranche_set(actor=self.actor, tranche=tranche, **values)


@admin.register(Tranche)
class TrancheAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = TrancheForm
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
