"""CRT pages (case managers, reporting). Interfaces only: they call selectors and services.

The national register number only travels in POST bodies (never in a URL) and is shown masked
unless the user opens the identity block (an audited read).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from core.exports import neutralise_cell
from crt import forms, reporting, selectors, services
from crt.constants import CrtRoles, LookupPurposes, ReadPurposes, RevealReasons
from crt.decorators import crt_role_required
from crt.models import Organisation
from crt.national_register import NationalRegisterError, PersonNotFound
from crt.realm import crt_roles_for_user

CASE_MANAGER = CrtRoles.CASE_MANAGER
REPORT_ROLES = (CrtRoles.REPORTING, CrtRoles.CENTRAL_ADMIN)


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _form_service_ok(form, action) -> bool:
    """Call ``action(cleaned_data)`` when the form is valid; a service ValidationError lands on the form.
    True when the service succeeded (the caller then adds its message and redirects)."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        _add_errors(form, exc)
        return False
    return True


@login_required
@crt_role_required()
@never_cache
def index(request):
    roles = crt_roles_for_user(request.user)
    return render(request, "crt/index.html", {"crt_roles": sorted(roles), "roles": roles})


def _case_manager_organisation(user) -> Organisation:
    org = Organisation.objects.using("crt").filter(pk__in=selectors.case_manager_organisations(user)).first()
    if org is None:
        raise Http404
    return org


@login_required
@crt_role_required(CASE_MANAGER)
@require_GET
@never_cache
def dossier_list(request):
    qs = selectors.dossier_list_for_user(request.user).order_by("-opened_on", "-pk")
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    # The page's rows only (evaluated here; the template reuses them): one audit event naming them.
    selectors.dossiers_shown_log(user=request.user, dossiers=list(page.object_list), purpose=ReadPurposes.LIST)
    return render(request, "crt/dossier_list.html", {"page": page, "search_form": forms.SearchForm()})


@sensitive_post_parameters("number", "text")
@login_required
@crt_role_required(CASE_MANAGER)
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
            form.add_error("number", exc.messages)
        else:
            selectors.dossier_search_log(user=request.user, results=results, by_number=bool(number))
    return render(request, "crt/dossier_list.html", {"search_form": form, "results": results, "searched": True})


@sensitive_post_parameters("national_number", "phone", "email", "first_name", "last_name", "street")
@login_required
@crt_role_required(CASE_MANAGER)
@never_cache
def person_register(request):
    org = _case_manager_organisation(request.user)
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
            data = form.cleaned_data
            household_of = None
            if data["household_dossier"]:
                household_of = selectors.dossier_list_for_user(request.user).filter(
                    number__iexact=data["household_dossier"].strip()).first()
                if household_of is None:
                    form.add_error("household_dossier", _("Geen dossier met dit nummer in uw organisatie."))
            if form.is_valid():
                person = _person_input(data)
                try:
                    dossier = services.person_register(
                        actor=request.user, organisation=org, data=person, household_of=household_of,
                        household_role=data["household_role"], confirm_duplicate=data["confirm_duplicate"],
                    )
                except services.PossibleDuplicate as dup:
                    duplicates = [
                        {"number": c.dossier.number if c.dossier.organisation_id == org.pk else "",
                         "pk": c.dossier.pk if c.dossier.organisation_id == org.pk else None,
                         "own": c.dossier.organisation_id == org.pk}
                        for c in dup.candidates if hasattr(c, "dossier")
                    ]
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    messages.success(request, _("Persoon geregistreerd: dossier %(number)s.") % {"number": dossier.number})
                    return redirect("crt:dossier_detail", pk=dossier.pk)
    return render(request, "crt/person_register.html", {"form": form, "duplicates": duplicates, "organisation": org})


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
    purpose = values.get("lookup_purpose", "")
    form = forms.PersonRegisterForm(initial=values)
    try:
        record = services.national_register_lookup(
            actor=request.user, number=values.get("national_number", ""), purpose=purpose
        )
    except ValidationError as exc:
        form = forms.PersonRegisterForm(values)
        form.is_valid()
        form.errors.clear()
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                form.add_error("lookup_purpose" if name == "purpose" else name, errors)
        else:  # the number itself is invalid
            form.add_error("national_number", exc.messages)
        return form
    except PersonNotFound:
        messages.warning(request, _("Dit nummer is niet gevonden in het rijksregister."))
        return form
    except NationalRegisterError:
        messages.error(request, _("Het rijksregister is nu niet bereikbaar. Probeer later opnieuw of vul de gegevens zelf in."))
        return form
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


def _dossier_for(request, pk):
    return get_object_or_404(selectors.dossier_list_for_user(request.user), pk=pk)


def _render_detail(request, dossier, *, status=200, reveal_reason: str = "", **form_overrides):
    """The dossier page. It writes one audit event naming the person and the household members it
    lists: a plain read, or, with ``reveal_reason`` (a POST only), the reveal of the identity block."""
    from crt.services import CTX_OUTCOME_NOTE, CTX_REFERRAL_NOTE, CTX_STATUS_NOTE

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
        "status_form": forms.StatusChangeForm(prefix="status", initial={"effective_on": today}),
        "referral_form": forms.ReferralForm(prefix="referral", initial={"referred_on": today}),
        "reveal_form": forms.RevealForm(prefix="reveal"),
        "check_form": forms.RegisterCheckForm(prefix="check", initial={"purpose": LookupPurposes.IDENTITY_CHECK}),
    }
    context.update(form_overrides)
    return render(request, "crt/dossier_detail.html", context, status=status)


@login_required
@crt_role_required(CASE_MANAGER)
@require_GET
@never_cache
def dossier_detail(request, pk):
    return _render_detail(request, _dossier_for(request, pk))


@login_required
@crt_role_required(CASE_MANAGER)
@require_POST
@never_cache
def dossier_reveal(request, pk):
    dossier = _dossier_for(request, pk)
    form = forms.RevealForm(request.POST, prefix="reveal")
    if not form.is_valid():
        return _render_detail(request, dossier, reveal_form=form, status=400)
    return _render_detail(request, dossier, reveal_reason=RevealReasons(form.cleaned_data["reason"]).label)


@login_required
@crt_role_required(CASE_MANAGER)
@require_POST
def dossier_status(request, pk):
    dossier = _dossier_for(request, pk)
    form = forms.StatusChangeForm(request.POST, prefix="status")
    if _form_service_ok(form, lambda data: services.dossier_status_change(actor=request.user, dossier=dossier, **data)):
        messages.success(request, _("Status gewijzigd."))
        return redirect("crt:dossier_detail", pk=dossier.pk)
    return _render_detail(request, dossier, status_form=form, status=400)


@login_required
@crt_role_required(CASE_MANAGER)
@require_POST
def referral_create(request, pk):
    dossier = _dossier_for(request, pk)
    form = forms.ReferralForm(request.POST, prefix="referral")
    if _form_service_ok(form, lambda data: services.referral_create(actor=request.user, dossier=dossier, **data)):
        messages.success(request, _("Doorverwijzing geregistreerd."))
        return redirect("crt:dossier_detail", pk=dossier.pk)
    return _render_detail(request, dossier, referral_form=form, status=400)


@login_required
@crt_role_required(CASE_MANAGER)
@require_POST
def referral_outcome(request, pk):
    referral = get_object_or_404(selectors.referral_list_for_user(request.user), pk=pk)
    form = forms.ReferralOutcomeForm(request.POST, prefix=f"outcome-{referral.pk}")
    if _form_service_ok(form, lambda data: services.referral_outcome_record(actor=request.user, referral=referral, **data)):
        messages.success(request, _("Uitkomst geregistreerd."))
        return redirect("crt:dossier_detail", pk=referral.dossier_id)
    return _render_detail(request, referral.dossier, outcome_form=form, status=400)


@login_required
@crt_role_required(CASE_MANAGER)
@require_POST
def dossier_register_check(request, pk):
    dossier = _dossier_for(request, pk)
    form = forms.RegisterCheckForm(request.POST, prefix="check")
    if form.is_valid():
        try:
            flag = services.person_register_check(actor=request.user, dossier=dossier,
                                                  purpose=form.cleaned_data["purpose"])
        except PersonNotFound:
            messages.warning(request, _("Dit nummer is niet gevonden in het rijksregister."))
        except NationalRegisterError:
            messages.error(request, _("Het rijksregister is nu niet bereikbaar. Probeer later opnieuw."))
        else:
            messages.info(request, _("Gecontroleerd bij het rijksregister: geen wijzigingen.") if not flag
                          else _("Het rijksregister meldt een wijziging: zie het signaal."))
        return redirect("crt:dossier_detail", pk=dossier.pk)
    return _render_detail(request, dossier, check_form=form, status=400)


@sensitive_post_parameters("phone", "email", "street")
@login_required
@crt_role_required(CASE_MANAGER)
@never_cache
def person_update(request, pk):
    """Correct contact, address and certificate.

    The form shows the contact data, so opening it is a reveal: a GET shows only the question
    why (nothing revealed, nothing written); the POST with the reason (``action=open``, CSRF-checked)
    writes the reveal event and shows the form; a POST of the form saves.
    """
    dossier = _dossier_for(request, pk)
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
        if _form_service_ok(form, lambda data: services.person_update(actor=request.user, dossier=dossier, **data)):
            messages.success(request, _("Gegevens bijgewerkt."))
            return redirect("crt:dossier_detail", pk=dossier.pk)
    status = 400 if request.method == "POST" and (form is None or form.errors) else 200
    return render(request, "crt/person_update.html", {"form": form, "reveal_form": reveal_form, "dossier": dossier},
                  status=status)


@login_required
@crt_role_required(CASE_MANAGER)
@require_POST
def dossier_flag_clear(request, pk):
    dossier = _dossier_for(request, pk)
    services.register_flag_clear(actor=request.user, dossier=dossier)
    messages.success(request, _("Signaal afgehandeld."))
    return redirect("crt:dossier_detail", pk=dossier.pk)


# --- reporting (aggregates only) ------------------------------------------------------------------

PUBLICATION_NOTE_CSV = gettext_lazy(
    "Afgerond op een veelvoud van %(base)s; x = minder dan 5 personen (ook geen) of daaruit af te leiden. "
    "Het totaal is apart afgerond."
)


def _reference_date(request):
    import datetime as dt

    try:
        return dt.date.fromisoformat(request.GET.get("datum", ""))
    except ValueError:
        return clock.today()


@login_required
@crt_role_required(*REPORT_ROLES)
@require_GET
@never_cache
def reports(request):
    reference_date = _reference_date(request)
    tables = [reporting.report_table(dimension, reference_date) for dimension in reporting.DIMENSIONS]
    return render(request, "crt/reports.html", {"tables": tables, "reference_date": reference_date})


@login_required
@crt_role_required(*REPORT_ROLES)
@require_GET
@never_cache
def report_export(request, dimension):
    if dimension not in reporting.DIMENSIONS:
        raise Http404
    import csv

    reference_date = _reference_date(request)
    table = reporting.report_table(dimension, reference_date)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="crt-{dimension}-{reference_date.isoformat()}.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow([neutralise_cell(str(table.dimension_label)), _("aantal personen")])
    for row in table.rows:
        writer.writerow([neutralise_cell(str(row.label)), row.display])
    writer.writerow([_("Totaal"), table.total_display])
    writer.writerow([PUBLICATION_NOTE_CSV % {"base": table.rounding_base}, ""])
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="crt.report", object_id=dimension,
              object_repr=f"{dimension} {reference_date.isoformat()}", database="crt",
              changes={"dimension": dimension, "reference_date": reference_date.isoformat()})
    return response
