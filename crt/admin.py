"""The CRT's own admin site (/crt/beheer/). Django's superuser flag gives nothing here:
access needs a CRT role and a verified second factor."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from crt.constants import CrtRoles
from crt.models import AuditEvent, Organisation, RoleAssignment
from crt.realm import user_has_crt_role

ADMIN_ROLES = (CrtRoles.CENTRAL_ADMIN, CrtRoles.SECURITY_AUDITOR)


class CrtAdminSite(admin.AdminSite):
    site_header = _("CRT – centraal beheer")
    site_title = _("CRT-beheer")
    index_title = _("Centrale Registratietool")

    def has_permission(self, request):
        user = request.user
        return (
            user.is_active
            and user.is_authenticated
            and user_has_crt_role(user, *ADMIN_ROLES)
            and getattr(user, "is_verified", lambda: False)()
        )


crt_admin_site = CrtAdminSite(name="crt_admin")


class CrtModelAdmin(admin.ModelAdmin):
    """Permissions come from the CRT realm, not from Django's auth permissions."""

    write_roles: tuple[str, ...] = (CrtRoles.CENTRAL_ADMIN,)
    read_roles: tuple[str, ...] = (CrtRoles.CENTRAL_ADMIN,)

    def has_module_permission(self, request):
        return user_has_crt_role(request.user, *self.read_roles, *self.write_roles)

    def has_view_permission(self, request, obj=None):
        return user_has_crt_role(request.user, *self.read_roles, *self.write_roles)

    def has_add_permission(self, request):
        return user_has_crt_role(request.user, *self.write_roles)

    def has_change_permission(self, request, obj=None):
        return user_has_crt_role(request.user, *self.write_roles)

    def has_delete_permission(self, request, obj=None):
        return user_has_crt_role(request.user, *self.write_roles)


@admin.register(Organisation, site=crt_admin_site)
class OrganisationAdmin(CrtModelAdmin):
    list_display = ["name", "code", "is_active"]
    search_fields = ["name", "code"]


@admin.register(RoleAssignment, site=crt_admin_site)
class RoleAssignmentAdmin(CrtModelAdmin):
    list_display = ["username", "role", "organisation", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["username"]
    readonly_fields = ["created_at", "created_by_id"]


@admin.register(AuditEvent, site=crt_admin_site)
class CrtAuditEventAdmin(CrtModelAdmin):
    read_roles = (CrtRoles.SECURITY_AUDITOR,)
    write_roles = ()
    list_display = ["occurred_at", "actor_username", "action", "object_type", "object_id", "reason", "client_ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_id", "request_id"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}
