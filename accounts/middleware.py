from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.services import activity_touch
from accounts.two_factor import requires_two_factor
from audit.constants import AuditActions
from audit.services import audit_log
from core import clock

SESSION_LOGIN_AT = "_login_at"
SESSION_SEEN_AT = "_seen_at"
# The idle stamp in the session is refreshed at most once a minute (no session write per request).
_SEEN_RESOLUTION = 60


class SessionLifetimeMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT without a request, or SESSION_ABSOLUTE_TIMEOUT after login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = clock.now().timestamp()
            login_at = request.session.get(SESSION_LOGIN_AT)
            seen_at = request.session.get(SESSION_SEEN_AT, login_at)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if login_at is None or now - login_at > absolute or (seen_at is not None and now - seen_at > idle):
                audit_log(actor=user, action=AuditActions.SESSION_EXPIRED, obj=user, object_repr=user.get_username())
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Sessie verlopen.")}, status=401)
                query = urlencode({"expired": 1, "next": request.get_full_path()})
                return redirect(f"{reverse(settings.LOGIN_URL)}?{query}")
            if seen_at is None or now - seen_at >= _SEEN_RESOLUTION:
                request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)


class LastActivityMiddleware:
    """Keep User.last_activity (the licence sweep's input) up to date, at most once per 5 minutes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            activity_touch(user=request.user)
        return self.get_response(request)


EXEMPT_PREFIXES = ("/account/", "/static/", "/health/", "/i18n/", "/favicon")


class RequireTwoFactorMiddleware:
    """Users who must use a second factor reach no page before they have passed it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
            and requires_two_factor(user)
        ):
            if request.path.startswith("/api/"):
                # A session-authenticated API call needs the second factor too (token clients are
                # authenticated later, by DRF, and are not affected here).
                return JsonResponse({"detail": _("Tweestapsverificatie vereist.")}, status=403)
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
