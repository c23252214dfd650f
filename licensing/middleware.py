from django.conf import settings
from django.shortcuts import render

from licensing.selectors import support_contacts, tool_for_path, user_may_use_path


class LicenceRequiredMiddleware:
    """A user without an active licence for a tool (HVT under /hvt/, CRT under /crt/) cannot use
    it: a page says so and whom to ask. Costs one query per request (memoised on the user).

    ``LICENCE_ENFORCEMENT = False`` switches it off (the test settings do, so that other apps'
    tests need not hand out licences; the licensing tests switch it on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.LICENCE_ENFORCEMENT
            and user is not None
            and user.is_authenticated
            and not user_may_use_path(user, request.path)
        ):
            tool = tool_for_path(request.path)
            context = {"tool": tool.upper() if tool else "", "contacts": support_contacts()[:5]}
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": "Geen licentie voor deze tool."}, status=403)
            return render(request, "licensing/no_licence.html", context, status=403)
        return self.get_response(request)
