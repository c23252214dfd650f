"""The accounts admin (/beheer/). Who may change whom is ``accounts.authority`` (one table);
roles are granted through ``role_assign``; nobody sets another person's password (a reset link
goes to the account's own address); switching an account off or on goes through
``user_deactivate`` / ``user_reactivate``. Accounts that hold a CRT role are not here: the CRT
realm manages them (/crt/beheer/)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts import authority, hooks, services
from accounts.constants import DeactivationReasons
from accounts.models import Organisation, RoleAssignment, User
from audit.constants import AuditActions
from audit.services import audit_log
from core.admin import ServiceAdminMixin, ServiceModelForm

# No device admin: a device's secret is never shown again after enrolment, and a second factor
# is reset with the user action below (audited, with an enrolment link to the user's address).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


def _errors(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc.args[0]) if exc.args else gettext("Niet toegestaan.")]


class OrganisationForm(ServiceModelForm):
    """Saved by ``services.organisation_save``: every new organisation and every change is audited."""

    class Meta:
        model = Organisation
        fields = services.ORGANISATION_FIELDS

    def call_service(self, data):
        return services.organisation_save(
            actor=self.actor, organisation=self.instance if self.instance.pk else None,
            **{name: data[name] for name in services.ORGANISATION_FIELDS},
        )


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "kind", "code", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    def delete_model(self, request, obj):
        services.organisation_delete(actor=request.user, organisation=obj)

    def delete_queryset(self, request, queryset):
        for organisation in queryset:
            services.organisation_delete(actor=request.user, organisation=organisation)


class RoleAssignmentInline(admin.TabularInline):
    """The user's roles, read-only: a role is granted in "Roltoekenningen" (through role_assign)."""

    model = RoleAssignment
    extra = 0
    fields = ["role", "organisation", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UserAddForm(forms.ModelForm):
    """A new account gets no password from the administrator: a link to choose one goes to its
    own e-mail address."""

    class Meta:
        model = User
        fields = ["username", "email", "first_name", "last_name", "organisation", "is_technical_account"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class UserChangeForm(DjangoUserChangeForm):
    # No password field (not even the hash with its "change the password" link).
    password = None


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_active", "last_activity",
                    "is_technical_account", "second_factor"]
    list_filter = ["is_active", "is_staff", "is_technical_account", "organisation__kind", "role_assignments__role"]
    search_fields = ["username", "email", "first_name", "last_name"]
    list_select_related = ["organisation"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Persoonlijke gegevens"), {"fields": ("first_name", "last_name", "email")}),
        (_("Rechten"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Organisatie en activiteit"), {"fields": ("organisation", "last_activity", "is_technical_account",
                                                     "last_login", "date_joined")}),
    )
    form = UserChangeForm
    add_form = UserAddForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": tuple(UserAddForm.Meta.fields)}),)
    readonly_fields = ["last_activity", "last_login", "date_joined"]
    change_form_template = "accounts/admin/user_change_form.html"
    actions = ["send_password_reset", "reset_second_factor", "deactivate_selected"]

    # --- what an administrator sees and may change -------------------------------------------------
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        source = _autocomplete_source(request)
        if hooks.user_picker_lists_every_account(source):
            return queryset  # e.g. licences: handed out to every account, CRT users included (accounts.hooks)
        if source == "accounts.roleassignment":
            return authority.manageable_users(request.user, queryset)
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return authority.users_in_hvt_admin(queryset).annotate(_second_factor=Exists(confirmed))

    @admin.display(description=_("tweede factor"), boolean=True, ordering="_second_factor")
    def second_factor(self, obj):
        return getattr(obj, "_second_factor", None)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or authority.can_manage_user(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or authority.can_manage_user(request.user, obj)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Only a superuser hands out staff/superuser flags or raw permissions; roles go via assignments.
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in authority.SUPERUSER_ONLY_FIELDS]})
            for name, opts in fieldsets
        ]

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def user_change_password(self, request, id, form_url=""):
        """Nobody sets another person's password here: send a reset link instead."""
        raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        extra_context["may_manage"] = obj is not None and authority.can_manage_user(request.user, obj)
        extra_context["account_actions"] = [
            ("send_password_reset", _("Stuur herstellink")),
            ("reset_second_factor", _("Tweede factor wissen")),
        ]
        return super().change_view(request, object_id, form_url, extra_context)

    # --- saving: (de)activation through the services, a new account gets a link ------------------
    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        old = User.objects.get(pk=obj.pk)
        wanted_active = obj.is_active
        obj.is_active = old.is_active  # the services switch it, with everything that goes with it
        super().save_model(request, obj, form, change)
        if "email" in form.changed_data:
            services.email_change_notify(user=obj, old_email=old.email, actor=request.user)
        if wanted_active != old.is_active:
            self._switch(request, obj, wanted_active)

    def _switch(self, request, user, active: bool):
        try:
            with transaction.atomic():
                if active:
                    services.user_reactivate(user=user, actor=request.user)
                else:
                    services.user_deactivate(user=user, actor=request.user, reason=DeactivationReasons.ADMIN)
        except (ValidationError, PermissionDenied) as exc:
            user.is_active = not active
            self.message_user(request, " ".join(_errors(exc)), messages.ERROR)
        else:
            message = _("%(user)s is opnieuw actief.") if active else _(
                "%(user)s is gedeactiveerd: sessies en API-sleutels beëindigd, licenties vrijgegeven.")
            self.message_user(request, message % {"user": user.get_username()}, messages.SUCCESS)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.user_scope_sync(user=form.instance)
        audit_log(
            actor=request.user,
            action=AuditActions.UPDATE if change else AuditActions.CREATE,
            obj=form.instance,
            changes={"fields": sorted(form.changed_data), "roles": sorted(form.instance.role_assignments.values_list("role", flat=True))},
        )
        if not change:
            self._send_reset(request, form.instance, welcome=True)

    # --- actions ------------------------------------------------------------------------------------
    def _send_reset(self, request, user, *, welcome=False):
        try:
            sent = services.password_reset_send(user=user, actor=request.user, request=request)
        except PermissionDenied as exc:
            self.message_user(request, " ".join(_errors(exc)), messages.ERROR)
            return
        if sent:
            text = (_("Er ging een link naar %(email)s om een wachtwoord te kiezen.") if welcome
                    else _("Er ging een herstellink naar %(email)s (het eigen adres van %(user)s)."))
            self.message_user(request, text % {"email": user.email, "user": user.get_username()}, messages.SUCCESS)
        else:
            self.message_user(request, _("Geen herstellink verstuurd naar %(user)s: geen e-mailadres, niet actief of "
                                         "net al een link verstuurd.") % {"user": user.get_username()}, messages.WARNING)

    def _manageable(self, request, queryset):
        allowed = authority.manageable_users(request.user, queryset)
        refused = queryset.exclude(pk__in=allowed.values("pk")).count()
        if refused:
            self.message_user(request, _("%(n)s account(s) overgeslagen: buiten uw bevoegdheid.") % {"n": refused},
                              messages.WARNING)
        return allowed

    @admin.action(description=_("Stuur herstellink (naar het eigen e-mailadres)"), permissions=["change"])
    def send_password_reset(self, request, queryset):
        for user in self._manageable(request, queryset):
            self._send_reset(request, user)

    @admin.action(description=_("Tweede factor wissen en inschrijvingslink sturen"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        for user in self._manageable(request, queryset):
            services.otp_devices_reset(user=user, actor=request.user, request=request)
            self.message_user(request, _("Tweede factor van %(user)s gewist; inschrijvingslink verstuurd naar het eigen "
                                         "e-mailadres.") % {"user": user.get_username()}, messages.SUCCESS)

    @admin.action(description=_("Deactiveren (sessies, API-sleutels en licenties beëindigen)"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        for user in self._manageable(request, queryset).filter(is_active=True):
            self._switch(request, user, False)


def _autocomplete_source(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "autocomplete":
        return None
    return f"{request.GET.get('app_label', '')}.{request.GET.get('model_name', '')}"


class RoleAssignmentForm(ServiceModelForm):
    """Saved by ``role_assign`` (after ``role_revoke`` of what the form replaces): its refusal —
    authority, licence rule, scope — shows on the form."""

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "organisation", "municipalities", "provinces"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the assignment was before this form changed it (a changed user or role is a revoke).
        self.original = (self.instance.user, self.instance.role) if self.instance.pk else None
        if "role" in self.fields:
            allowed = authority.grantable_roles(self.actor)
            self.fields["role"].choices = [(v, label) for v, label in self.fields["role"].choices if not v or v in allowed]

    def call_service(self, data):
        user, role = data["user"], data["role"]
        try:
            if self.original and self.original != (user, role):
                services.role_revoke(user=self.original[0], role=self.original[1], actor=self.actor)
            return services.role_assign(user=user, role=role, actor=self.actor, **_scope(data))
        except services.RoleError as exc:
            raise ValidationError(_errors(exc)) from None


def _scope(cleaned) -> dict:
    return {
        "organisation": cleaned.get("organisation"),
        "municipalities": list(cleaned.get("municipalities") or []),
        "provinces": list(cleaned.get("provinces") or []),
    }


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Every grant and revoke goes through ``role_assign`` / ``role_revoke`` (authority, licence
    rule, scope, audit)."""

    form = RoleAssignmentForm
    list_display = ["user", "role", "organisation", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["user", "municipalities", "organisation"]
    filter_horizontal = ["provinces"]
    list_select_related = ["user", "organisation"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        elsewhere = authority.hooks.user_ids_managed_elsewhere()
        return queryset.exclude(user_id__in=elsewhere) if elsewhere else queryset

    def _may(self, request, obj) -> bool:
        return obj is None or (
            obj.role in authority.grantable_roles(request.user) and authority.can_manage_user(request.user, obj.user)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may(request, obj)

    def save_related(self, request, form, formsets, change):
        """role_assign set the scope already (and synced the user's permissions)."""

    def delete_model(self, request, obj):
        services.role_revoke(user=obj.user, role=obj.role, actor=request.user)

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user"):
            services.role_revoke(user=assignment.user, role=assignment.role, actor=request.user)


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = AuthToken
        fields = ["user"]


# Knox's own admin lists every token's digest and makes tokens for anyone.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API keys of technical accounts. A key is shown once, when it is made; only its hash is
    stored. Revoke = delete. Keys expire after API_TOKEN_TTL_DAYS (docs/OPERATIONS.md)."""

    form = ApiTokenForm
    list_display = ["user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        elsewhere = authority.hooks.user_ids_managed_elsewhere()
        return queryset.exclude(user_id__in=elsewhere) if elsewhere else queryset

    def get_fields(self, request, obj=None):
        return ["user"] if obj is None else ["user", "created", "expiry"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "created", "expiry"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "user" in form.base_fields:
            candidates = User.objects.filter(is_technical_account=True, is_active=True)
            form.base_fields["user"].queryset = authority.manageable_users(request.user, candidates)
        return form

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        instance, key = services.api_token_create(user=form.cleaned_data["user"], actor=request.user)
        obj.pk = instance.pk
        self.message_user(
            request,
            _("API-sleutel voor %(user)s (alleen nu zichtbaar, bewaar ze veilig): %(key)s")
            % {"user": instance.user.get_username(), "key": key},
            messages.WARNING,
        )

    def delete_model(self, request, obj):
        services.api_token_revoke(token=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            services.api_token_revoke(token=token, actor=request.user)
