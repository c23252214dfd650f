"""The CRT's own admin site (/crt/beheer/). Django's superuser flag gives nothing here:
access needs a CRT role and a verified second factor."""

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from audit.constants import AuditActions
from audit.services import audit_log
from crt import selectors
from crt.constants import CrtRoles, ReadPurposes
from crt.models import AuditEvent, Dossier, Organisation, RoleAssignment, Transfer
from crt.realm import crt_role_assign, crt_role_revoke, user_has_crt_role
from crt.services import dossier_transfer

# The marker of the events the CRT admin writes for its own actions (what Django's admin keeps in
# django_admin_log, in the default database): they are the admin "history" of an object.
ADMIN_LOG_VIA = "crt_admin"

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


    def login(self, request, extra_context=None):
        """No login form of its own (it would reveal the site): the platform login, with 2FA."""
        from django.http import Http404
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        if self.has_permission(request):
            return redirect(reverse("crt_admin:index", current_app=self.name))
        if request.user.is_authenticated:
            # Signed in without a CRT admin role (or without the second factor, which the 2FA
            # middleware handles first): not found; sending them to the login would loop.
            raise Http404
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': reverse('crt_admin:index')})}")

    def index(self, request, extra_context=None):
        """The index's "recent actions" come from the CRT trail (Django's read django_admin_log in
        the default database, where the CRT admin writes nothing)."""
        recent = (AuditEvent.objects.using("crt").filter(actor_id=request.user.pk, changes__via=ADMIN_LOG_VIA)
                  .order_by("-occurred_at", "-pk")[:10])
        return super().index(request, {"crt_recent_actions": list(recent), **(extra_context or {})})

    def autocomplete_view(self, request):
        return CrtAutocompleteJsonView.as_view(admin_site=self)(request)


class CrtAutocompleteJsonView(AutocompleteJsonView):
    """Django's admin autocomplete, plus one audit event naming the persons of the answer."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = self.shown = list(context["object_list"])  # the answer's rows only
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        persons_shown = getattr(self.model_admin, "persons_shown", None)  # every CRT admin has it (a test checks)
        person_ids = persons_shown(self.shown) if persons_shown else None
        if person_ids is not None:
            selectors.person_reads_log(user=request.user, person_ids=person_ids, purpose=ReadPurposes.AUTOCOMPLETE,
                                       object_type=self.model_admin.opts.label_lower,
                                       changes={"search": bool(self.term)})
        return response


crt_admin_site = CrtAdminSite(name="crt_admin")
crt_admin_site.index_template = "crt/admin/index.html"


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


@admin.register(Organisation, site=crt_admin_site)
class OrganisationAdmin(CrtModelAdmin):
    list_display = ["name", "code", "is_active"]
    search_fields = ["name", "code"]


class RoleAssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user_id", "role", "organisation"]

    def clean_user_id(self):
        from django.contrib.auth import get_user_model

        user_id = self.cleaned_data["user_id"]
        self.user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if self.user is None:
            raise forms.ValidationError(_("Er is geen actieve gebruiker met dit id."))
        return user_id

    def clean(self):
        cleaned = super().clean()
        user, role = getattr(self, "user", None), cleaned.get("role")
        if user is not None and role:
            from licensing.services import licence_role_check  # the same rule crt_role_assign enforces

            try:
                licence_role_check(user=user, role=role)
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return cleaned


def _user_ref(user_id: int):
    """The realm services need only the id and the username of a (possibly deleted) user."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).first() or get_user_model()(pk=user_id)


@admin.register(RoleAssignment, site=crt_admin_site)
class RoleAssignmentAdmin(CrtModelAdmin):
    """Grants and revokes go through the realm services (audit, cache, licence rule)."""

    form = RoleAssignmentAdminForm
    list_display = ["username", "role", "organisation", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["username"]
    readonly_fields = ["created_at", "created_by_id"]

    def save_model(self, request, obj, form, change):
        if change and {"user_id", "role"} & set(form.changed_data):
            crt_role_revoke(user=_user_ref(form.initial["user_id"]), role=form.initial["role"], actor=request.user)
        saved = crt_role_assign(user=form.user, role=obj.role, organisation=obj.organisation, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        crt_role_revoke(user=_user_ref(obj.user_id), role=obj.role, actor=request.user)

    def delete_queryset(self, request, queryset):
        for user_id, role in queryset.values_list("user_id", "role"):
            crt_role_revoke(user=_user_ref(user_id), role=role, actor=request.user)


@admin.register(AuditEvent, site=crt_admin_site)
class CrtAuditEventAdmin(CrtModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


@admin.register(Dossier, site=crt_admin_site)
class DossierAdmin(CrtModelAdmin):
    """All dossiers, read-only: changes go through the case managers' pages; moves through transfers.
    Opening a dossier here is an audited read; the number is never shown."""

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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def persons_shown(self, objs):
        return [d.person_id for d in objs]


class TransferAdminForm(forms.ModelForm):
    class Meta:
        model = Transfer
        fields = ["dossier", "to_organisation", "reason"]


@admin.register(Transfer, site=crt_admin_site)
class TransferAdmin(CrtModelAdmin):
    """Transfers of a dossier between organisations (added here, executed by ``dossier_transfer``)."""

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

    def save_model(self, request, obj, form, change):
        # The form's clean surfaced the rules already; the service enforces them again.
        transfer = dossier_transfer(actor=request.user, dossier=form.cleaned_data["dossier"],
                                    to_organisation=form.cleaned_data["to_organisation"],
                                    reason=form.cleaned_data["reason"])
        obj.pk = transfer.pk
        obj.from_organisation_id = transfer.from_organisation_id
        obj.transferred_at = transfer.transferred_at

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.clean = _transfer_form_clean
        return form


def _transfer_form_clean(self):
    """Surface the transfer rules as form errors before save_model runs."""
    data = forms.ModelForm.clean(self)
    dossier, target = data.get("dossier"), data.get("to_organisation")
    if dossier and target and dossier.organisation_id == target.pk:
        self.add_error("to_organisation", _("Het dossier hoort al bij deze organisatie."))
    if target and not target.is_active:
        self.add_error("to_organisation", _("Deze organisatie is niet actief."))
    return data
