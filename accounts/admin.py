from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, RoleAssignment, User
from accounts.services import user_scope_sync
from audit.constants import AuditActions
from audit.services import audit_log


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


class RoleAssignmentInline(admin.StackedInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["municipalities", "organisation"]
    filter_horizontal = ["provinces"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_active", "last_activity", "is_technical_account"]
    list_filter = ["is_active", "is_staff", "is_technical_account", "organisation__kind", "role_assignments__role"]
    search_fields = ["username", "email", "first_name", "last_name"]
    list_select_related = ["organisation"]
    inlines = [RoleAssignmentInline]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Organisatie en activiteit"), {"fields": ("organisation", "last_activity", "is_technical_account")}),
    )
    readonly_fields = ["last_activity", "last_login", "date_joined"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Only a superuser hands out superuser/staff flags or raw permissions; roles go via assignments.
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in ("is_superuser", "user_permissions", "groups")]})
            for name, opts in fieldsets
        ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_scope_sync(user=form.instance)
        audit_log(
            actor=request.user,
            action=AuditActions.UPDATE if change else AuditActions.CREATE,
            obj=form.instance,
            changes={"fields": sorted(form.changed_data), "roles": sorted(form.instance.role_assignments.values_list("role", flat=True))},
        )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["user", "municipalities", "organisation"]
    filter_horizontal = ["provinces"]
    list_select_related = ["user", "organisation"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_scope_sync(user=form.instance.user)
        audit_log(
            actor=request.user,
            action=AuditActions.ROLE_ASSIGNED,
            obj=form.instance,
            changes={
                "role": form.instance.role,
                "municipalities": sorted(form.instance.municipalities.values_list("pk", flat=True)),
                "provinces": sorted(form.instance.provinces.values_list("pk", flat=True)),
            },
        )

    def delete_model(self, request, obj):
        user = obj.user
        super().delete_model(request, obj)
        user_scope_sync(user=user)
        audit_log(actor=request.user, action=AuditActions.ROLE_REVOKED, obj=user, changes={"role": obj.role})

    def delete_queryset(self, request, queryset):
        users = {a.user for a in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for user in users:
            user_scope_sync(user=user)
            audit_log(actor=request.user, action=AuditActions.ROLE_REVOKED, obj=user)
