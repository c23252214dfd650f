"""Shared admin building blocks, and the stored import in the Django admin.

* ``ReadOnlyAdminMixin``: an admin that shows rows and never adds, changes or deletes them.
* ``ServiceModelForm`` / ``ServiceAdminMixin``: an admin form whose save is a service call (the
  service's refusal lands on the form through ``core.forms.apply_service_error``).
* ``ImportUploadMixin`` gives a model admin an upload page (``admin:<app>_<model>_import``) for the
  import kind of its model (core.importing); the upload becomes an ``Import`` and its check runs in a
  task. Used by hvt's ReceptionPlaceAdmin and geo's PopulationFigureAdmin.
* ``ImportAdmin`` lists the imports a user may see (their own; everyone's with core.view_all_imports)
  and shows one as a status page: progress while a task runs, then the preview or the row report, the
  confirmation (uploader only), and the result.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core import importing, selectors, services, uploads
from core.constants import ImportStatuses
from core.forms import ImportUploadForm, apply_service_error
from core.models import Import

# What a multipart body may add to the file (boundaries, headers, the other fields) before the
# Content-Length alone tells that the file is too large.
MULTIPART_ALLOWANCE = 64 * 1024
ROW_ERRORS_SHOWN = 500

PHASES = {
    "read": gettext_lazy("Bestand lezen"),
    "check": gettext_lazy("Rijen controleren"),
    "import": gettext_lazy("Rijen importeren (alles of niets)"),
}


class ReadOnlyAdminMixin:
    """An admin that shows rows and never adds, changes or deletes them (audit trails, history,
    reference data, rows that only services write). View permission is left to the model admin."""

    def has_add_permission(self, request, *args, **kwargs):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceModelForm(forms.ModelForm):
    """An admin form whose save is a service call, so the service's rules hold in the admin too and
    its refusal shows on the form like any other error.

    The admin saves only a valid form, so the service runs as the last step of validation, once
    every field and model rule has passed: ``call_service(data)`` (in a savepoint: all or
    nothing) returns the saved row, which ``save`` hands to the admin; a ValidationError goes onto
    the form through ``core.forms.apply_service_error`` (``service_field_map`` renames the
    service's argument names to fields), a PermissionDenied (outside the actor's authority) on top.
    No rule is copied into the form and nothing is tried and rolled back: the service is the one place of the rule, and its write is the admin's save.
    """

    service_field_map: dict[str, str] = {}
    actor = None  # the signed-in user: ServiceAdminMixin.get_form (or CrtModelAdmin) sets it per request
    service_result = None

    def call_service(self, data: dict):
        raise NotImplementedError

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or self._errors:
            return
        try:
            with transaction.atomic(using=router.db_for_write(self._meta.model)):
                self.service_result = self.call_service(self.cleaned_data)
        except ValidationError as exc:
            apply_service_error(self, exc, field_map=self.service_field_map)
        except PermissionDenied as exc:  # outside the actor's authority: a refusal like any other
            self.add_error(None, str(exc) or _("Niet toegestaan."))

    def save(self, commit=True):
        self.save_m2m = lambda: None  # the service saved everything
        return self.service_result


class ServiceAdminMixin:
    """A model admin whose forms (``ServiceModelForm``) save through a service: the form gets the
    signed-in user as ``actor`` and the admin's own save is skipped (the service saved the row)."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, ServiceModelForm):
            form.actor = request.user  # a class made for this request (modelform_factory)
        return form

    def save_model(self, request, obj, form, change):
        if isinstance(form, ServiceModelForm):
            return  # the service saved it while the form was validated
        super().save_model(request, obj, form, change)


def progress_payload(imp: Import) -> dict:
    """What the status page shows of a step: the cache while a task runs, the Import row otherwise."""
    live = importing.progress_get(imp.pk) if imp.is_working else None
    done, total = (live["done"], live["total"]) if live else (imp.progress_done, imp.progress_total)
    phase = live["phase"] if live else ""
    if total:
        text = _("%(done)s van %(total)s rijen") % {"done": done, "total": total}
    elif live and done:
        text = _("%(done)s rijen gelezen") % {"done": done}
    elif imp.is_working:
        text = _("Wacht op verwerking…")
    else:
        text = ""
    return {
        "status": imp.status,
        "status_label": str(imp.get_status_display()),
        "working": imp.is_working,
        "done": done,
        "total": total,
        "phase": phase,
        "phase_label": str(PHASES.get(phase, "")),
        "text": text,
    }


class ImportUploadMixin:
    """Adds ``<app>_<model>_import``: the upload of the model's import kind. Needs the kind's permission."""

    change_list_template = "admin/core/change_list_import.html"

    def import_kind(self) -> importing.ImportKind:
        return importing.kind_for_model(self.opts.app_label, self.opts.model_name)

    def has_import_permission(self, request) -> bool:
        return request.user.is_active and request.user.has_perm(self.import_kind().permission)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        # csrf_exempt only on the outer view: it refuses an oversized body before anything reads it
        # (the CSRF middleware would parse the whole upload first); the form step is csrf_protect-ed.
        view = self.admin_site.admin_view(csrf_exempt(self.import_view))
        return [path("import/", view, name="{}_{}_import".format(*info)), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        if self.has_import_permission(request):
            extra_context["import_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_import", current_app=self.admin_site.name
            )
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            limits = uploads.ImportLimits.from_settings()
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limits.max_upload_bytes + MULTIPART_ALLOWANCE:
                form = ImportUploadForm(kind=self.import_kind())
                return self._render_upload(request, form, status=413, error=str(uploads.size_refusal(length, limits)))
        elif request.method != "GET":
            return HttpResponseNotAllowed(["GET", "POST"])
        return csrf_protect(self._import_form_view)(request)

    def _import_form_view(self, request):
        kind = self.import_kind()
        form = ImportUploadForm(request.POST or None, request.FILES or None, kind=kind)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            try:
                imp = services.import_create(actor=request.user, kind=kind.code, file_name=upload.name,
                                             content=form.content, options=form.options())
            except ValidationError as exc:
                apply_service_error(form, exc, field_map={"file": "import_file"})
            else:
                messages.success(request, _("Het bestand is opgeladen; de controle loopt."))
                return redirect(reverse("admin:core_import_change", args=[imp.pk], current_app=self.admin_site.name))
        return self._render_upload(request, form)

    def _render_upload(self, request, form, status=200, error=""):
        kind = self.import_kind()
        limits = uploads.ImportLimits.from_settings()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("%(kind)s importeren") % {"kind": kind.label},
            "kind": kind,
            "form": form,
            "upload_error": error,
            "limits": limits,
            "imports_url": reverse("admin:core_import_changelist", current_app=self.admin_site.name),
        }
        return TemplateResponse(request, "admin/core/import_upload.html", context, status=status)


class KindFilter(admin.SimpleListFilter):
    title = gettext_lazy("soort")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(code, kind.label) for code, kind in importing.kinds().items()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Import)
class ImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "kind_label", "file_name", "status", "progress", "created_by", "created_at", "finished_at"]
    list_display_links = ["id", "file_name"]
    list_filter = ["status", KindFilter]
    search_fields = ["file_name"]
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description=gettext_lazy("soort"))
    def kind_label(self, obj):
        kind = importing.kinds().get(obj.kind)
        return kind.label if kind else obj.kind

    @admin.display(description=gettext_lazy("voortgang"))
    def progress(self, obj):
        return f"{obj.progress_done} / {obj.progress_total}" if obj.progress_total else "—"

    def get_queryset(self, request):
        return selectors.imports_for_user(request.user)

    def has_module_permission(self, request):
        return selectors.user_may_use_imports(request.user)

    def has_view_permission(self, request, obj=None):
        return selectors.user_may_use_imports(request.user)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/voortgang/", wrap(self.progress_view), name="core_import_progress"),
            path("<int:object_id>/bevestigen/", wrap(self.confirm_view), name="core_import_confirm"),
            *super().get_urls(),
        ]

    def _visible(self, request, object_id) -> Import:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            return self.get_queryset(request).get(pk=int(object_id))
        except (Import.DoesNotExist, ValueError, TypeError):
            raise Http404(_("Deze import bestaat niet of u mag hem niet zien.")) from None

    def progress_view(self, request, object_id):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return JsonResponse(progress_payload(self._visible(request, object_id)))

    def confirm_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        imp = self._visible(request, object_id)
        try:
            services.import_confirm(actor=request.user, import_=imp)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("De import is gestart."))
        return redirect(reverse("admin:core_import_change", args=[imp.pk], current_app=self.admin_site.name))

    def history_view(self, request, object_id, extra_context=None):
        self._visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The status page (read-only): progress, then the preview or the row report, then the result."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        imp = self._visible(request, object_id)
        kind = importing.kinds().get(imp.kind)
        option_fields = kind.options_form.base_fields if kind is not None and kind.options_form is not None else {}
        options = [(option_fields[name].label if name in option_fields else name, value)
                   for name, value in (imp.options or {}).items()]
        report = imp.report or {}
        row_errors = report.get("row_errors", [])
        target_url = reupload_url = None
        if kind is not None:
            try:
                target_url = reverse(f"admin:{kind.app_label}_{kind.model_name}_changelist",
                                     current_app=self.admin_site.name)
                reupload_url = reverse(f"admin:{kind.app_label}_{kind.model_name}_import",
                                       current_app=self.admin_site.name)
            except NoReverseMatch:
                pass
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import %(name)s") % {"name": imp.file_name},
            "imp": imp,
            "kind": kind,
            "options": options,
            "progress": progress_payload(imp),
            "report": report,
            "row_errors": row_errors[:ROW_ERRORS_SHOWN],
            "more_row_errors": max(0, len(row_errors) - ROW_ERRORS_SHOWN),
            "may_confirm": (
                imp.status == ImportStatuses.READY and imp.created_by_id == request.user.pk
                and kind is not None and request.user.has_perm(kind.permission)
            ),
            "target_url": target_url,
            "reupload_url": reupload_url,
            "imports_url": reverse("admin:core_import_changelist", current_app=self.admin_site.name),
        }
        return TemplateResponse(request, "admin/core/import_status.html", context)

from core import beat_admin  # noqa: E402,F401 - the schedules in words in the user's language
