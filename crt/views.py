from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from crt.decorators import crt_role_required
from crt.realm import crt_roles_for_user


@login_required
@crt_role_required()
def index(request):
    return render(request, "crt/index.html", {"crt_roles": sorted(crt_roles_for_user(request.user))})
