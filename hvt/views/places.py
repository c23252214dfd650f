"""Places: list, export, registration, detail, changes, quality check, closing, agency confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.constants import Roles
from accounts.selectors import municipalities_for_user
from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from core.exports import Column, Kind, csv_response
from core.forms import submit_to_service
from core.paging import paginate
from hvt import selectors, services
from hvt.constants import READ_ROLES, WRITE_ROLES, PlaceStatuses
from hvt.forms import (
    CloseForm,
    PlaceFilterForm,
    PlaceForm,
    QualityCheckForm,
)
from hvt.views.common import PAGE_SIZE, role_required

# --- places ----------------------------------------------------------------------------------------


def _place_filters(request) -> tuple[PlaceFilterForm, dict]:
    """The filter form of the place list (municipalities in the read scope) and the selector
    arguments it yields; shared by the page and its CSV export."""
    scope = municipalities_for_user(request.user, roles=READ_ROLES).only("pk", "name_nl")
    form = PlaceFilterForm(request.GET or None, municipalities=scope)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"], "municipality": data["municipality"].pk if data["municipality"] else "",
            "category": data["category"], "status": data["status"], "with_free_beds": data["free"],
        }
    return form, filters


@role_required(*READ_ROLES)
def place_list(request):
    form, filters = _place_filters(request)
    places = selectors.place_list_for_user(request.user, **filters)
    paging = paginate(request, places, default_size=PAGE_SIZE)  # page numbers, page size, filters kept
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "hvt/place_list.html", {
        "form": form, "page": paging["page"], "paging": paging, "query": query.urlencode(),
        "can_write": selectors.can_write(request.user),
    })


# Dutch headings and labels (issue 12, item 6); a code a tool may read sits in a column of its own.
EXPORT_COLUMNS = [
    Column(gettext_lazy("Nummer"), "id", Kind.INTEGER), Column(gettext_lazy("NIS-code"), "municipality_id"),
    Column(gettext_lazy("Gemeente"), "municipality.name_nl"), Column(gettext_lazy("Naam"), "name"),
    Column(gettext_lazy("Straat"), "street"), Column(gettext_lazy("Huisnummer"), "house_number"),
    Column(gettext_lazy("Postcode"), "postal_code"), Column(gettext_lazy("Uitbater"), "operator"),
    Column(gettext_lazy("Categorie"), lambda place: place.get_category_display()),
    Column(gettext_lazy("Categoriecode"), "category"),
    Column(gettext_lazy("Type (categorie 2)"), lambda place: place.get_category_2_subtype_display()),
    Column(gettext_lazy("Capaciteit"), "capacity", Kind.INTEGER),
    Column(gettext_lazy("In gebruik vandaag"), "beds_in_use", Kind.INTEGER),
    Column(gettext_lazy("Status"), lambda place: place.get_status_display()), Column(gettext_lazy("Statuscode"), "status"),
    Column(gettext_lazy("Startdatum"), "start_date", Kind.DATE), Column(gettext_lazy("Einddatum"), "end_date", Kind.DATE),
]


@role_required(*READ_ROLES)
def place_export(request):
    """The filtered list as CSV (same scope and filters as the page; core.exports: formulas
    neutralised, Belgian dates and numbers), streamed; audited."""
    _form, filters = _place_filters(request)
    places = selectors.place_list_for_user(request.user, **filters)
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="hvt.receptionplace",
              object_repr="export opvangplaatsen", changes={"filters": {k: str(v) for k, v in filters.items() if v}})
    return csv_response(filename="opvangplaatsen", columns=EXPORT_COLUMNS, rows=places.iterator(chunk_size=2000),
                        stream=True)


@role_required(*WRITE_ROLES)
def place_create(request):
    scope = municipalities_for_user(request.user, roles=WRITE_ROLES)
    form = PlaceForm(request.POST or None, municipalities=scope)
    if request.method == "POST" and form.is_valid() and (place := submit_to_service(
            form, services.place_register, arguments=form.service_kwargs(), actor=request.user)):
        messages.success(request, _("Opvangplaats geregistreerd. Registreer de woningkwaliteitscontrole om ze te valideren."))
        return redirect("hvt:place_detail", pk=place.pk)
    return render(request, "hvt/form.html", {"form": form, "title": _("Opvangplaats registreren"),
                                             "cancel": reverse("hvt:place_list")})


@role_required(*READ_ROLES)
def place_detail(request, pk: int):
    place = selectors.place_get_for_user(request.user, pk, with_history=True)
    today = clock.today()
    actions = selectors.place_actions(request.user, place)
    allocations = selectors.place_allocations_on(place, today, can_write=actions["can_write"])
    beds = selectors.place_beds_on(place, today)
    # A large site has thousands of past allocations: show current and future ones unless asked.
    show_all = request.GET.get("alle") == "1"
    current = [a for a in allocations if a.current]
    timeline = selectors.place_timeline(place)
    return render(request, "hvt/place_detail.html", {
        "place": place, "allocations": allocations if show_all else current, "past_hidden": 0 if show_all
        else len(allocations) - len(current), "checks": list(place.quality_checks.all()), "in_use": beds["in_use"],
        "free_today": beds["free"], "today": today, "timeline": timeline if show_all else timeline[-40:],
        "timeline_hidden": 0 if show_all else max(len(timeline) - 40, 0), **actions,
    })


@role_required(*WRITE_ROLES)
def place_edit(request, pk: int):
    place = selectors.place_get_for_user(request.user, pk, for_write=True)
    scope = municipalities_for_user(request.user, roles=WRITE_ROLES)
    initial = {f: getattr(place, f) for f in PlaceForm.base_fields if f != "municipality"}
    initial["municipality"] = place.municipality_id
    form = PlaceForm(request.POST or None, initial=initial, municipalities=scope)
    if request.method == "POST" and form.is_valid() and submit_to_service(
            form, services.place_update, actor=request.user, place=place):
        messages.success(request, _("Opvangplaats gewijzigd."))
        return redirect("hvt:place_detail", pk=place.pk)
    return render(request, "hvt/form.html", {"form": form, "title": _("Opvangplaats wijzigen"), "place": place,
                                             "cancel": reverse("hvt:place_detail", args=[place.pk])})


@role_required(*WRITE_ROLES)
def place_quality_check(request, pk: int):
    place = selectors.place_get_for_user(request.user, pk, for_write=True)
    form = QualityCheckForm(request.POST or None, initial={"checked_on": clock.today()})
    validate = place.status == PlaceStatuses.REGISTERED and bool(request.POST.get("validate"))
    if request.method == "POST" and form.is_valid() and submit_to_service(
            form, services.quality_check_record, actor=request.user, place=place, validate=validate):
        messages.success(request, _("Controle geregistreerd en plaats gevalideerd.") if validate
                         else _("Controle geregistreerd."))
        return redirect("hvt:place_detail", pk=place.pk)
    return render(request, "hvt/quality_check.html", {"form": form, "place": place})


@role_required(*WRITE_ROLES)
def place_close(request, pk: int):
    place = selectors.place_get_for_user(request.user, pk, for_write=True)
    form = CloseForm(request.POST or None, initial={"end_date": clock.today()})
    if request.method == "POST" and form.is_valid() and submit_to_service(
        form, services.place_close, actor=request.user, place=place
    ):
        messages.success(request, _("Opvangplaats afgesloten."))
        return redirect("hvt:place_detail", pk=place.pk)
    return render(request, "hvt/form.html", {"form": form, "title": _("Opvangplaats afsluiten"), "place": place,
                                             "cancel": reverse("hvt:place_detail", args=[place.pk])})


@require_POST
@role_required(Roles.HVT_COORDINATOR)
def place_confirm(request, pk: int):
    place = selectors.place_get_for_user(request.user, pk, for_write=True)
    try:
        services.place_confirm_by_agency(actor=request.user, place=place)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Bevestiging van het agentschap geregistreerd."))
    return redirect("hvt:place_detail", pk=place.pk)
