"""Registering a person (with the national-register lookup) and correcting a person's data.

The national register number only travels in POST bodies, never in a URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from core.forms import apply_service_error
from crt import forms, selectors, services
from crt.constants import RevealReasons
from crt.models import Dossier, Organisation
from crt.national_register import NationalRegisterError, PersonNotFound
from crt.views.common import case_manager_organisation, case_manager_required, dossier_for, form_service_ok

# The lookup service's argument names → the registration form's fields.
LOOKUP_FIELDS = {"number": "national_number", "purpose": "lookup_purpose"}


@sensitive_post_parameters("national_number", "phone", "email", "first_name", "last_name", "street")
@case_manager_required
@never_cache
def person_register(request):
    org = case_manager_organisation(request.user)
    duplicates = None
    if request.method != "POST":
        household = request.GET.get("gezin", "")[:20]  # a dossier number (never a national number)
        form = forms.PersonRegisterForm(initial={"nationality": "UA", "household_dossier": household,
                                                 "household_role": "child" if household else "head"})
    elif request.POST.get("action") == "lookup":
        form = _register_lookup(request)
    else:
        form = forms.PersonRegisterForm(request.POST)
        if form.is_valid():
            try:
                dossier = _register(request.user, org, form.cleaned_data)
            except services.PossibleDuplicate as dup:
                duplicates = _duplicates_shown(dup.candidates, org)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Persoon geregistreerd: dossier %(number)s.") % {"number": dossier.number})
                return redirect("crt:dossier_detail", pk=dossier.pk)
    return render(request, "crt/person_register.html", {"form": form, "duplicates": duplicates, "organisation": org})


def _register(user, org: Organisation, data: dict) -> Dossier:
    household_of = None
    if data["household_dossier"]:
        # The household is named by a dossier number of the user's own organisation only.
        household_of = selectors.dossier_list_for_user(user).filter(
            number__iexact=data["household_dossier"].strip()).first()
        if household_of is None:
            raise ValidationError({"household_dossier": [_("Geen dossier met dit nummer in uw organisatie.")]})
    return services.person_register(
        actor=user, organisation=org, data=_person_input(data), household_of=household_of,
        household_role=data["household_role"], confirm_duplicate=data["confirm_duplicate"],
    )


def _duplicates_shown(candidates, org: Organisation) -> list[dict]:
    """The duplicate warning: a dossier number only for the user's own organisation ("another
    organisation" otherwise, which tells that the person exists, not where)."""
    return [
        {"number": c.dossier.number if c.dossier.organisation_id == org.pk else "",
         "pk": c.dossier.pk if c.dossier.organisation_id == org.pk else None,
         "own": c.dossier.organisation_id == org.pk}
        for c in candidates if hasattr(c, "dossier")
    ]


def _person_input(data) -> services.PersonInput:
    return services.PersonInput(
        first_name=data["first_name"], last_name=data["last_name"], birth_date=data["birth_date"], sex=data["sex"],
        national_number=data["national_number"], municipality_refnis=data["municipality_refnis"],
        nationality=data["nationality"] or "UA", phone=data["phone"], email=data["email"], street=data["street"],
        postal_code=data["postal_code"], certificate_number=data["certificate_number"],
        certificate_valid_from=data["certificate_valid_from"], certificate_valid_until=data["certificate_valid_until"],
        languages=data["languages"],
    )


def _register_lookup(request):
    """Fill the registration form from the national register (an audited lookup with its legal purpose)."""
    values = request.POST.dict()
    values.pop("csrfmiddlewaretoken", None)
    try:
        record = services.national_register_lookup(
            actor=request.user, number=values.get("national_number", ""), purpose=values.get("lookup_purpose", "")
        )
    except ValidationError as exc:
        form = forms.PersonRegisterForm(values)
        form.is_valid()
        form.errors.clear()  # only the lookup's own errors: the rest of the form is not filled in yet
        apply_service_error(form, exc, field_map=LOOKUP_FIELDS)
        return form
    except PersonNotFound:
        messages.warning(request, _("Dit nummer is niet gevonden in het rijksregister."))
        return forms.PersonRegisterForm(initial=values)
    except NationalRegisterError:
        messages.error(request, _("Het rijksregister is nu niet bereikbaar. Probeer later opnieuw of vul de gegevens zelf in."))
        return forms.PersonRegisterForm(initial=values)
    values.update({
        "first_name": record.first_name, "last_name": record.last_name,
        "birth_date": record.birth_date.isoformat() if record.birth_date else values.get("birth_date", ""),
        "sex": record.sex, "nationality": record.nationality or "UA", "street": record.street,
        "postal_code": record.postal_code, "municipality_refnis": record.municipality_refnis,
    })
    if record.deceased_on:
        messages.warning(request, _("Volgens het rijksregister is deze persoon overleden."))
    else:
        messages.info(request, _("Gegevens ingevuld uit het rijksregister. Controleer ze en vul de rest aan."))
    return forms.PersonRegisterForm(initial=values)


@sensitive_post_parameters("phone", "email", "street")
@case_manager_required
@never_cache
def person_update(request, pk):
    """Correct contact, address and certificate.

    The form shows the contact data, so opening it is a reveal: a GET shows only the question
    why (nothing revealed, nothing written); the POST with the reason (``action=open``, CSRF-checked)
    writes the reveal event and shows the form; a POST of the form saves.
    """
    dossier = dossier_for(request, pk)
    if dossier.anonymised_at:
        raise Http404
    reveal_form = forms.RevealForm(prefix="reveal", initial={"reason": RevealReasons.CORRECTION})
    form = None
    if request.method == "POST" and request.POST.get("action") == "open":
        reveal_form = forms.RevealForm(request.POST, prefix="reveal")
        if reveal_form.is_valid():
            identity = selectors.person_identity_reveal(
                user=request.user, dossier=dossier, reason=RevealReasons(reveal_form.cleaned_data["reason"]).label)
            person = dossier.person
            form = forms.PersonUpdateForm(initial={
                "phone": identity["phone"], "email": identity["email"], "street": person.street,
                "postal_code": person.postal_code, "municipality_refnis": person.municipality_refnis,
                "certificate_number": person.certificate_number, "certificate_valid_from": person.certificate_valid_from,
                "certificate_valid_until": person.certificate_valid_until, "languages": person.languages,
            })
    elif request.method == "POST":
        form = forms.PersonUpdateForm(request.POST)
        if form_service_ok(form, lambda data: services.person_update(actor=request.user, dossier=dossier, **data)):
            messages.success(request, _("Gegevens bijgewerkt."))
            return redirect("crt:dossier_detail", pk=dossier.pk)
    status = 400 if request.method == "POST" and (form is None or form.errors) else 200
    return render(request, "crt/person_update.html", {"form": form, "reveal_form": reveal_form, "dossier": dossier},
                  status=status)
