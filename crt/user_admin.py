"""CRT users' accounts in the CRT admin (/crt/beheer/accounts/user/), for CRT central management
only: a reset link and a new second factor (to the user's own address), deactivation and
reactivation, name and e-mail address. No password, no secret, no API key is ever shown or set
here. Registered from crt/apps.py."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from crt import users
from crt.admin import CrtModelAdmin, crt_admin_site
from crt.constants import CrtRoles

User = get_user_model()


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc.args[0]) if exc.args else gettext("Niet toegestaan.")


class CrtUserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]


class CrtUserChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        roles = users.crt_roles_by_user([obj.pk for obj in self.result_list])  # one query for the page
        for obj in self.result_list:
            obj._crt_roles = roles.get(obj.pk, [])


class CrtUserAdmin(CrtModelAdmin):
    form = CrtUserForm
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_activity", "crt_roles",
                    "second_factor"]
    list_filter = ["is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fields = ["username", "first_name", "last_name", "email", "crt_roles", "is_active", "last_activity", "last_login"]
    readonly_fields = ["username", "crt_roles", "is_active", "last_activity", "last_login"]
    change_form_template = "accounts/admin/user_change_form.html"
    actions = ["send_password_reset", "reset_second_factor", "deactivate_selected", "reactivate_selected"]
    read_roles = (CrtRoles.CENTRAL_ADMIN,)
    write_roles = (CrtRoles.CENTRAL_ADMIN,)

    def get_queryset(self, request):
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        queryset = User.objects.filter(pk__in=users.crt_user_ids()).annotate(_second_factor=Exists(confirmed))
        return queryset.order_by("username")

    def get_changelist(self, request, **kwargs):
        return CrtUserChangeList

    @admin.display(description=_("CRT-rollen"))
    def crt_roles(self, obj):
        held = getattr(obj, "_crt_roles", None)
        if held is None:  # the change form: one user
            held = users.crt_roles_by_user([obj.pk]).get(obj.pk, [])
        return ", ".join(str(CrtRoles(r).label) for r in sorted(held))

    @admin.display(description=_("tweede factor"), boolean=True)
    def second_factor(self, obj):
        return getattr(obj, "_second_factor", None)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or users.crt_may_manage_user(request.user, obj)
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "may_manage": obj is not None and users.crt_may_manage_user(request.user, obj),
            "account_actions": [
                ("send_password_reset", _("Stuur herstellink")),
                ("reset_second_factor", _("Tweede factor wissen")),
                ("deactivate_selected", _("Deactiveren")) if obj is not None and obj.is_active
                else ("reactivate_selected", _("Heractiveren")),
            ],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        old_email = User.objects.filter(pk=obj.pk).values_list("email", flat=True).first() or ""
        super().save_model(request, obj, form, change)
        users.crt_user_update(user=obj, actor=request.user, changed=list(form.changed_data), old_email=old_email)

    # --- actions: each one through the realm's services ---------------------------------------------
    def _each(self, request, queryset, do, done_message):
        for user in queryset:
            if not users.crt_may_manage_user(request.user, user):
                self.message_user(request, _("%(user)s overgeslagen: buiten uw bevoegdheid.") % {"user": user.username},
                                  messages.WARNING)
                continue
            try:
                with transaction.atomic():
                    result = do(user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{user.username}: {_message(exc)}", messages.ERROR)
            else:
                if result is not False:
                    self.message_user(request, done_message % {"user": user.username}, messages.SUCCESS)

    @admin.action(description=_("Stuur herstellink (naar het eigen e-mailadres)"), permissions=["change"])
    def send_password_reset(self, request, queryset):
        self._each(request, queryset,
                   lambda u: users.crt_user_password_reset_send(user=u, actor=request.user, request=request),
                   _("Herstellink verstuurd naar het eigen e-mailadres van %(user)s."))

    @admin.action(description=_("Tweede factor wissen en inschrijvingslink sturen"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        self._each(request, queryset, lambda u: users.crt_user_otp_reset(user=u, actor=request.user, request=request),
                   _("Tweede factor van %(user)s gewist; inschrijvingslink verstuurd."))

    @admin.action(description=_("Deactiveren (sessies, API-sleutels en licenties beëindigen)"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        self._each(request, queryset.filter(is_active=True),
                   lambda u: users.crt_user_deactivate(user=u, actor=request.user), _("%(user)s is gedeactiveerd."))

    @admin.action(description=_("Heractiveren"), permissions=["change"])
    def reactivate_selected(self, request, queryset):
        self._each(request, queryset.filter(is_active=False),
                   lambda u: users.crt_user_reactivate(user=u, actor=request.user), _("%(user)s is opnieuw actief."))


crt_admin_site.register(User, CrtUserAdmin)
