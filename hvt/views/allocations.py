"""Allocations: assign a household to a place, end it, move it."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import clock
from core.formatting import format_number
from core.forms import submit_to_service
from hvt import selectors, services
from hvt.choices import CHOICES_LIMIT, place_choice_label, place_choices_for_user
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
    """The target place is searched, not scrolled: without JavaScript ``?zoek=`` narrows the list to
    the best CHOICES_LIMIT matches; with it, static/hvt/place_chooser.js searches as one types
    (hvt:place_choices). Either way the form accepts any place in the write scope."""
    allocation = selectors.allocation_get_for_user(request.user, pk, for_write=True)
    places = selectors.move_targets_for_user(request.user, allocation)
    form = AllocationMoveForm(request.POST or None, places=places, initial={"move_date": clock.today()})
    if request.method == "POST" and form.is_valid() and (moved := submit_to_service(
        form, services.allocation_move, actor=request.user, allocation=allocation
    )):
        messages.success(request, _("Gezin verhuisd."))
        return redirect("hvt:place_detail", pk=moved.place_id)
    search = request.GET.get("zoek", "")[:100]
    start = form.cleaned_data.get("move_date") if form.is_bound and hasattr(form, "cleaned_data") else None
    start = start or clock.today()
    shown = list(place_choices_for_user(request.user, q=search, start=start, end=allocation.end_date,
                                        exclude_place=allocation.place_id)[:CHOICES_LIMIT])
    chosen = form["to_place"].value()
    form.fields["to_place"].widget.attrs.update({"data-url": reverse("hvt:place_choices"), "data-allocation": allocation.pk,
                                                 "data-date-input": form["move_date"].id_for_label})
    form.show_places([(row["id"], f"{row['label']} · {row['free_text']}") for row in
                      _choice_rows(shown, allocation.household_size)], chosen=chosen)
    return render(request, "hvt/allocation_move.html", {
        "form": form, "title": _("Gezin verhuizen"), "place": allocation.place, "allocation": allocation,
        "search": search, "cancel": reverse("hvt:place_detail", args=[allocation.place_id]),
    })


# --- the place chooser (issue 12, item 9) -------------------------------------------------------------


def _date_param(value: str, default):
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _choice_rows(places, household_size: int | None) -> list[dict]:
    return [{
        "id": place.pk, "label": place_choice_label(place), "municipality": place.municipality.name_nl,
        "free": place.free_for_period,
        "free_text": ngettext("%(n)s vrij bed in de periode", "%(n)s vrije bedden in de periode",
                              place.free_for_period) % {"n": format_number(place.free_for_period)},
        "enough": household_size is None or place.free_for_period >= household_size,
    } for place in places]


@role_required(*WRITE_ROLES)
def place_choices(request):
    """The chooser's answer (JSON): at most CHOICES_LIMIT places the user may allocate to, matching
    ``q``, with municipality and free beds for ``van``…``tot``; ``toewijzing`` (an allocation in the
    write scope, else 404) leaves out its own place and takes its end date and household size."""
    start = _date_param(request.GET.get("van", ""), clock.today())
    end = _date_param(request.GET.get("tot", ""), None)
    exclude, size = None, None
    if request.GET.get("toewijzing", "").isdigit():
        allocation = selectors.allocation_get_for_user(request.user, int(request.GET["toewijzing"]), for_write=True)
        exclude, size, end = allocation.place_id, allocation.household_size, allocation.end_date
    places = list(place_choices_for_user(request.user, q=request.GET.get("q", "")[:100], start=start, end=end,
                                         exclude_place=exclude)[:CHOICES_LIMIT + 1])
    return JsonResponse({"results": _choice_rows(places[:CHOICES_LIMIT], size), "more": len(places) > CHOICES_LIMIT})
