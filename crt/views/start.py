"""The CRT start page: what each CRT role can open."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from crt.constants import CrtRoles
from crt.decorators import crt_role_required
from crt.realm import crt_roles_for_user


@crt_role_required()
@never_cache
def index(request):
    roles = crt_roles_for_user(request.user)
    labels = [str(CrtRoles(code).label) for code in CrtRoles.values if code in roles]  # the choices' order
    return render(request, "crt/index.html", {"crt_roles": labels, "roles": roles})
