"""Allocations: assign a household to a place, end it, move it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import clock
from core.forms import submit_to_service
from hvt import selectors, services
from hvt.constants import WRITE_ROLES
from hvt.forms import (
    AllocationEndForm,
    AllocationForm,
    AllocationMoveForm,
)
from hvt.views.common import role_required

# --- allocations -----------------------------------------------------------------------------------


@role_required(*WRITE_ROLES)
def allocation_create(request, pk: int):
    place = selectors.place_get_for_user(request.user, pk, for_write=True)
    form = AllocationForm(request.POST or None, initial={"start_date": clock.today()})
    if request.method == "POST" and form.is_valid() and submit_to_service(
        form, services.allocation_create, actor=request.user, place=place
    ):
        messages.success(request, _("Gezin toegewezen."))
        return redirect("hvt:place_detail", pk=place.pk)
    return render(request, "hvt/form.html", {
        "form": form, "title": _("Gezin toewijzen"), "place": place, "free_today": selectors.place_free_beds(place),
        "cancel": reverse("hvt:place_detail", args=[place.pk]),
    })


@role_required(*WRITE_ROLES)
def allocation_end(request, pk: int):
    allocation = selectors.allocation_get_for_user(request.user, pk, for_write=True)
    form = AllocationEndForm(request.POST or None, initial={"end_date": clock.today()})
    if request.method == "POST" and form.is_valid() and submit_to_service(
        form, services.allocation_end, actor=request.user, allocation=allocation
    ):
        messages.success(request, _("Toewijzing beëindigd."))
        return redirect("hvt:place_detail", pk=allocation.place_id)
    return render(request, "hvt/form.html", {
        "form": form, "title": _("Toewijzing beëindigen"), "place": allocation.place, "allocation": allocation,
        "cancel": reverse("hvt:place_detail", args=[allocation.place_id]),
    })


@role_required(*WRITE_ROLES)
def allocation_move(request, pk: int):
    allocation = selectors.allocation_get_for_user(request.user, pk, for_write=True)
    places = selectors.move_targets_for_user(request.user, allocation)
    form = AllocationMoveForm(request.POST or None, places=places, initial={"move_date": clock.today()})
    if request.method == "POST" and form.is_valid() and (moved := submit_to_service(
        form, services.allocation_move, actor=request.user, allocation=allocation
    )):
        messages.success(request, _("Gezin verhuisd."))
        return redirect("hvt:place_detail", pk=moved.place_id)
    return render(request, "hvt/form.html", {
        "form": form, "title": _("Gezin verhuizen"), "place": allocation.place, "allocation": allocation,
        "cancel": reverse("hvt:place_detail", args=[allocation.place_id]),
    })
