"""Dossiers for CRT central management: every dossier, read-only (opening one is an audited read;
the number is never shown), and transfers between organisations through ``dossier_transfer``."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from crt.admin.base import CrtModelAdmin, ServiceModelForm
from crt.admin.site import crt_admin_site
from crt.models import Dossier, Transfer
from crt.services import dossier_transfer


@admin.register(Dossier, site=crt_admin_site)
class DossierAdmin(ReadOnlyAdminMixin, CrtModelAdmin):
    """Changes go through the case managers' pages, moves through transfers."""

    list_display = ["number", "person_name", "organisation", "status", "opened_on", "ended_on", "anonymised_at"]
    list_filter = ["organisation", "status", "is_demo"]
    search_fields = ["number", "person__last_name"]
    list_select_related = ["person", "organisation"]
    date_hierarchy = "opened_on"
    fields = ["number", "person_name", "organisation", "case_manager_username", "status", "opened_on",
              "ended_on", "closed_on", "anonymised_at", "is_demo"]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description=_("persoon"), ordering="person__last_name")
    def person_name(self, obj):
        return str(obj.person)

    def persons_shown(self, objs):
        return [d.person_id for d in objs]


class TransferAdminForm(ServiceModelForm):
    """Saved by ``dossier_transfer``: its rules (another, active organisation; a reason) show here."""

    class Meta:
        model = Transfer
        fields = ["dossier", "to_organisation", "reason"]

    def call_service(self, data):
        return dossier_transfer(actor=self.actor, dossier=data["dossier"], to_organisation=data["to_organisation"],
                                reason=data["reason"])


@admin.register(Transfer, site=crt_admin_site)
class TransferAdmin(CrtModelAdmin):
    """A transfer is a fact: added here, never changed or deleted."""

    form = TransferAdminForm
    list_display = ["transferred_at", "dossier", "from_organisation", "to_organisation", "transferred_by_username"]
    list_filter = ["from_organisation", "to_organisation"]
    search_fields = ["dossier__number"]
    raw_id_fields = ["dossier"]
    list_select_related = ["dossier", "from_organisation", "to_organisation"]

    def persons_shown(self, objs):
        return [t.dossier.person_id for t in objs]  # a transfer names a dossier and why it moved

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["dossier", "to_organisation", "reason"]
        return ["dossier", "from_organisation", "to_organisation", "reason", "transferred_at", "transferred_by_username"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
