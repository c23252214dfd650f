"""The case managers' dossiers: list, search, the dossier page and its actions (status, referrals,
register check and signal), the identity block.

Every page that shows persons writes one audit event naming them; the identity block opens only
on a POST with a reason (crt/README.md).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.forms import apply_service_error
from crt import forms, selectors, services
from crt.constants import (
    CTX_OUTCOME_NOTE,
    CTX_REFERRAL_NOTE,
    CTX_STATUS_NOTE,
    LookupPurposes,
    ReadPurposes,
    RevealReasons,
)
from crt.national_register import NationalRegisterError, PersonNotFound
from crt.views.common import case_manager_required, dossier_for, form_service_ok


@case_manager_required
@require_GET
@never_cache
def dossier_list(request):
    qs = selectors.dossier_list_for_user(request.user).order_by("-opened_on", "-pk")
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    # The page's rows only (evaluated here; the template reuses them): one audit event naming them.
    selectors.dossiers_shown_log(user=request.user, dossiers=list(page.object_list), purpose=ReadPurposes.LIST)
    return render(request, "crt/dossier_list.html", {"page": page, "search_form": forms.SearchForm()})


@sensitive_post_parameters("number", "text")
@case_manager_required
@require_POST
@never_cache
def dossier_search(request):
    """Search by exact number (blind index), name or dossier number. POST: the number never sits in a URL."""
    form = forms.SearchForm(request.POST)
    results = None
    if form.is_valid():
        number, text = form.cleaned_data["number"], form.cleaned_data["text"]
        try:
            results = list(selectors.dossier_search(request.user, number=number, text=text)[:100])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            selectors.dossier_search_log(user=request.user, results=results, by_number=bool(number))
    return render(request, "crt/dossier_list.html", {"search_form": form, "results": results, "searched": True})


def _render_detail(request, dossier, *, status=200, reveal_reason: str = "", **form_overrides):
    """The dossier page. It writes one audit event naming the person and the household members it
    lists: a plain read, or, with ``reveal_reason`` (a POST only), the reveal of the identity block."""
    person = dossier.person
    household = list(selectors.dossier_list_for_user(request.user)
                     .filter(person__household_id=person.household_id).exclude(pk=dossier.pk))
    household_ids = [d.person_id for d in household]
    identity = None
    if reveal_reason:
        identity = selectors.person_identity_reveal(user=request.user, dossier=dossier, reason=reveal_reason,
                                                    also_shown=household_ids)
    else:
        selectors.dossier_view(user=request.user, dossier=dossier, also_shown=household_ids)
    today = clock.today().isoformat()
    referrals = selectors.notes_decrypt(list(dossier.referrals.all()), attr="note_enc", context=CTX_REFERRAL_NOTE)
    selectors.notes_decrypt(referrals, attr="outcome_note_enc", context=CTX_OUTCOME_NOTE)
    bound_outcome = form_overrides.pop("outcome_form", None)
    for r in referrals:  # one form per referral, so every field has its own id
        r.outcome_form = (bound_outcome if bound_outcome is not None and bound_outcome.prefix == f"outcome-{r.pk}"
                          else forms.ReferralOutcomeForm(prefix=f"outcome-{r.pk}", initial={"outcome_on": today}))
    context = {
        "dossier": dossier,
        "person": person,
        "number_masked": selectors.person_number_masked(person) if person.national_number_enc else "",
        "municipality_name": selectors.municipality_names([person.municipality_refnis]).get(person.municipality_refnis, ""),
        "household": household,
        "status_changes": selectors.notes_decrypt(list(dossier.status_changes.all()), attr="note_enc",
                                                  context=CTX_STATUS_NOTE),
        "referrals": referrals,
        "identity": identity,
        "status_form": forms.StatusChangeForm(
            prefix="status", initial={"effective_on": today, "status": forms.status_suggested(dossier.status)}),
        "referral_form": forms.ReferralForm(prefix="referral", initial={"referred_on": today}),
        "reveal_form": forms.RevealForm(prefix="reveal"),
        "check_form": forms.RegisterCheckForm(prefix="check", initial={"purpose": LookupPurposes.IDENTITY_CHECK}),
    }
    context.update(form_overrides)
    return render(request, "crt/dossier_detail.html", context, status=status)


@case_manager_required
@require_GET
@never_cache
def dossier_detail(request, pk):
    return _render_detail(request, dossier_for(request, pk))


@case_manager_required
@require_POST
@never_cache
def dossier_reveal(request, pk):
    dossier = dossier_for(request, pk)
    form = forms.RevealForm(request.POST, prefix="reveal")
    if not form.is_valid():
        return _render_detail(request, dossier, reveal_form=form, status=400)
    return _render_detail(request, dossier, reveal_reason=RevealReasons(form.cleaned_data["reason"]).label)


@case_manager_required
@require_POST
def dossier_status(request, pk):
    dossier = dossier_for(request, pk)
    form = forms.StatusChangeForm(request.POST, prefix="status")
    if form_service_ok(form, lambda data: services.dossier_status_change(actor=request.user, dossier=dossier, **data)):
        messages.success(request, _("Status gewijzigd."))
        return redirect("crt:dossier_detail", pk=dossier.pk)
    return _render_detail(request, dossier, status_form=form, status=400)


@case_manager_required
@require_POST
def referral_create(request, pk):
    dossier = dossier_for(request, pk)
    form = forms.ReferralForm(request.POST, prefix="referral")
    if form_service_ok(form, lambda data: services.referral_create(actor=request.user, dossier=dossier, **data)):
        messages.success(request, _("Doorverwijzing geregistreerd."))
        return redirect("crt:dossier_detail", pk=dossier.pk)
    return _render_detail(request, dossier, referral_form=form, status=400)


@case_manager_required
@require_POST
def referral_outcome(request, pk):
    referral = get_object_or_404(selectors.referral_list_for_user(request.user), pk=pk)
    form = forms.ReferralOutcomeForm(request.POST, prefix=f"outcome-{referral.pk}")
    if form_service_ok(form, lambda data: services.referral_outcome_record(actor=request.user, referral=referral, **data)):
        messages.success(request, _("Uitkomst geregistreerd."))
        return redirect("crt:dossier_detail", pk=referral.dossier_id)
    return _render_detail(request, referral.dossier, outcome_form=form, status=400)


@case_manager_required
@require_POST
def dossier_register_check(request, pk):
    dossier = dossier_for(request, pk)
    form = forms.RegisterCheckForm(request.POST, prefix="check")
    if not form.is_valid():
        return _render_detail(request, dossier, check_form=form, status=400)
    try:
        flag = services.person_register_check(actor=request.user, dossier=dossier, purpose=form.cleaned_data["purpose"])
    except PersonNotFound:
        messages.warning(request, _("Dit nummer is niet gevonden in het rijksregister."))
    except NationalRegisterError:
        messages.error(request, _("Het rijksregister is nu niet bereikbaar. Probeer later opnieuw."))
    else:
        messages.info(request, _("Gecontroleerd bij het rijksregister: geen wijzigingen.") if not flag
                      else _("Het rijksregister meldt een wijziging: zie het signaal."))
    return redirect("crt:dossier_detail", pk=dossier.pk)


@case_manager_required
@require_POST
def dossier_flag_clear(request, pk):
    dossier = dossier_for(request, pk)
    services.register_flag_clear(actor=request.user, dossier=dossier)
    messages.success(request, _("Signaal afgehandeld."))
    return redirect("crt:dossier_detail", pk=dossier.pk)
