"""Portal offers and the municipality's validation queue."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.constants import Roles
from core import clock
from core.forms import submit_to_service
from core.paging import paginate
from hvt import selectors, services
from hvt.constants import WRITE_ROLES, OfferStatuses
from hvt.forms import (
    OfferForm,
    OfferRejectForm,
    QualityCheckForm,
)
from hvt.views.common import PAGE_SIZE, role_required

# --- portal offers and the validation queue --------------------------------------------------------


@role_required(Roles.PORTAL_USER)
def offer_list(request):
    return render(request, "hvt/offer_list.html", {"offers": selectors.offer_list_for_portal_user(request.user)})


@role_required(Roles.PORTAL_USER)
def offer_create(request):
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_to_service(
            form, services.offer_submit, arguments=form.service_kwargs(), actor=request.user):
        messages.success(request, _("Bedankt. Uw aanbod is doorgestuurd naar de gemeente."))
        return redirect("hvt:offer_list")
    return render(request, "hvt/form.html", {"form": form, "title": _("Een opvangplaats aanbieden"),
                                             "cancel": reverse("hvt:offer_list")})


@role_required(*WRITE_ROLES)
def offer_queue(request):
    offers = selectors.offer_queue_for_user(request.user)
    paging = paginate(request, offers, default_size=PAGE_SIZE)
    return render(request, "hvt/offer_queue.html", {"page": paging["page"], "paging": paging})


@role_required(*WRITE_ROLES)
def offer_decide(request, pk: int):
    offer = get_object_or_404(selectors.offer_queue_for_user(request.user, status=""), pk=pk)
    check_form = QualityCheckForm(request.POST if request.POST.get("decision") == "validate" else None,
                                  initial={"checked_on": clock.today()}, prefix="check")
    reject_form = OfferRejectForm(request.POST if request.POST.get("decision") == "reject" else None, prefix="reject")
    if request.method == "POST" and offer.status == OfferStatuses.OFFERED:
        if request.POST.get("decision") == "validate" and check_form.is_valid() and (place := submit_to_service(
                check_form, services.offer_validate, actor=request.user, offer=offer)):
            messages.success(request, _("Aanbod gevalideerd: de opvangplaats is aangemaakt."))
            return redirect("hvt:place_detail", pk=place.pk)
        if request.POST.get("decision") == "reject" and reject_form.is_valid() and submit_to_service(
                reject_form, services.offer_reject, actor=request.user, offer=offer):
            messages.success(request, _("Aanbod afgewezen."))
            return redirect("hvt:offer_queue")
    return render(request, "hvt/offer_decide.html", {"offer": offer, "check_form": check_form, "reject_form": reject_form})
