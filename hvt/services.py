"""Writes of the HVT. Forms, admin, API, import and tasks all go through these functions, so each
rule of DOMAIN §4 is enforced in one place. Every change is an audit event.

Errors are ``django.core.exceptions.ValidationError`` with translated Dutch messages, so a form,
the admin, the import and the API show them as they are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Sum, When
from django.utils.translation import gettext as _

from accounts.constants import Roles
from accounts.selectors import municipalities_for_user, user_has_role, user_in_scope_of
from audit.constants import AuditActions
from audit.services import audit_log, audit_log_bulk, model_changes
from core import clock
from geo.models import Municipality, PostalCode
from geo.selectors import municipality_population_latest, postal_code_belongs_to
from hvt.constants import (
    CATEGORY_2_CONFIRMATION_FROM,
    EARLIEST_START,
    NOTE_ROLES,
    WRITE_ROLES,
    OfferStatuses,
    PlaceCategories,
    PlaceSources,
    PlaceStatuses,
)
from hvt.models import (
    Allocation,
    CapacitySnapshot,
    MunicipalityTarget,
    PlaceOffer,
    QualityCheck,
    ReceptionPlace,
    SteeringNote,
    TargetRound,
)

PLACE_FIELDS = [
    "municipality_id", "name", "street", "house_number", "postal_code", "operator", "capacity", "category",
    "category_2_subtype", "start_date", "end_date", "accessible", "pets_allowed", "notes",
]
EDITABLE_PLACE_FIELDS = frozenset(PLACE_FIELDS) - {"municipality_id"} | {"municipality"}


class ScopeError(ValidationError):
    """The actor may not change data of this municipality."""


def _require_scope(actor, municipality_id: str, *, roles=WRITE_ROLES, permitted: frozenset[str] | None = None) -> None:
    """Defence in depth: views already 404 outside the scope; imports and the API rely on this.
    ``permitted``: the municipalities (among those of a batch) the actor may write to, loaded once
    by ``new_place_lookups`` (with WRITE_ROLES); without it the scope is queried."""
    if actor is None:  # system work: demo seeding, tasks
        return
    if permitted is not None:
        allowed = municipality_id in permitted
    else:
        allowed = user_in_scope_of(actor, municipality_id, roles=roles)
    if not allowed:
        raise ScopeError(_("U hebt geen toegang tot gemeente %(refnis)s.") % {"refnis": municipality_id})


def _check_address(*, municipality_id: str, postal_code: str,
                   known_pairs: frozenset[tuple[str, str]] | None = None) -> None:
    """``known_pairs``: the existing (postal code, municipality) pairs of a batch, loaded once."""
    if not (postal_code and municipality_id):
        return
    if known_pairs is not None:
        belongs = (postal_code, municipality_id) in known_pairs
    else:
        belongs = postal_code_belongs_to(postal_code=postal_code, municipality_refnis=municipality_id)
    if not belongs:
        raise ValidationError(
            {"postal_code": _("Postcode %(code)s hoort niet bij deze gemeente.") % {"code": postal_code}}
        )


def _check_start(start_date, field="start_date") -> None:
    if start_date and start_date < EARLIEST_START:
        raise ValidationError({field: _("De startdatum kan niet voor 14 maart 2022 liggen.")})


def _check_period(start_date, end_date) -> None:
    """The Python twin of the hvt_place_period constraint (so a batch is checked without queries)."""
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("De einddatum ligt voor de startdatum van de plaats.")})


def _check_subtype(category: str, subtype: str) -> None:
    if category == PlaceCategories.CAT2 and not subtype:
        raise ValidationError({"category_2_subtype": _("Kies het type van een plaats van categorie 2.")})
    if category != PlaceCategories.CAT2 and subtype:
        raise ValidationError({"category_2_subtype": _("Enkel een plaats van categorie 2 heeft een type.")})


def _lock_place(place: ReceptionPlace | int) -> ReceptionPlace:
    """Lock the place row for the rest of the transaction: allocations on one place are serialised."""
    pk = place.pk if isinstance(place, ReceptionPlace) else place
    return ReceptionPlace.objects.select_for_update().get(pk=pk)


def peak_beds(*, place_id: int, start: dt.date, end: dt.date | None, exclude_pk: int | None = None) -> int:
    """The highest number of beds in use on any day of [start, end] (end None: open-ended)."""
    qs = Allocation.objects.filter(place_id=place_id).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    changes: dict[dt.date, int] = defaultdict(int)
    for a_start, a_end, size in qs.values_list("start_date", "end_date", "household_size"):
        changes[max(a_start, start)] += size
        if a_end is not None:
            changes[a_end + dt.timedelta(days=1)] -= size
    peak = running = 0
    for day in sorted(changes):
        running += changes[day]
        peak = max(peak, running)
    return peak


def _audit(actor, action, obj, changes, reason=""):
    audit_log(actor=actor, action=action, obj=obj, changes=changes, reason=reason)


# --- places -----------------------------------------------------------------------------------------


@transaction.atomic
def place_register(
    *,
    actor,
    municipality: Municipality | str,
    street: str,
    house_number: str,
    postal_code: str,
    operator: str,
    capacity: int,
    category: str,
    start_date: dt.date,
    category_2_subtype: str = "",
    end_date: dt.date | None = None,
    name: str = "",
    accessible: bool = False,
    pets_allowed: bool = False,
    notes: str = "",
    source: str = PlaceSources.OFFICER,
    is_demo: bool = False,
) -> ReceptionPlace:
    """Register a place in the actor's scope. The postal code must belong to the municipality; the
    start date is never before 14 March 2022. The place still needs validation to be available."""
    place = _new_place(
        municipality=municipality, name=name, street=street, house_number=house_number, postal_code=postal_code,
        operator=operator, capacity=capacity, category=category, category_2_subtype=category_2_subtype,
        start_date=start_date, end_date=end_date, accessible=accessible, pets_allowed=pets_allowed, notes=notes,
        source=source, is_demo=is_demo,
    )
    _clean_new_place(place, actor=actor)
    place.save()
    _audit(actor, AuditActions.CREATE, place, model_changes(place, PLACE_FIELDS + ["source"]))
    return place


def _new_place(*, municipality: Municipality | str, **fields) -> ReceptionPlace:
    """An unsaved new place from the arguments of place_register (status: registered)."""
    municipality_id = municipality.pk if isinstance(municipality, Municipality) else municipality
    return ReceptionPlace(municipality_id=municipality_id, **fields)


@dataclass(frozen=True)
class NewPlaceLookups:
    """What the rules for new places need from the database, loaded once for a whole batch."""

    municipalities: frozenset[str]  # of the batch's municipalities: those the actor may write to (actor None: existing)
    postal_codes: frozenset[tuple[str, str]]  # existing (postal code, municipality) pairs among the batch's


def new_place_lookups(*, actor, municipality_ids, postal_codes) -> NewPlaceLookups:
    """Two queries (three when the actor's roles are not cached yet), whatever the batch size. Only the
    batch's own municipalities are looked up in the scope, never the whole permitted set."""
    ids = {m for m in municipality_ids if m}
    codes = {c for c in postal_codes if c}
    if not ids:
        return NewPlaceLookups(frozenset(), frozenset())
    if actor is None:
        candidates = Municipality.objects.all()
    else:
        candidates = municipalities_for_user(actor, roles=WRITE_ROLES)
    permitted = frozenset(candidates.filter(pk__in=ids).values_list("pk", flat=True))
    pairs = frozenset()
    if permitted and codes:
        pairs = frozenset(
            PostalCode.objects.filter(code__in=codes, municipality_id__in=permitted).values_list("code", "municipality_id")
        )
    return NewPlaceLookups(permitted, pairs)


def _clean_new_place(place: ReceptionPlace, *, actor, lookups: NewPlaceLookups | None = None) -> None:
    """Every rule for a new place, for place_register and place_register_bulk alike: scope, postal code
    of the municipality, start date, period, category-2 type, then the model's own validation.

    Without ``lookups`` the scope, postal code, municipality and constraints are checked with queries.
    With ``lookups`` (a batch) nothing is queried: the scope and postal code are looked up in the
    preloaded sets, the municipality exists because it is in ``lookups.municipalities``, and the three
    check constraints have their Python twins (capacity ≥ 1: the field's validator; start date:
    _check_start; period: _check_period); the database still enforces them on insert."""
    permitted = lookups.municipalities if lookups is not None else None
    _require_scope(actor, place.municipality_id, permitted=permitted)
    _check_address(municipality_id=place.municipality_id, postal_code=place.postal_code,
                   known_pairs=lookups.postal_codes if lookups is not None else None)
    _check_start(place.start_date)
    _check_period(place.start_date, place.end_date)
    _check_subtype(place.category, place.category_2_subtype)
    if lookups is None:
        place.full_clean()
        return
    errors = {}
    if place.municipality_id not in lookups.municipalities:  # only reachable for the system actor (no scope)
        field = ReceptionPlace._meta.get_field("municipality")
        errors["municipality"] = [ValidationError(
            field.error_messages["invalid"], code="invalid",
            params={"model": Municipality._meta.verbose_name, "pk": place.municipality_id,
                    "field": "refnis", "value": place.municipality_id},
        )]
    try:
        place.full_clean(exclude={"municipality"}, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


class PlaceBatchError(ValidationError):
    """Places of a batch break a rule; nothing was written. ``errors`` maps each failing place's index
    in the batch (0-based) to its ValidationError."""

    def __init__(self, errors: dict[int, ValidationError]):
        self.errors = dict(sorted(errors.items()))
        super().__init__([
            ValidationError("%(n)s: %(messages)s", params={"n": i + 1, "messages": " ".join(e.messages)})
            for i, e in self.errors.items()
        ])


@transaction.atomic
def place_register_bulk(
    *,
    actor,
    places: Sequence[Mapping],
    source: str = PlaceSources.IMPORT,
    check_only: bool = False,
    batch_size: int = 1000,
) -> list[ReceptionPlace]:
    """Register many places at once (the bulk import) under exactly the rules of place_register.

    ``places``: one mapping per place with the keyword arguments of place_register (municipality,
    street, …). Every place is checked first, in Python, against lookups loaded once for the batch
    (scope and postal codes); if any place breaks a rule, ``PlaceBatchError`` names every failing
    index and nothing is written (all or nothing). Otherwise the places are inserted with
    ``bulk_create`` and their audit events (the same fields ``audit_log`` writes) with one more
    ``bulk_create``. Statements: the lookups (2–3), a savepoint, and ⌈n / batch_size⌉ inserts for the
    places and for the events; none per place. ``check_only``: validate, write nothing, return the
    unsaved places."""
    new = [_new_place(**fields, source=source) for fields in places]
    lookups = new_place_lookups(
        actor=actor, municipality_ids={p.municipality_id for p in new}, postal_codes={p.postal_code for p in new}
    )
    errors = {}
    for i, place in enumerate(new):
        try:
            _clean_new_place(place, actor=actor, lookups=lookups)
        except ValidationError as exc:
            errors[i] = exc
    if errors:
        raise PlaceBatchError(errors)
    if check_only or not new:
        return new
    ReceptionPlace.objects.bulk_create(new, batch_size=batch_size)
    if any(p.pk is None for p in new):  # every supported database returns the ids (PostgreSQL, SQLite ≥ 3.35)
        raise RuntimeError("bulk_create did not return the ids of the new places")
    fields = PLACE_FIELDS + ["source"]
    _audit_bulk(actor, AuditActions.CREATE, [(p, model_changes(p, fields)) for p in new], batch_size=batch_size)
    return new


def _audit_bulk(actor, action, items: list[tuple], *, batch_size: int = 1000) -> None:
    audit_log_bulk(actor=actor, action=action, items=items, batch_size=batch_size)


@transaction.atomic
def place_update(*, actor, place: ReceptionPlace, **changes) -> ReceptionPlace:
    """Change a place. Capacity never drops below the beds in use on any day; the open period keeps
    covering every allocation; a closed place is not edited."""
    unknown = set(changes) - EDITABLE_PLACE_FIELDS
    if unknown:
        raise TypeError(f"place_update does not change {sorted(unknown)}")
    place = _lock_place(place)
    _require_scope(actor, place.municipality_id)
    if place.status == PlaceStatuses.CLOSED:
        raise ValidationError(_("Een afgesloten plaats kan niet meer gewijzigd worden."))
    before = model_changes(place, PLACE_FIELDS)  # JSON-friendly values
    for field, value in changes.items():
        setattr(place, field, value)
    if place.municipality_id != before["municipality_id"]:
        _require_scope(actor, place.municipality_id)
    _check_address(municipality_id=place.municipality_id, postal_code=place.postal_code)
    _check_start(place.start_date)
    _check_subtype(place.category, place.category_2_subtype)
    in_use = peak_beds(place_id=place.pk, start=EARLIEST_START, end=None)
    if place.capacity is not None and place.capacity < in_use:
        raise ValidationError(
            {"capacity": _("De capaciteit kan niet lager dan het gebruik (%(n)s bedden).") % {"n": in_use}}
        )
    _check_period_covers_allocations(place)
    place.full_clean()
    place.save()
    _audit(actor, AuditActions.UPDATE, place, model_changes(place, PLACE_FIELDS, before))
    return place


def _check_period_covers_allocations(place: ReceptionPlace) -> None:
    allocations = place.allocations.all()
    if allocations.filter(start_date__lt=place.start_date).exists():
        raise ValidationError({"start_date": _("Er zijn toewijzingen die vóór deze startdatum beginnen.")})
    if place.end_date is not None and allocations.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=place.end_date) | Q(start_date__gt=place.end_date)
    ).exists():
        raise ValidationError({"end_date": _("Er zijn toewijzingen die na deze einddatum doorlopen; beëindig ze eerst.")})


@transaction.atomic
@transaction.atomic
def quality_check_record(
    *,
    actor,
    place: ReceptionPlace,
    checked_on: dt.date,
    inspector: str,
    no_category_3_defects: bool,
    no_critical_category_2_defects: bool,
    not_uninhabitable: bool,
    no_overcrowding: bool,
    notes: str = "",
    validate: bool = False,
) -> QualityCheck:
    """Record the housing-quality check (the four criteria of DOMAIN §4); with ``validate`` also
    validate the place, all or nothing (a refused validation leaves no check behind)."""
    _require_scope(actor, place.municipality_id)
    if checked_on > clock.today():
        raise ValidationError({"checked_on": _("De datum van de controle ligt in de toekomst.")})
    check = QualityCheck(
        place=place, checked_on=checked_on, inspector=inspector, no_category_3_defects=no_category_3_defects,
        no_critical_category_2_defects=no_critical_category_2_defects, not_uninhabitable=not_uninhabitable,
        no_overcrowding=no_overcrowding, notes=notes, recorded_by=actor,
    )
    check.full_clean()
    check.save()
    _audit(actor, AuditActions.CREATE, check, {
        "place": place.pk, "checked_on": str(checked_on), "passed": check.passed,
        "no_category_3_defects": no_category_3_defects,
        "no_critical_category_2_defects": no_critical_category_2_defects,
        "not_uninhabitable": not_uninhabitable, "no_overcrowding": no_overcrowding,
    })
    if validate:
        place_validate(actor=actor, place=place)
    return check


@transaction.atomic
def place_validate(*, actor, place: ReceptionPlace) -> ReceptionPlace:
    """Validate a registered place: its latest quality check must pass on every criterion."""
    place = _lock_place(place)
    _require_scope(actor, place.municipality_id)
    if place.status != PlaceStatuses.REGISTERED:
        raise ValidationError(_("Enkel een geregistreerde plaats kan gevalideerd worden."))
    latest = place.quality_checks.order_by("-checked_on", "-pk").first()
    if latest is None:
        raise ValidationError(_("Registreer eerst de woningkwaliteitscontrole."))
    if not latest.passed:
        raise ValidationError(_("De laatste woningkwaliteitscontrole voldoet niet aan alle criteria."))
    place.status = PlaceStatuses.VALIDATED
    place.validated_on = clock.today()
    place.validated_by = actor if getattr(actor, "is_authenticated", False) else None
    place.save(update_fields=["status", "validated_on", "validated_by", "updated_at"])
    _audit(actor, AuditActions.UPDATE, place, {"status": [PlaceStatuses.REGISTERED, PlaceStatuses.VALIDATED]})
    return place


@transaction.atomic
def place_confirm_by_agency(*, actor, place: ReceptionPlace) -> ReceptionPlace:
    """The Flemish agency (central coordination) confirms a category-2 place from 1 June 2023."""
    if actor is not None and not user_has_role(actor, Roles.HVT_COORDINATOR):
        raise ScopeError(_("Enkel de centrale coördinatie bevestigt een plaats van categorie 2."))
    place = _lock_place(place)
    if not place.needs_agency_confirmation:
        raise ValidationError(_("Deze plaats heeft geen bevestiging van het agentschap nodig."))
    if place.agency_confirmed_on is not None:
        raise ValidationError(_("Deze plaats is al bevestigd."))
    place.agency_confirmed_on = clock.today()
    place.save(update_fields=["agency_confirmed_on", "updated_at"])
    _audit(actor, AuditActions.UPDATE, place, {"agency_confirmed_on": str(place.agency_confirmed_on)})
    return place


@transaction.atomic
def place_close(*, actor, place: ReceptionPlace, end_date: dt.date, reason: str = "") -> ReceptionPlace:
    """Close a place on ``end_date`` (its last day). Allocations must have ended by then."""
    place = _lock_place(place)
    _require_scope(actor, place.municipality_id)
    if place.status == PlaceStatuses.CLOSED:
        raise ValidationError(_("Deze plaats is al afgesloten."))
    if end_date < place.start_date:
        raise ValidationError({"end_date": _("De einddatum ligt voor de startdatum van de plaats.")})
    before = {"status": place.status, "end_date": str(place.end_date) if place.end_date else None}
    place.end_date = end_date
    _check_period_covers_allocations(place)
    place.status = PlaceStatuses.CLOSED
    place.closed_on = clock.today()
    place.full_clean()
    place.save()
    _audit(actor, AuditActions.UPDATE, place, {
        "status": [before["status"], PlaceStatuses.CLOSED], "end_date": [before["end_date"], str(end_date)],
    }, reason=reason)
    return place


# --- allocations -----------------------------------------------------------------------------------


def _check_allocation_fits(place: ReceptionPlace, allocation: Allocation, *, exclude_pk: int | None = None) -> None:
    if place.status == PlaceStatuses.CLOSED:
        raise ValidationError(_("Deze plaats is afgesloten: er kan niemand meer toegewezen worden."))
    if place.status != PlaceStatuses.VALIDATED:
        raise ValidationError(_("Deze plaats is nog niet gevalideerd (woningkwaliteitscontrole)."))
    if not place.is_available:
        raise ValidationError(_("Deze plaats van categorie 2 wacht nog op de bevestiging van het agentschap."))
    if allocation.start_date < place.start_date:
        raise ValidationError({"start_date": _("De toewijzing begint voor de startdatum van de plaats.")})
    if place.end_date is not None:
        if allocation.end_date is None:
            raise ValidationError({"end_date": _("De plaats heeft een einddatum: geef een einddatum op.")})
        if allocation.end_date > place.end_date or allocation.start_date > place.end_date:
            raise ValidationError({"end_date": _("De toewijzing loopt na de einddatum van de plaats.")})
    in_use = peak_beds(place_id=place.pk, start=allocation.start_date, end=allocation.end_date, exclude_pk=exclude_pk)
    free = place.capacity - in_use
    if allocation.household_size > free:
        raise ValidationError(
            {"household_size": _("Niet genoeg vrije bedden in deze periode: %(free)s vrij, %(size)s nodig.")
             % {"free": max(free, 0), "size": allocation.household_size}}
        )


@transaction.atomic
def allocation_create(
    *,
    actor,
    place: ReceptionPlace,
    household_reference: str,
    household_size: int,
    adults: int,
    minors: int,
    start_date: dt.date,
    end_date: dt.date | None = None,
    moved_from: Allocation | None = None,
    is_demo: bool = False,
) -> Allocation:
    """Assign a household to a validated, open place. The place row is locked (SELECT … FOR
    UPDATE), so two officers allocating the last bed at once are served one after the other and
    the beds in use never exceed the capacity on any day."""
    place = _lock_place(place)
    _require_scope(actor, place.municipality_id)
    if adults + minors != household_size:
        raise ValidationError({"household_size": _("Gezinsgrootte moet gelijk zijn aan volwassenen + minderjarigen.")})
    _check_start(start_date)
    allocation = Allocation(
        place=place, household_reference=household_reference, household_size=household_size, adults=adults,
        minors=minors, start_date=start_date, end_date=end_date, moved_from=moved_from, is_demo=is_demo,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    allocation.full_clean()
    _check_allocation_fits(place, allocation)
    allocation.save()
    _audit(actor, AuditActions.CREATE, allocation, {
        "place": place.pk, "household_reference": household_reference, "household_size": household_size,
        "adults": adults, "minors": minors, "start_date": str(start_date),
        "end_date": str(end_date) if end_date else None,
    })
    return allocation


@transaction.atomic
def allocation_end(*, actor, allocation: Allocation, end_date: dt.date, reason: str = "") -> Allocation:
    """End an allocation on ``end_date`` (its last day); an end never lies before the start or
    after an end already set (extending is a new allocation, with its capacity check)."""
    place = _lock_place(allocation.place_id)
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _require_scope(actor, place.municipality_id)
    if end_date < allocation.start_date:
        raise ValidationError({"end_date": _("De einddatum ligt voor het begin van de toewijzing.")})
    if allocation.end_date is not None and end_date > allocation.end_date:
        raise ValidationError({"end_date": _("Een toewijzing kan hier niet verlengd worden.")})
    before = str(allocation.end_date) if allocation.end_date else None
    allocation.end_date = end_date
    allocation.end_reason = reason[:200]
    allocation.full_clean()
    allocation.save(update_fields=["end_date", "end_reason"])
    _audit(actor, AuditActions.UPDATE, allocation, {"end_date": [before, str(end_date)]}, reason=reason)
    return allocation


@transaction.atomic
def allocation_move(*, actor, allocation: Allocation, to_place: ReceptionPlace, move_date: dt.date) -> Allocation:
    """Move a household: the allocation ends the day before ``move_date`` and a new one in
    ``to_place`` starts on it, until the old end date. Both places are locked in id order."""
    if to_place.pk == allocation.place_id:
        raise ValidationError({"to_place": _("Kies een andere plaats.")})
    for pk in sorted([allocation.place_id, to_place.pk]):
        _lock_place(pk)
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _require_scope(actor, allocation.place.municipality_id)
    if move_date <= allocation.start_date:
        raise ValidationError({"move_date": _("De verhuisdatum ligt na het begin van de toewijzing.")})
    if allocation.end_date is not None and move_date > allocation.end_date:
        raise ValidationError({"move_date": _("De toewijzing is dan al beëindigd.")})
    old_end = allocation.end_date
    allocation_end(actor=actor, allocation=allocation, end_date=move_date - dt.timedelta(days=1), reason=_("verhuisd"))
    return allocation_create(
        actor=actor, place=to_place, household_reference=allocation.household_reference,
        household_size=allocation.household_size, adults=allocation.adults, minors=allocation.minors,
        start_date=move_date, end_date=old_end, moved_from=allocation,
    )


# --- portal offers ---------------------------------------------------------------------------------


@transaction.atomic
def offer_submit(
    *,
    actor,
    municipality: Municipality | str,
    street: str,
    house_number: str,
    postal_code: str,
    operator: str,
    capacity: int,
    available_from: dt.date,
    category: str = PlaceCategories.CAT1_PRIVATE,
    category_2_subtype: str = "",
    available_until: dt.date | None = None,
    accessible: bool = False,
    pets_allowed: bool = False,
    notes: str = "",
) -> PlaceOffer:
    """A portal user offers a place; it lands in the validation queue of the address's municipality."""
    if not user_has_role(actor, Roles.PORTAL_USER):
        raise ScopeError(_("Enkel een portaalgebruiker kan een plaats aanbieden."))
    municipality_id = municipality.pk if isinstance(municipality, Municipality) else municipality
    _check_address(municipality_id=municipality_id, postal_code=postal_code)
    _check_start(available_from, field="available_from")
    _check_subtype(category, category_2_subtype)
    offer = PlaceOffer(
        municipality_id=municipality_id, offered_by=actor, street=street, house_number=house_number,
        postal_code=postal_code, operator=operator, capacity=capacity, category=category,
        category_2_subtype=category_2_subtype, available_from=available_from, available_until=available_until,
        accessible=accessible, pets_allowed=pets_allowed, notes=notes,
    )
    offer.full_clean()
    if available_until is not None and available_until < available_from:
        raise ValidationError({"available_until": _("De einddatum ligt voor de begindatum.")})
    offer.save()
    _audit(actor, AuditActions.CREATE, offer, {"municipality": municipality_id, "capacity": capacity, "category": category})
    return offer


@transaction.atomic
def offer_validate(*, actor, offer: PlaceOffer, **quality_check) -> ReceptionPlace:
    """The municipality validates an offer: the place is created, its quality check recorded and
    the place validated, all or nothing."""
    offer = PlaceOffer.objects.select_for_update().get(pk=offer.pk)
    _require_scope(actor, offer.municipality_id)
    if offer.status != OfferStatuses.OFFERED:
        raise ValidationError(_("Over dit aanbod is al beslist."))
    place = place_register(
        actor=actor, municipality=offer.municipality_id, street=offer.street, house_number=offer.house_number,
        postal_code=offer.postal_code, operator=offer.operator, capacity=offer.capacity, category=offer.category,
        category_2_subtype=offer.category_2_subtype, start_date=offer.available_from, end_date=offer.available_until,
        accessible=offer.accessible, pets_allowed=offer.pets_allowed, notes=offer.notes, source=PlaceSources.PORTAL,
    )
    quality_check_record(actor=actor, place=place, **quality_check)
    place = place_validate(actor=actor, place=place)
    offer.status = OfferStatuses.VALIDATED
    offer.place = place
    offer.decided_by = actor
    offer.decided_at = clock.now()
    offer.save(update_fields=["status", "place", "decided_by", "decided_at"])
    _audit(actor, AuditActions.UPDATE, offer, {"status": [OfferStatuses.OFFERED, OfferStatuses.VALIDATED], "place": place.pk})
    return place


@transaction.atomic
def offer_reject(*, actor, offer: PlaceOffer, reason: str) -> PlaceOffer:
    offer = PlaceOffer.objects.select_for_update().get(pk=offer.pk)
    _require_scope(actor, offer.municipality_id)
    if offer.status != OfferStatuses.OFFERED:
        raise ValidationError(_("Over dit aanbod is al beslist."))
    if not reason.strip():
        raise ValidationError({"reason": _("Geef de reden van de afwijzing.")})
    offer.status = OfferStatuses.REJECTED
    offer.rejection_reason = reason.strip()[:500]
    offer.decided_by = actor
    offer.decided_at = clock.now()
    offer.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at"])
    _audit(actor, AuditActions.UPDATE, offer, {"status": [OfferStatuses.OFFERED, OfferStatuses.REJECTED]}, reason=reason[:255])
    return offer


# --- targets ---------------------------------------------------------------------------------------


def largest_remainder(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Spread ``total`` over the keys in proportion to the weights, in integers that add up to
    ``total`` exactly: everyone gets the floor of their quota, the units left go to the largest
    remainders (ties: larger weight, then key). Integer arithmetic only, no float rounding."""
    weight_sum = sum(weights.values())
    if total < 0:
        raise ValueError("total must not be negative")
    if weight_sum <= 0:
        if total == 0:
            return dict.fromkeys(weights, 0)
        raise ValueError("no weights to distribute over")
    shares = {key: total * w // weight_sum for key, w in weights.items()}
    remainders = {key: total * w % weight_sum for key, w in weights.items()}
    left = total - sum(shares.values())
    for key in sorted(weights, key=lambda k: (-remainders[k], -weights[k], k))[:left]:
        shares[key] += 1
    return shares


def _require_coordinator(actor) -> None:
    if actor is not None and not user_has_role(actor, Roles.HVT_COORDINATOR):
        raise ScopeError(_("Enkel de centrale coördinatie stelt de objectieven vast."))


def _assign(round_: TargetRound, rows: list[MunicipalityTarget]) -> None:
    fixed = sum(r.override for r in rows if r.override is not None)
    if fixed > round_.total:
        raise ValidationError(
            _("De aanpassingen (%(fixed)s) zijn groter dan het totaal (%(total)s).") % {"fixed": fixed, "total": round_.total}
        )
    free = {r.municipality_id: r.population for r in rows if r.override is None}
    spread = largest_remainder(round_.total - fixed, free) if free else {}
    if not free and fixed != round_.total:
        raise ValidationError(_("Alle gemeenten zijn aangepast maar de som is niet het totaal."))
    for r in rows:
        r.assigned = r.override if r.override is not None else spread[r.municipality_id]


@transaction.atomic
def target_round_create(
    *, actor, total: int, effective_on: dt.date, note: str = "", keep_overrides: bool = True
) -> TargetRound:
    """Spread a Flemish total over the municipalities by population (largest remainder). The
    overrides of the latest round carry over unless ``keep_overrides`` is False; the others share
    what is left. Earlier rounds stay (history)."""
    _require_coordinator(actor)
    municipalities = list(municipality_population_latest().values_list("pk", "population", "population_year"))
    population = {pk: pop or 0 for pk, pop, _year in municipalities}
    if not any(population.values()):
        raise ValidationError(_("Er zijn geen bevolkingscijfers: importeer ze eerst."))
    years = {year for _pk, _pop, year in municipalities if year}
    previous = TargetRound.objects.order_by("-effective_on", "-pk").first()
    overrides = {}
    if keep_overrides and previous is not None:
        overrides = {
            t.municipality_id: (t.override, t.override_reason)
            for t in previous.municipality_targets.filter(override__isnull=False)
        }
    round_ = TargetRound(total=total, effective_on=effective_on, note=note, population_year=max(years) if years else None,
                         created_by=actor if getattr(actor, "is_authenticated", False) else None)
    round_.full_clean()
    round_.save()
    computed = largest_remainder(total, population)
    rows = [
        MunicipalityTarget(
            round=round_, municipality_id=pk, population=population[pk], computed=computed[pk],
            override=overrides.get(pk, (None, ""))[0], override_reason=overrides.get(pk, (None, ""))[1], assigned=0,
        )
        for pk in sorted(population)
    ]
    _assign(round_, rows)
    MunicipalityTarget.objects.bulk_create(rows)
    _audit(actor, AuditActions.CREATE, round_, {
        "total": total, "effective_on": str(effective_on), "overrides": {k: v[0] for k, v in overrides.items()},
    })
    return round_


@transaction.atomic
def target_override_set(*, actor, target: MunicipalityTarget, value: int | None, reason: str = "") -> MunicipalityTarget:
    """Override (or, with None, reset) one municipality's target; the others share the rest, so the
    round still adds up to its total."""
    _require_coordinator(actor)
    round_ = TargetRound.objects.select_for_update().get(pk=target.round_id)
    rows = list(round_.municipality_targets.select_for_update().order_by("municipality_id"))
    row = next(r for r in rows if r.pk == target.pk)
    if value is not None and value < 0:
        raise ValidationError({"override": _("Een objectief is nooit negatief.")})
    before = row.override
    row.override = value
    row.override_reason = reason[:300] if value is not None else ""
    _assign(round_, rows)
    MunicipalityTarget.objects.bulk_update(rows, ["override", "override_reason", "assigned"])
    _audit(actor, AuditActions.UPDATE, row, {"override": [before, value]}, reason=reason[:255])
    return row


# --- steering notes --------------------------------------------------------------------------------


@transaction.atomic
def steering_note_create(*, actor, municipality: Municipality | str, text: str) -> SteeringNote:
    municipality_id = municipality.pk if isinstance(municipality, Municipality) else municipality
    _require_scope(actor, municipality_id, roles=NOTE_ROLES)
    note = SteeringNote(municipality_id=municipality_id, text=text.strip(), author=actor)
    note.full_clean()
    note.save()
    _audit(actor, AuditActions.CREATE, note, {"municipality": municipality_id, "length": len(note.text)})
    return note


# --- snapshots -------------------------------------------------------------------------------------


def _open_on(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def _available_q(prefix: str = "") -> Q:
    """Ever validated and, for a category-2 place from 1 June 2023, confirmed by the agency."""
    return Q(**{f"{prefix}validated_on__isnull": False}) & ~Q(
        **{f"{prefix}category": PlaceCategories.CAT2, f"{prefix}start_date__gte": CATEGORY_2_CONFIRMATION_FROM,
           f"{prefix}agency_confirmed_on__isnull": True}
    )


@transaction.atomic
def snapshot_take(*, day: dt.date) -> int:
    """Store capacity, available, occupied and free beds per municipality × category for ``day``.
    Idempotent: the day's rows are replaced. Three queries whatever the data size."""
    places = (
        ReceptionPlace.objects.filter(_open_on(day))
        .values("municipality_id", "category")
        .annotate(
            capacity_sum=Sum("capacity"),
            available_sum=Sum(Case(When(_available_q(), then="capacity"), default=0, output_field=IntegerField())),
        )
    )
    occupied = (
        Allocation.objects.filter(_open_on(day))
        .values("place__municipality_id", "place__category")
        .annotate(beds=Sum("household_size"))
    )
    occ = {(r["place__municipality_id"], r["place__category"]): r["beds"] for r in occupied}
    rows = []
    for r in places:
        key = (r["municipality_id"], r["category"])
        used = occ.get(key, 0) or 0
        available = r["available_sum"] or 0
        rows.append(CapacitySnapshot(
            date=day, municipality_id=key[0], category=key[1], capacity=r["capacity_sum"] or 0,
            available=available, occupied=used, free=max(available - used, 0),
        ))
    CapacitySnapshot.objects.filter(date=day).delete()
    CapacitySnapshot.objects.bulk_create(rows)
    return len(rows)
