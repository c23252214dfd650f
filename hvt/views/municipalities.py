"""Targets and the VLOT view of its municipalities (overview, detail with steering notes)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.selectors import municipalities_for_user
from core.forms import submit_to_service
from core.paging import paginate
from geo.models import Municipality
from hvt import selectors, services
from hvt.constants import NOTE_ROLES, TARGET_ROLES
from hvt.forms import (
    SteeringNoteForm,
)
from hvt.views.common import role_required
from hvt.views.municipality_page import municipality_page_context

# --- targets and the VLOT view ---------------------------------------------------------------------


@role_required(*TARGET_ROLES)
def target_list(request):
    round_ = selectors.target_round_current()
    targets = selectors.target_list_for_user(request.user, round_=round_)
    paging = paginate(request, targets, default_size=100)
    return render(request, "hvt/target_list.html", {"round": round_, "page": paging["page"], "paging": paging})


@role_required(*NOTE_ROLES)
def municipality_list(request):
    """VLOT overview: the municipalities of its provinces with places and capacity."""
    rows = selectors.municipality_overview_for_user(request.user)
    return render(request, "hvt/municipality_list.html", {"rows": rows})


@role_required(*NOTE_ROLES)
def municipality_detail(request, refnis: str):
    if not municipalities_for_user(request.user, roles=NOTE_ROLES).filter(pk=refnis).exists():
        raise Http404
    municipality = get_object_or_404(Municipality.objects.select_related("province"), pk=refnis)
    form = SteeringNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_to_service(
            form, services.steering_note_create, actor=request.user, municipality=municipality):
        messages.success(request, _("Notitie bewaard."))
        return redirect("hvt:municipality_detail", refnis=refnis)
    return render(request, "hvt/municipality_detail.html", {
        "municipality": municipality, "form": form,
        **municipality_page_context(request, municipality),
        "notes": selectors.steering_notes_for_user(request.user, refnis)[:50],
    })
