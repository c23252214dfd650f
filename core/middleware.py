from core import context
from core.net import client_ip, request_id

__all__ = ["RequestContextMiddleware", "DutchFirstLocaleMiddleware", "client_ip"]


class RequestContextMiddleware:
    """Give each request an id (echoed as X-Request-ID) and the client's address, which audit
    events and logs carry. Both come from headers only when a trusted proxy sent them (core.net)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id(request)
        token = context.bind(context.RequestContext(request_id=request.request_id, client_ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class DutchFirstLocaleMiddleware:
    """Dutch unless the user chose another language (the language cookie set by /i18n/setlang/).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a Flemish government
    application speaks Dutch to everyone and lets a user pick English explicitly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch = response.get("Vary", "")
        if "Cookie" not in patch:
            response["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        translation.deactivate()
        return response


class RejectNulBytesMiddleware:
    """Answer 400 to a request with a NUL character in its path, query string or form fields.

    No view can use a NUL, and PostgreSQL refuses it in text (a filter with ``?q=%00`` would end
    in a 500). One check here covers every page, admin view and API endpoint, also parameters that
    are added later. Path and query string are checked first thing; form fields once the view is
    known, exactly where Django's CSRF check reads them anyway, and not for a ``csrf_exempt`` view
    (one that sets its own upload handlers must read the body itself; the API's views are exempt
    and take JSON only, which DRF's CharField checks for NUL with a 400 of its own).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or "\x00" in request.META.get("QUERY_STRING", "") \
                or self._contains(request.GET.lists()):
            return self._refuse(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or getattr(view_func, "csrf_exempt", False):
            return None
        if request.META.get("CONTENT_TYPE", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            # (uploaded file names need no check: Django drops non-printable characters from them)
            if self._contains(request.POST.lists()):
                return self._refuse(request)
        return None

    @staticmethod
    def _contains(items) -> bool:
        return any("\x00" in key or any("\x00" in value for value in values) for key, values in items)

    @staticmethod
    def _refuse(request):
        from django.conf import settings
        from django.http import JsonResponse
        from django.shortcuts import render
        from django.utils import translation
        from django.utils.translation import gettext as _

        # This answers before DutchFirstLocaleMiddleware: honour the chosen language the same way.
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE
        with translation.override(language):
            message = _("De aanvraag bevat een ongeldig teken (een nul-teken). "
                        "Controleer het adres en wat u hebt ingevuld.")
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return render(request, "errors/invalid_characters.html", {"message": message}, status=400)
