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
