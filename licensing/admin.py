"""Admin for licence plans and pools (support, central coordination). Plans, pools and assignments
are saved by their services (``core.admin.ServiceModelForm``: the rules and the audit are the
services'); the sweep's records are read-only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceAdminMixin, ServiceModelForm
from licensing import services
from licensing.models import DeactivationEvent, IdleWarning, LicenceAssignment, LicencePool, PlanPeriod, SweepRun
from licensing.permissions import MANAGE_PERM


class PlanForm(ServiceModelForm):
    """Saved by ``services.licence_plan_set`` (audited)."""

    class Meta:
        model = PlanPeriod
        fields = list(services.PLAN_FIELDS)

    def call_service(self, data):
        plan = self.instance if self.instance.pk else None
        return services.licence_plan_set(plan=plan, actor=self.actor, **{name: data[name] for name in services.PLAN_FIELDS})


@admin.register(PlanPeriod)
class PlanPeriodAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = PlanForm
    list_display = ["name", "code", "starts_on", "ends_on"]


class PoolForm(ServiceModelForm):
    """Saved by ``services.licence_pool_set``: its refusals (fewer seats than licences in use, a
    pool in use moved to another plan/tool/type) show on the form."""

    class Meta:
        model = LicencePool
        fields = list(services.POOL_FIELDS)

    def call_service(self, data):
        pool = self.instance if self.instance.pk else None
        return services.licence_pool_set(pool=pool, actor=self.actor, **{name: data[name] for name in services.POOL_FIELDS})


@admin.register(LicencePool)
class LicencePoolAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = PoolForm
    list_display = ["period", "tool", "group", "licence_type", "seats", "seats_used", "unit_price"]
    list_filter = ["period", "tool", "licence_type", "group"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("period").annotate(
            _used=Count("assignments", filter=Q(assignments__released_at__isnull=True))
        )

    @admin.display(description=_("in gebruik"), ordering="_used")
    def seats_used(self, obj):
        return obj._used


class AssignmentForm(ServiceModelForm):
    """Saved by ``services.licence_assign``: the seat limit and the full-licence rule show on the form."""

    class Meta:
        model = LicenceAssignment
        fields = ["user", "pool"]

    def call_service(self, data):
        return services.licence_assign(user=data["user"], pool=data["pool"], actor=self.actor)


@admin.register(LicenceAssignment)
class LicenceAssignmentAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = AssignmentForm
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
