"""What the CRT pages share: who may open them, the scoped dossier lookup, and a form's call of a
service (a refusal shows on the form through ``core.forms.submit_to_service``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404
from django.shortcuts import get_object_or_404

from core.forms import submit_to_service
from crt import selectors
from crt.constants import CrtRoles
from crt.decorators import crt_role_required
from crt.models import Dossier, Organisation

case_manager_required = crt_role_required(CrtRoles.CASE_MANAGER)
reporter_required = crt_role_required(CrtRoles.REPORTING, CrtRoles.CENTRAL_ADMIN)


def form_service_ok(form, action: Callable[[dict], object], *, field_map: dict[str, str] | None = None) -> bool:
    """Call ``action(cleaned_data)`` when the form is valid; True when the service accepted it (the
    caller then adds its message and redirects), otherwise its refusal is on the form
    (``core.forms.submit_to_service``, the one way a page hands a form to a service)."""
    if not form.is_valid():
        return False

    def accepted(**data) -> bool:
        action(data)
        return True

    return submit_to_service(form, accepted, field_map=field_map) is not None


def dossier_for(request, pk) -> Dossier:
    """A dossier of the user's organisation(s); 404 for any other, as for one that does not exist."""
    return get_object_or_404(selectors.dossier_list_for_user(request.user), pk=pk)


def case_manager_organisation(user) -> Organisation:
    org = Organisation.objects.using("crt").filter(pk__in=selectors.case_manager_organisations(user)).first()
    if org is None:
        raise Http404
    return org
