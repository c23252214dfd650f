from django.contrib import admin

from audit.models import AuditEvent


class ReadOnlyAuditAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor_username", "action", "object_type", "object_id", "object_repr", "client_ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_id", "object_repr", "request_id"]
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("audit.view_audit_trail")

    def get_actions(self, request):
        return {}


admin.site.register(AuditEvent, ReadOnlyAuditAdmin)
