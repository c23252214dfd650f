import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import links, services
from accounts.forms import LoginForm, PasswordResetRequestForm, TokenForm
from accounts.two_factor import confirmed_device, requires_two_factor
from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from core.access import Deny, access_required, signed_in

# A proof that this browser holds the account's mailbox (an enrolment or reset link was opened):
# {"user": pk, "until": timestamp, "device": pk of the device being set up}. Without it the
# second-factor page never shows an enrolment secret.
ENROLMENT_GRANT = "_otp_enrolment_grant"
ENROLMENT_GRANT_SECONDS = 60 * 60


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["expired"] = self.request.GET.get("expired") == "1"
        return ctx


def _safe_next(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


# --- Second factor ------------------------------------------------------------------------------


def enrolment_grant(request, user) -> dict | None:
    grant = request.session.get(ENROLMENT_GRANT)
    if not isinstance(grant, dict) or grant.get("user") != user.pk or grant.get("until", 0) < clock.now().timestamp():
        return None
    return grant


def enrolment_grant_give(request, user) -> None:
    request.session[ENROLMENT_GRANT] = {"user": user.pk, "until": clock.now().timestamp() + ENROLMENT_GRANT_SECONDS}


def _enrolment_device(request, user, grant: dict) -> TOTPDevice:
    """The device being set up under this grant (``otp_enrolment_device``); the grant remembers it."""
    device = services.otp_enrolment_device(user=user, device_id=grant.get("device"))
    if device.pk != grant.get("device"):
        request.session[ENROLMENT_GRANT] = {**grant, "device": device.pk}
    return device


@access_required(signed_in, deny_with=Deny.FORBIDDEN)
def otp(request):
    """Verify the second factor. A first enrolment needs the link from the e-mail (a proof of
    the mailbox besides the password); without it the page offers to send that link."""
    user = request.user
    if user.is_verified() or not requires_two_factor(user):
        return redirect(_safe_next(request))
    device = confirmed_device(user)
    enrolling = device is None
    if enrolling:
        grant = enrolment_grant(request, user)
        if grant is None:
            return _otp_enrolment_needed(request, user)
        device = _enrolment_device(request, user, grant)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                services.otp_device_confirm(user=user, device=device)
                request.session.pop(ENROLMENT_GRANT, None)
                messages.success(request, _("Tweestapsverificatie is ingesteld."))
            otp_login(request, device)
            return redirect(_safe_next(request))
        audit_log(actor=user, action=AuditActions.OTP_FAILED, obj=user, object_repr=user.get_username())
        form.add_error("token", _("Deze code is niet juist of verlopen. Probeer de volgende code."))
    context = {"form": form, "enrolling": enrolling, "next": _safe_next(request, "")}
    if enrolling:
        secret = base64.b32encode(device.bin_key).decode()
        context.update(qr=_qr_svg(device.config_url), secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)))
    return render(request, "accounts/otp.html", context)


def _otp_enrolment_needed(request, user):
    if request.method == "POST" and "send_link" in request.POST:
        if services.otp_enrolment_link_send(user=user, actor=user, request=request):
            messages.success(request, _("We stuurden een link naar het e-mailadres van uw account. Open die link om "
                                        "de tweede factor in te stellen."))
        else:
            messages.warning(request, _("Er werd geen link verstuurd: er ging er net al een, of uw account heeft geen "
                                        "e-mailadres. Kijk in uw mailbox of vraag support."))
        return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': _safe_next(request, '')})}")
    return render(request, "accounts/otp.html", {"enrolment_needed": True, "next": _safe_next(request, "")})


def otp_enrol_link(request, uidb64: str, token: str):
    """The link from the enrolment e-mail. A valid one marks this browser as holding the mailbox
    (for an hour) and sends on to the login / second-factor page; the token leaves the URL."""
    user = links.user_for_uid(uidb64)
    if user is None or not user.is_active or not links.enrolment_token_generator.check_token(user, token):
        return render(request, "accounts/link_invalid.html", {"kind": "enrolment"})
    if request.user.is_authenticated and request.user.pk != user.pk:
        logout(request)
    enrolment_grant_give(request, user)
    target = reverse("accounts:otp")
    if request.user.is_authenticated:
        return HttpResponseRedirect(target)
    messages.info(request, _("Meld u aan met uw wachtwoord om de tweede factor in te stellen."))
    return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


# --- Passwords: nobody sets another person's password --------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """"Wachtwoord vergeten": the same answer whether an account has this address or not; a link
    goes only to the address on the account (at most one per account per ten minutes)."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        for user in form.get_users(form.cleaned_data["email"]):
            services.password_reset_send(user=user, actor=None, request=self.request)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        services.password_reset_done(user=user)
        # The reset link proved the mailbox: a user without a second factor may set one up now.
        if confirmed_device(user) is None:
            enrolment_grant_give(self.request, user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password, knowing the current one (after the second factor when needed)."""

    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_verified() and requires_two_factor(user):
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_verified() and requires_two_factor(user):
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
        return super().dispatch(request, *args, **kwargs)
