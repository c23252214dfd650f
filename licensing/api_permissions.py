"""DRF permission for tool APIs: the licence check of LicenceRequiredMiddleware for requests
authenticated by an API token (the middleware sees those as anonymous: DRF authenticates later).

Add it to a tool's viewsets: ``permission_classes = [IsAuthenticated, HasToolLicence, ...]``.
"""

from django.conf import settings
from rest_framework.permissions import BasePermission

from licensing.selectors import user_may_use_path


class HasToolLicence(BasePermission):
    message = "Geen licentie voor deze tool. Vraag een licentie aan bij support."

    def has_permission(self, request, view):
        if not settings.LICENCE_ENFORCEMENT:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user_may_use_path(user, request.path))
