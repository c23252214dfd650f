import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import LoginForm, TokenForm
from accounts.two_factor import confirmed_device, requires_two_factor
from audit.constants import AuditActions
from audit.services import audit_log


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


@login_required
def otp(request):
    """Verify the second factor; guide the enrolment when the user has no confirmed device yet."""
    user = request.user
    if user.is_verified() or not requires_two_factor(user):
        return redirect(_safe_next(request))
    device = confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_log(actor=user, action=AuditActions.OTP_ENROLLED, obj=user, object_repr=user.get_username())
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
