"""Browser pages of the HVT. Views read through hvt.selectors and write through hvt.services only.

Outside the scope a detail answers 404 (existence is not revealed); a page for a role the user
does not hold answers 403.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.constants import Roles
from accounts.selectors import municipalities_for_user, user_has_role
from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from core.exports import neutralise_cell
from geo.models import Municipality
from hvt import selectors, services
from hvt.constants import NOTE_ROLES, READ_ROLES, TARGET_ROLES, WRITE_ROLES, OfferStatuses, PlaceStatuses
from hvt.forms import (
    AllocationEndForm,
    AllocationForm,
    AllocationMoveForm,
    CloseForm,
    OfferForm,
    OfferRejectForm,
    PlaceFilterForm,
    PlaceForm,
    QualityCheckForm,
    SteeringNoteForm,
    apply_service_error,
)

PAGE_SIZE = 50


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not user_has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@login_required
def index(request):
    if selectors.can_read(request.user):
        return redirect("hvt:place_list")
    if user_has_role(request.user, Roles.PORTAL_USER):
        return redirect("hvt:offer_list")
    raise PermissionDenied


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
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "hvt/place_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "can_write": selectors.can_write(request.user),
    })


EXPORT_COLUMNS = [
    ("id", "id"), ("refnis", "municipality_id"), ("gemeente", "municipality.name_nl"), ("naam", "name"),
    ("straat", "street"), ("huisnummer", "house_number"), ("postcode", "postal_code"), ("uitbater", "operator"),
    ("categorie", "category"), ("type_categorie_2", "category_2_subtype"), ("capaciteit", "capacity"),
    ("in_gebruik_vandaag", "beds_in_use"), ("status", "status"), ("startdatum", "start_date"), ("einddatum", "end_date"),
]


def _value(obj, path):
    for part in path.split("."):
        obj = getattr(obj, part)
    return "" if obj is None else obj


@role_required(*READ_ROLES)
def place_export(request):
    """The filtered list as CSV (same scope and filters as the page); formulas neutralised; audited."""
    _form, filters = _place_filters(request)
    places = selectors.place_list_for_user(request.user, **filters)
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="hvt.receptionplace",
              object_repr="export opvangplaatsen", changes={"filters": {k: str(v) for k, v in filters.items() if v}})

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo(), delimiter=";")

    def rows():
        yield "\ufeff" + writer.writerow([name for name, _ in EXPORT_COLUMNS])
        for place in places.iterator(chunk_size=2000):
            yield writer.writerow([neutralise_cell(_value(place, path)) for _, path in EXPORT_COLUMNS])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="opvangplaatsen.csv"'
    return response


@role_required(*WRITE_ROLES)
def place_create(request):
    scope = municipalities_for_user(request.user, roles=WRITE_ROLES)
    form = PlaceForm(request.POST or None, municipalities=scope)
    if request.method == "POST" and form.is_valid():
        try:
            place = services.place_register(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Opvangplaats geregistreerd. Registreer de woningkwaliteitscontrole om ze te valideren."))
            return redirect("hvt:place_detail", pk=place.pk)
    return render(request, "hvt/form.html", {"form": form, "title": _("Opvangplaats registreren"),
                                             "cancel": reverse("hvt:place_list")})


@role_required(*READ_ROLES)
def place_detail(request, pk: int):
    place = selectors.place_get_for_user(request.user, pk, with_history=True)
    allocations = list(place.allocations.all())
    checks = list(place.quality_checks.all())
    today = clock.today()
    in_use = sum(a.household_size for a in allocations if a.is_active_on(today))
    free_today = max(place.capacity - in_use, 0) if place.is_available and place.is_open_on(today) else 0
    # A large site has thousands of past allocations: show current and future ones unless asked.
    show_all = request.GET.get("alle") == "1"
    current = [a for a in allocations if a.end_date is None or a.end_date >= today]
    timeline = selectors.place_timeline(place)
    return render(request, "hvt/place_detail.html", {
        "place": place, "allocations": allocations if show_all else current, "past_hidden": 0 if show_all
        else len(allocations) - len(current), "checks": checks, "in_use": in_use, "free_today": free_today,
        "today": today, "timeline": timeline if show_all else timeline[-40:],
        "timeline_hidden": 0 if show_all else max(len(timeline) - 40, 0),
        "can_write": selectors.can_write_place(request.user, place),
        "can_confirm": place.needs_agency_confirmation and place.agency_confirmed_on is None
        and user_has_role(request.user, Roles.HVT_COORDINATOR),
    })


@role_required(*WRITE_ROLES)
def place_edit(request, pk: int):
    place = selectors.place_get_for_user(request.user, pk, for_write=True)
    scope = municipalities_for_user(request.user, roles=WRITE_ROLES)
    initial = {f: getattr(place, f) for f in PlaceForm.base_fields if f != "municipality"}
    initial["municipality"] = place.municipality_id
    form = PlaceForm(request.POST or None, initial=initial, municipalities=scope)
    if request.method == "POST" and form.is_valid():
        try:
            services.place_update(actor=request.user, place=place, **{
                **form.cleaned_data, "municipality": form.cleaned_data["municipality"],
            })
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Opvangplaats gewijzigd."))
            return redirect("hvt:place_detail", pk=place.pk)
    return render(request, "hvt/form.html", {"form": form, "title": _("Opvangplaats wijzigen"), "place": place,
                                             "cancel": reverse("hvt:place_detail", args=[place.pk])})


@role_required(*WRITE_ROLES)
def place_quality_check(request, pk: int):
    place = selectors.place_get_for_user(request.user, pk, for_write=True)
    form = QualityCheckForm(request.POST or None, initial={"checked_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            validate = place.status == PlaceStatuses.REGISTERED and bool(request.POST.get("validate"))
            services.quality_check_record(actor=request.user, place=place, validate=validate, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Controle geregistreerd en plaats gevalideerd.") if validate
                             else _("Controle geregistreerd."))
            return redirect("hvt:place_detail", pk=place.pk)
    return render(request, "hvt/quality_check.html", {"form": form, "place": place})


@role_required(*WRITE_ROLES)
def place_close(request, pk: int):
    place = selectors.place_get_for_user(request.user, pk, for_write=True)
    form = CloseForm(request.POST or None, initial={"end_date": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.place_close(actor=request.user, place=place, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
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


# --- allocations -----------------------------------------------------------------------------------


@role_required(*WRITE_ROLES)
def allocation_create(request, pk: int):
    place = selectors.place_get_for_user(request.user, pk, for_write=True)
    form = AllocationForm(request.POST or None, initial={"start_date": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_create(actor=request.user, place=place, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
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
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_end(actor=request.user, allocation=allocation, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
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
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.allocation_move(actor=request.user, allocation=allocation, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Gezin verhuisd."))
            return redirect("hvt:place_detail", pk=moved.place_id)
    return render(request, "hvt/form.html", {
        "form": form, "title": _("Gezin verhuizen"), "place": allocation.place, "allocation": allocation,
        "cancel": reverse("hvt:place_detail", args=[allocation.place_id]),
    })


# --- portal offers and the validation queue --------------------------------------------------------


@role_required(Roles.PORTAL_USER)
def offer_list(request):
    return render(request, "hvt/offer_list.html", {"offers": selectors.offer_list_for_portal_user(request.user)})


@role_required(Roles.PORTAL_USER)
def offer_create(request):
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_submit(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Bedankt. Uw aanbod is doorgestuurd naar de gemeente."))
            return redirect("hvt:offer_list")
    return render(request, "hvt/form.html", {"form": form, "title": _("Een opvangplaats aanbieden"),
                                             "cancel": reverse("hvt:offer_list")})


@role_required(*WRITE_ROLES)
def offer_queue(request):
    offers = selectors.offer_queue_for_user(request.user)
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "hvt/offer_queue.html", {"page": page})


@role_required(*WRITE_ROLES)
def offer_decide(request, pk: int):
    offer = get_object_or_404(selectors.offer_queue_for_user(request.user, status=""), pk=pk)
    check_form = QualityCheckForm(request.POST if request.POST.get("decision") == "validate" else None,
                                  initial={"checked_on": clock.today()}, prefix="check")
    reject_form = OfferRejectForm(request.POST if request.POST.get("decision") == "reject" else None, prefix="reject")
    if request.method == "POST" and offer.status == OfferStatuses.OFFERED:
        if request.POST.get("decision") == "validate" and check_form.is_valid():
            try:
                place = services.offer_validate(actor=request.user, offer=offer, **check_form.cleaned_data)
            except ValidationError as exc:
                apply_service_error(check_form, exc)
            else:
                messages.success(request, _("Aanbod gevalideerd: de opvangplaats is aangemaakt."))
                return redirect("hvt:place_detail", pk=place.pk)
        elif request.POST.get("decision") == "reject" and reject_form.is_valid():
            try:
                services.offer_reject(actor=request.user, offer=offer, reason=reject_form.cleaned_data["reason"])
            except ValidationError as exc:
                apply_service_error(reject_form, exc)
            else:
                messages.success(request, _("Aanbod afgewezen."))
                return redirect("hvt:offer_queue")
    return render(request, "hvt/offer_decide.html", {"offer": offer, "check_form": check_form, "reject_form": reject_form})


@role_required(*READ_ROLES)
def capacity_evolution(request):
    scope = municipalities_for_user(request.user, roles=READ_ROLES).only("pk", "name_nl")
    municipality = request.GET.get("municipality", "")
    if municipality and not scope.filter(pk=municipality).exists():
        municipality = ""
    months = selectors.capacity_evolution_for_user(request.user, municipality=municipality)
    peak = max([m["available"] for m in months] + [1])
    return render(request, "hvt/evolution.html", {"months": months, "peak": peak, "scope": scope,
                                                  "municipality": municipality})


# --- targets and the VLOT view ---------------------------------------------------------------------


@role_required(*TARGET_ROLES)
def target_list(request):
    round_ = selectors.target_round_current()
    targets = selectors.target_list_for_user(request.user, round_=round_)
    page = Paginator(targets, 100).get_page(request.GET.get("pagina"))
    return render(request, "hvt/target_list.html", {"round": round_, "page": page})


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
    if request.method == "POST" and form.is_valid():
        try:
            services.steering_note_create(actor=request.user, municipality=municipality, text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Notitie bewaard."))
            return redirect("hvt:municipality_detail", refnis=refnis)
    # One aggregate query instead of a count plus every available place loaded to sum in Python.
    summary = selectors.place_list_for_user(request.user, municipality=refnis).order_by().aggregate(
        places=Count("pk"), available_beds=Sum("capacity", filter=selectors.available_q(clock.today())),
    )
    summary["available_beds"] = summary["available_beds"] or 0
    return render(request, "hvt/municipality_detail.html", {
        "municipality": municipality, "form": form, "summary": summary,
        "notes": selectors.steering_notes_for_user(request.user, refnis)[:50],
        "targets": selectors.target_list_for_user(request.user).filter(municipality_id=refnis)[:1],
    })


# --- the VLOT / coordinator dashboard --------------------------------------------------------------

SORTS = {"realisatie": "realisation", "naam": "name", "beschikbaar": "available"}
PERIODS = {"alles": None, "365": 365, "90": 90}


def _dashboard_params(request):
    """Province filter (only a province with municipalities in the user's scope) and sort order."""
    provinces = list(selectors.dashboard_provinces_for_user(request.user).values_list("pk", "name_nl"))
    province = request.GET.get("provincie", "")
    if province not in {pk for pk, _name in provinces}:
        province = ""
    sort = request.GET.get("sorteer", "")
    if sort not in SORTS:
        sort = ""
    return provinces, province, sort


def _shift(series: dict) -> list[dict]:
    """Occupied beds in individual housing (category 1) against collective sites (2 and 3) at the
    last point before 2024, and at the last point: the shift of DOMAIN §4 in figures."""
    labels = series["labels"]
    if not labels:
        return []
    points = []
    before = [i for i, label in enumerate(labels) if label < "2024-01-01"]
    if before and before[-1] != len(labels) - 1:
        points.append(before[-1])
    points.append(len(labels) - 1)
    out = []
    for i in points:
        individual = sum(series["series"][c]["occupied"][i] for c in selectors.INDIVIDUAL_CATEGORIES)
        collective = sum(series["series"][c]["occupied"][i] for c in selectors.COLLECTIVE_CATEGORIES)
        total = individual + collective
        out.append({"date": labels[i], "individual": individual, "collective": collective,
                    "share": round(100 * individual / total, 1) if total else None})
    return out


@role_required(*selectors.DASHBOARD_ROLES)
def dashboard(request):
    """Realisation against target per municipality, occupancy per category and the evolution
    from the nightly snapshots, in the user's scope (VLOT: its provinces)."""
    provinces, province, sort = _dashboard_params(request)
    overview = selectors.capacity_overview_for_user(request.user, province=province, sort=SORTS.get(sort, ""))
    period = request.GET.get("periode", "alles")
    if period not in PERIODS:
        period = "alles"
    days = PERIODS[period]
    start = overview["day"] - dt.timedelta(days=days) if days else None
    series = selectors.capacity_series_for_user(request.user, start=start, province=province)
    labels = {c: str(label) for c, label in overview["categories"]}
    chart = {
        "labels": series["labels"], "monthly": series["monthly"],
        "datasets": [{"key": c, "label": labels[c], **series["series"][c]} for c in selectors.CATEGORY_KEYS],
        "individual": sorted(selectors.INDIVIDUAL_CATEGORIES),
        "text": {"available": _("Beschikbare gevalideerde bedden"), "occupied": _("Bezette bedden"),
                 "share": _("Aandeel individuele huisvesting (categorie 1) in de bezette bedden (%)"),
                 "individual": _("Individueel (categorie 1)"), "collective": _("Collectief (categorie 2 en 3)")},
    }
    query = request.GET.copy()
    query.pop("sorteer", None)
    export_query = request.GET.copy()
    export_query.pop("periode", None)
    return render(request, "hvt/dashboard.html", {
        "overview": overview, "provinces": provinces, "province": province, "sort": sort, "period": period,
        "chart": chart, "shift": _shift(series), "query": query.urlencode(), "export_query": export_query.urlencode(),
    })


def dashboard_table(overview: dict) -> tuple[list[str], list[list]]:
    """The dashboard table as header + rows (municipalities, then province totals and the total):
    exactly the figures on the page, for the CSV and XLSX exports."""
    header = [_("Provincie"), _("NIS-code"), _("Gemeente")]
    for _key, label in overview["categories"]:
        header += [f"{label} – {_('beschikbaar')}", f"{label} – {_('bezet')}"]
    header += [_("Beschikbaar"), _("Bezet"), _("Vrij"), _("Bezetting (%)"), _("Objectief"), _("Realisatie (%)")]

    def figures(item):
        out = []
        for key, _label in overview["categories"]:
            out += [item["categories"][key]["available"], item["categories"][key]["occupied"]]
        return out + [item["available"], item["occupied"], item["free"], item["occupancy"], item["target"],
                      item["realisation"]]

    rows = [[r["province"], r["refnis"], r["name"], *figures(r)] for r in overview["rows"]]
    rows += [[t["label"], "", _("Totaal provincie"), *figures(t)] for t in overview["provinces"]]
    rows.append(["", "", _("Totaal"), *figures(overview["total"])])
    return header, [[neutralise_cell("" if v is None else v) for v in row] for row in rows]


@role_required(*selectors.DASHBOARD_ROLES)
def dashboard_export(request):
    """The dashboard table as CSV (default) or XLSX (?formaat=xlsx); same scope, filter and order
    as the page; formulas neutralised; audited."""
    _provinces, province, sort = _dashboard_params(request)
    overview = selectors.capacity_overview_for_user(request.user, province=province, sort=SORTS.get(sort, ""))
    header, rows = dashboard_table(overview)
    fmt = "xlsx" if request.GET.get("formaat") == "xlsx" else "csv"
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="hvt.dashboard",
              object_repr="export dashboard opvangcapaciteit",
              changes={"format": fmt, "province": province, "sort": sort, "day": overview["day"].isoformat(),
                       "municipalities": len(overview["rows"])})
    filename = f"dashboard-opvang-{overview['day']:%Y-%m-%d}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Dashboard"
        sheet.append([neutralise_cell(h) for h in header])
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([neutralise_cell(h) for h in header])
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
