"""The CRT's own admin site (/crt/beheer/). Django's superuser flag gives nothing here: access
needs a CRT admin role and a verified second factor."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from crt import selectors
from crt.constants import ADMIN_ROLES, ReadPurposes
from crt.models import AuditEvent
from crt.realm import user_has_any_crt_role_cached, user_has_crt_role

# The marker of the events the CRT admin writes for its own actions (what Django's admin keeps in
# django_admin_log, in the default database): they are the admin "history" of an object.
ADMIN_LOG_VIA = "crt_admin"


class CrtAdminSite(admin.AdminSite):
    site_header = _("CRT – centraal beheer")
    site_title = _("CRT-beheer")
    index_title = _("Centrale Registratietool")
    index_template = "crt/admin/index.html"

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
        if self.has_permission(request):
            return redirect(reverse("crt_admin:index", current_app=self.name))
        if request.user.is_authenticated:
            # Signed in without a CRT admin role (or without the second factor, which the 2FA
            # middleware handles first). A CRT user knows the CRT: back to its start page, with the
            # reason; anyone else: not found (the CRT does not reveal what exists). Sending them to
            # a login would loop.
            if user_has_any_crt_role_cached(request.user):
                messages.info(request, _("Het CRT-beheer is er voor centraal beheer en de security auditor. "
                                         "U vindt uw CRT-taken hier."))
                return redirect("crt:index")
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
