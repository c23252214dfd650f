"""The HVT start page: the place list for readers, the offers for portal users."""

from __future__ import annotations

from django.shortcuts import redirect

from accounts.constants import Roles
from hvt import selectors
from hvt.constants import READ_ROLES
from hvt.views.common import role_required


@role_required(*READ_ROLES, Roles.PORTAL_USER)
def index(request):
    if selectors.can_read(request.user):
        return redirect("hvt:place_list")
    return redirect("hvt:offer_list")
