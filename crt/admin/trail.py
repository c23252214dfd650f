"""The CRT audit trail for the CRT security auditor: read-only; a dossier number in the search box
answers "who saw person X"."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from crt import selectors
from crt.admin.base import CrtModelAdmin
from crt.admin.site import crt_admin_site
from crt.constants import CrtRoles
from crt.models import AuditEvent


@admin.register(AuditEvent, site=crt_admin_site)
class CrtAuditEventAdmin(ReadOnlyAdminMixin, CrtModelAdmin):
    read_roles = (CrtRoles.SECURITY_AUDITOR,)
    write_roles = ()
    list_display = ["occurred_at", "actor_username", "action", "object_type", "object_id", "reason", "client_ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_id", "request_id"]
    search_help_text = _("Zoek op gebruiker, object-id of request-id; een dossiernummer (CRT-…) toont wie die "
                         "persoon zag, opende of wijzigde.")
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        """A dossier number answers "who saw person X": every event that named the person (lists,
        searches, autocomplete, reveals) or opened or changed the dossier. Indexed lookups only."""
        if selectors.looks_like_dossier_number(search_term):
            return selectors.audit_events_about_dossier(queryset, dossier_number=search_term), False
        return super().get_search_results(request, queryset, search_term)

    def get_fields(self, request, obj=None):
        return [f.name for f in AuditEvent._meta.fields] + ["shown_persons"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("getoonde personen (dossiers)"))
    def shown_persons(self, obj):
        """The dossiers of the persons the event's page showed, each a link to everything about
        that person."""
        numbers = selectors.audit_event_dossier_numbers(obj)
        if not numbers:
            return "—"
        changelist = reverse("crt_admin:crt_auditevent_changelist")
        return format_html_join(", ", '<a href="{}?{}">{}</a>', ((changelist, urlencode({"q": n}), n) for n in numbers))
