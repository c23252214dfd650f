from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.access import Deny, access_required, signed_in
from core.health import health_report
from core.home import home_cards


@transaction.non_atomic_requests  # must answer even when the default database is down
@require_GET
@never_cache
def health(request):
    report, healthy = health_report()
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": report}, status=200 if healthy else 503)


@access_required(signed_in, deny_with=Deny.FORBIDDEN)
def home(request):
    """Where each user starts the day: the numbers their roles need first (``<app>/home.py``
    providers, see core.home), then the navigation cards."""
    return render(request, "core/home.html", {"home_cards": home_cards(request.user)})


def _api_error(request, exception_class) -> JsonResponse | None:
    """Under /api/ an error is JSON like every other API answer (the schema documents the body)."""
    if not request.path_info.startswith("/api/"):
        return None
    return JsonResponse({"detail": str(exception_class.default_detail)}, status=exception_class.status_code)


def error_400(request, exception=None):
    from rest_framework.exceptions import ParseError

    return _api_error(request, ParseError) or render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    from rest_framework.exceptions import PermissionDenied

    return _api_error(request, PermissionDenied) or render(request, "errors/403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (mostly: an old page after the session ended)."""
    return render(request, "errors/csrf.html", status=403)


def error_404(request, exception=None):
    from rest_framework.exceptions import NotFound

    return _api_error(request, NotFound) or render(request, "errors/404.html", status=404)


def error_500(request):
    # No context processors that could touch a broken database.
    from django.http import HttpResponseServerError
    from django.template import loader
    from rest_framework.exceptions import APIException

    return _api_error(request, APIException) or HttpResponseServerError(loader.get_template("errors/500.html").render())
