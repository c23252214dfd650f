"""The HVT start page: the place list for readers, the offers for portal users."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from accounts.constants import Roles
from accounts.selectors import user_has_role
from hvt import selectors


@login_required
def index(request):
    if selectors.can_read(request.user):
        return redirect("hvt:place_list")
    if user_has_role(request.user, Roles.PORTAL_USER):
        return redirect("hvt:offer_list")
    raise PermissionDenied
