"""The CRT realm in the admin: organisations and who holds which CRT role (grants and revokes
through the realm services: licence rule, audit, cache)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from crt.admin.base import CrtModelAdmin, ServiceModelForm
from crt.admin.site import crt_admin_site
from crt.models import Organisation, RoleAssignment
from crt.realm import crt_role_assign, crt_role_revoke


@admin.register(Organisation, site=crt_admin_site)
class OrganisationAdmin(CrtModelAdmin):
    list_display = ["name", "code", "is_active"]
    search_fields = ["name", "code"]


def _user_ref(user_id: int):
    """The realm services need only the id and the username of a (possibly deleted) user."""
    User = get_user_model()
    return User.objects.filter(pk=user_id).first() or User(pk=user_id)


class RoleAssignmentAdminForm(ServiceModelForm):
    """Saved by ``crt_role_assign`` (a changed user or role first revokes the old grant)."""

    service_field_map = {"user": "user_id"}

    class Meta:
        model = RoleAssignment
        fields = ["user_id", "role", "organisation"]

    def clean_user_id(self):
        user_id = self.cleaned_data["user_id"]
        self.user = get_user_model().objects.filter(pk=user_id).first()
        if self.user is None:
            raise forms.ValidationError(_("Er is geen gebruiker met dit id."))
        return user_id

    def call_service(self, data):
        if self.instance.pk and {"user_id", "role"} & set(self.changed_data):
            crt_role_revoke(user=_user_ref(self.initial["user_id"]), role=self.initial["role"], actor=self.actor)
        return crt_role_assign(user=self.user, role=data["role"], organisation=data["organisation"], actor=self.actor)


@admin.register(RoleAssignment, site=crt_admin_site)
class RoleAssignmentAdmin(CrtModelAdmin):
    form = RoleAssignmentAdminForm
    list_display = ["username", "role", "organisation", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["username"]
    readonly_fields = ["created_at", "created_by_id"]

    def delete_model(self, request, obj):
        crt_role_revoke(user=_user_ref(obj.user_id), role=obj.role, actor=request.user)

    def delete_queryset(self, request, queryset):
        for user_id, role in queryset.values_list("user_id", "role"):
            crt_role_revoke(user=_user_ref(user_id), role=role, actor=request.user)
