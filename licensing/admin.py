"""Admin for licence plans and pools (support, central coordination). Assignments are made
through the service (seat limit, full-licence rule); the sweep's records are read-only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from audit.constants import AuditActions
from audit.services import audit_log, model_changes
from licensing import services
from licensing.models import DeactivationEvent, IdleWarning, LicenceAssignment, LicencePool, PlanPeriod, SweepRun
from licensing.permissions import MANAGE_PERM


class AuditedAdmin(admin.ModelAdmin):
    audit_fields: list[str] = []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user,
            action=AuditActions.UPDATE if change else AuditActions.CREATE,
            obj=obj,
            changes=model_changes(obj, self.audit_fields),
        )


@admin.register(PlanPeriod)
class PlanPeriodAdmin(AuditedAdmin):
    list_display = ["name", "code", "starts_on", "ends_on"]
    audit_fields = ["code", "name", "starts_on", "ends_on"]


@admin.register(LicencePool)
class LicencePoolAdmin(AuditedAdmin):
    list_display = ["period", "tool", "group", "licence_type", "seats", "seats_used", "unit_price"]
    list_filter = ["period", "tool", "licence_type", "group"]
    audit_fields = ["period", "tool", "licence_type", "group", "seats", "unit_price"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("period").annotate(
            _used=Count("assignments", filter=Q(assignments__released_at__isnull=True))
        )

    @admin.display(description=_("in gebruik"), ordering="_used")
    def seats_used(self, obj):
        return obj._used


@admin.register(LicenceAssignment)
class LicenceAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "pool", "tool", "assigned_at", "released_at", "release_reason"]
    list_filter = ["tool", "pool__period", "pool__licence_type", "release_reason", ("released_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "pool__period"]
    autocomplete_fields = ["user"]
    actions = ["release_selected"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "pool"]
        return ["user", "pool", "tool", "assigned_at", "assigned_by", "released_at", "release_reason", "deactivation"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # release instead: the history stays

    def save_model(self, request, obj, form, change):
        # The service enforces the seat limit and the full-licence rule; errors were shown by the form.
        obj.pk = services.licence_assign(user=obj.user, pool=obj.pool, actor=request.user).pk

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class ServiceCheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                user, pool = cleaned.get("user"), cleaned.get("pool")
                if user and pool:
                    from django.db import transaction

                    # Dry-run of the service: the same rules, rolled back; save_model assigns for real.
                    try:
                        with transaction.atomic():
                            services.licence_assign(user=user, pool=pool)
                            transaction.set_rollback(True)
                    except ValidationError as exc:
                        raise ValidationError(exc.messages) from None
                return cleaned

        return ServiceCheckedForm

    @admin.action(description=_("Geselecteerde licenties vrijgeven"), permissions=["add"])
    def release_selected(self, request, queryset):
        released = sum(services.licence_release(assignment=a, actor=request.user) for a in queryset.select_related("user"))
        self.message_user(request, _("%(n)s licentie(s) vrijgegeven.") % {"n": released}, messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeactivationEvent)
class DeactivationEventAdmin(ReadOnlyAdmin):
    list_display = ["username", "organisation", "last_activity", "occurred_at", "run"]
    list_filter = ["organisation__kind", "occurred_at"]
    search_fields = ["username"]
    list_select_related = ["organisation", "run"]
    actions = ["reactivate_selected"]

    def has_manage_permission(self, request):
        return request.user.has_perm(MANAGE_PERM)

    @admin.action(description=_("Gebruikers heractiveren (als er een licentie vrij is)"), permissions=["manage"])
    def reactivate_selected(self, request, queryset):
        for event in queryset.select_related("user"):
            if event.user.is_active:
                continue
            try:
                services.user_reactivate(user=event.user, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{event.username}: {' '.join(exc.messages)}", messages.ERROR)
            except PermissionDenied as exc:  # outside the actor's authority (accounts.authority), e.g. a CRT user
                self.message_user(request, f"{event.username}: {exc}", messages.ERROR)
            else:
                self.message_user(request, _("%(user)s is opnieuw actief.") % {"user": event.username}, messages.SUCCESS)


@admin.register(IdleWarning)
class IdleWarningAdmin(ReadOnlyAdmin):
    list_display = ["user", "last_activity", "sent_at", "run"]
    search_fields = ["user__username"]
    list_select_related = ["user", "run"]


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdmin):
    list_display = ["now", "started_at", "source", "deactivated", "warned"]
    list_filter = ["source"]
