"""The base of every model admin on the CRT site: permissions from the CRT realm, one audit event
per page that shows persons, the admin's own log in the CRT trail, and forms whose save is a
service call."""

from __future__ import annotations

import json

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from audit.constants import AuditActions
from audit.services import audit_log
from core.admin import ServiceModelForm
from crt import selectors
from crt.admin.site import ADMIN_LOG_VIA
from crt.constants import CrtRoles, ReadPurposes
from crt.models import AuditEvent
from crt.realm import user_has_crt_role


class CrtModelAdmin(admin.ModelAdmin):
    """Permissions come from the CRT realm, not from Django's auth permissions: ``read_roles`` may
    view, ``write_roles`` may also add, change and delete (none when empty)."""

    write_roles: tuple[str, ...] = (CrtRoles.CENTRAL_ADMIN,)
    read_roles: tuple[str, ...] = (CrtRoles.CENTRAL_ADMIN,)

    @staticmethod
    def _holds(request, roles) -> bool:
        return bool(roles) and user_has_crt_role(request.user, *roles)  # no roles: nobody (not "any CRT role")

    def has_module_permission(self, request):
        return self._holds(request, (*self.read_roles, *self.write_roles))

    def has_view_permission(self, request, obj=None):
        return self._holds(request, (*self.read_roles, *self.write_roles))

    def has_add_permission(self, request):
        return self._holds(request, self.write_roles)

    def has_change_permission(self, request, obj=None):
        return self._holds(request, self.write_roles)

    def has_delete_permission(self, request, obj=None):
        return self._holds(request, self.write_roles)

    # --- writes through services (ServiceModelForm) -------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, ServiceModelForm):
            form.actor = request.user  # a class made for this request (modelform_factory)
        return form

    def save_model(self, request, obj, form, change):
        if isinstance(form, ServiceModelForm):
            return  # the service saved it while the form was validated
        super().save_model(request, obj, form, change)

    # --- reads of persons: one audit event per page that shows them --------------------------

    def persons_shown(self, objs) -> list[int] | None:
        """The ids of the persons whose data these rows show; None when this admin shows no
        person (then its pages write no read event)."""
        return None

    def changelist_view(self, request, extra_context=None):
        """The list, its search (``?q=``), filters and the ``_popup`` picker: one event naming the
        persons of the page's rows (not the whole table). The search term is never recorded."""
        response = super().changelist_view(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and cl is not None:
            rows = list(cl.result_list)  # evaluated once here; the template reuses these rows
            person_ids = self.persons_shown(rows)
            if person_ids is not None:
                purpose = (ReadPurposes.POPUP if IS_POPUP_VAR in request.GET
                           else ReadPurposes.SEARCH if cl.query else ReadPurposes.LIST)
                selectors.person_reads_log(
                    user=request.user, person_ids=person_ids, purpose=purpose, object_type=self.opts.label_lower,
                    changes={"via": ADMIN_LOG_VIA, "search": bool(cl.query), "filtered": bool(cl.has_active_filters)},
                )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Opening one object that shows a person is a read of that person: an audit event."""
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("original")
        if response.status_code == 200 and obj is not None:
            person_ids = self.persons_shown([obj])
            if person_ids is not None:
                selectors.person_reads_log(user=request.user, person_ids=person_ids, purpose=ReadPurposes.DOSSIER,
                                           obj=obj, changes={"via": ADMIN_LOG_VIA})
        return response

    # --- the admin's own log: the CRT trail, never django_admin_log in the default database ----

    def _log(self, request, action: str, obj, message=None):
        return audit_log(actor=request.user, action=action, obj=obj, database="crt", reason=str(_("CRT-beheer")),
                         changes={"via": ADMIN_LOG_VIA, "message": message or []})

    def log_addition(self, request, obj, message):
        return self._log(request, AuditActions.CREATE, obj, message)

    def log_change(self, request, obj, message):
        return self._log(request, AuditActions.UPDATE, obj, message)

    def log_deletions(self, request, queryset):
        return [self._log(request, AuditActions.DELETE, obj) for obj in queryset]

    def history_view(self, request, object_id, extra_context=None):
        """The object's admin history, read from the CRT trail (the events ``_log`` wrote)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        events = (AuditEvent.objects.using("crt")
                  .filter(object_type=self.opts.label_lower, object_id=str(obj.pk), changes__via=ADMIN_LOG_VIA)
                  .order_by("occurred_at", "pk"))
        page = Paginator(events, 100).get_page(request.GET.get("p"))
        for event in page.object_list:
            message = event.changes.get("message") or ""
            event.message = LogEntry(change_message=message if isinstance(message, str) else json.dumps(message)
                                     ).get_change_message()  # Django's wording of an admin change message
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "crt/admin/object_history.html", {
            **self.admin_site.each_context(request),
            "title": _("Wijzigingsgeschiedenis: %s") % obj,
            "subtitle": None,
            "action_list": page,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        })
