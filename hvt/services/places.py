"""Places: registration (one and in bulk), changes, the housing-quality check, validation, the
agency's confirmation of category 2 and closing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.constants import Roles
from accounts.selectors import municipalities_for_user, user_has_role
from audit.constants import AuditActions
from audit.services import audit_log_bulk, model_changes
from core import clock
from geo.models import Municipality, PostalCode
from hvt.constants import (
    EARLIEST_START,
    MAX_PLACE_CAPACITY,
    WRITE_ROLES,
    PlaceSources,
    PlaceStatuses,
)
from hvt.models import (
    PlacePeriod,
    QualityCheck,
    ReceptionPlace,
)
from hvt.periods import PERIOD_FACTS, period_first, period_first_create, periods_correct
from hvt.services.common import (
    EDITABLE_PLACE_FIELDS,
    PLACE_FIELDS,
    ScopeError,
    _audit,
    _check_address,
    _check_at_most,
    _check_period,
    _check_start,
    _check_subtype,
    _lock_place,
    _require_scope,
    errors_together,
    peak_beds,
)


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
        municipality=municipality,
        name=name,
        street=street,
        house_number=house_number,
        postal_code=postal_code,
        operator=operator,
        capacity=capacity,
        category=category,
        category_2_subtype=category_2_subtype,
        start_date=start_date,
        end_date=end_date,
        accessible=accessible,
        pets_allowed=pets_allowed,
        notes=notes,
        source=source,
        is_demo=is_demo,
    )
    _clean_new_place(place, actor=actor)
    place.save()
    period_first_create(place)
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
            PostalCode.objects.filter(code__in=codes, municipality_id__in=permitted).values_list(
                "code", "municipality_id"
            )
        )
    return NewPlaceLookups(permitted, pairs)


def place_input_check(*, municipality_id, postal_code, start_date, end_date, category, category_2_subtype) -> None:
    """The rules between a place's fields (postal code of the municipality, start date, period,
    category-2 type), all at once: what a form can check even while other fields are still wrong."""
    errors_together(
        lambda: _check_address(municipality_id=municipality_id, postal_code=postal_code),
        lambda: _check_start(start_date),
        lambda: _check_period(start_date, end_date),
        lambda: _check_subtype(category, category_2_subtype),
    )


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
    rules = (
        lambda: _check_address(municipality_id=place.municipality_id, postal_code=place.postal_code,
                               known_pairs=lookups.postal_codes if lookups is not None else None),
        lambda: _check_start(place.start_date),
        lambda: _check_period(place.start_date, place.end_date),
        lambda: _check_subtype(place.category, place.category_2_subtype),
        lambda: _check_at_most(place.capacity, MAX_PLACE_CAPACITY, "capacity"),
    )
    if lookups is None:
        # Every rule at once; the check constraints' Python twins above say it per field (the
        # database still enforces the constraints).
        errors_together(*rules, lambda: place.full_clean(validate_constraints=False))
        return
    errors = {}
    try:
        errors_together(*rules)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if place.municipality_id not in lookups.municipalities:  # only reachable for the system actor (no scope)
        field = ReceptionPlace._meta.get_field("municipality")
        errors["municipality"] = [
            ValidationError(
                field.error_messages["invalid"],
                code="invalid",
                params={
                    "model": Municipality._meta.verbose_name,
                    "pk": place.municipality_id,
                    "field": "refnis",
                    "value": place.municipality_id,
                },
            )
        ]
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
        super().__init__(
            [
                ValidationError("%(n)s: %(messages)s", params={"n": i + 1, "messages": " ".join(e.messages)})
                for i, e in self.errors.items()
            ]
        )


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
    PlacePeriod.objects.bulk_create([period_first(p) for p in new], batch_size=batch_size)
    fields = PLACE_FIELDS + ["source"]
    audit_log_bulk(
        actor=actor,
        action=AuditActions.CREATE,
        items=[(p, model_changes(p, fields)) for p in new],
        batch_size=batch_size,
    )
    return new


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
    _check_at_most(place.capacity, MAX_PLACE_CAPACITY, "capacity")
    in_use = peak_beds(place_id=place.pk, start=EARLIEST_START, end=None)
    if place.capacity is not None and place.capacity < in_use:
        raise ValidationError(
            {"capacity": _("De capaciteit kan niet lager dan het gebruik (%(n)s bedden).") % {"n": in_use}}
        )
    _check_period_covers_allocations(place)
    place.full_clean()
    place.save()
    periods_correct(place, {f: getattr(place, f) for f in PERIOD_FACTS if f in changes})
    _audit(actor, AuditActions.UPDATE, place, model_changes(place, PLACE_FIELDS, before))
    return place


def _check_period_covers_allocations(place: ReceptionPlace) -> None:
    allocations = place.allocations.all()
    if allocations.filter(start_date__lt=place.start_date).exists():
        raise ValidationError({"start_date": _("Er zijn toewijzingen die vóór deze startdatum beginnen.")})
    if (
        place.end_date is not None
        and allocations.filter(
            Q(end_date__isnull=True) | Q(end_date__gt=place.end_date) | Q(start_date__gt=place.end_date)
        ).exists()
    ):
        raise ValidationError(
            {"end_date": _("Er zijn toewijzingen die na deze einddatum doorlopen; beëindig ze eerst.")}
        )


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
        place=place,
        checked_on=checked_on,
        inspector=inspector,
        no_category_3_defects=no_category_3_defects,
        no_critical_category_2_defects=no_critical_category_2_defects,
        not_uninhabitable=not_uninhabitable,
        no_overcrowding=no_overcrowding,
        notes=notes,
        recorded_by=actor,
    )
    check.full_clean()
    check.save()
    _audit(
        actor,
        AuditActions.CREATE,
        check,
        {
            "place": place.pk,
            "checked_on": str(checked_on),
            "passed": check.passed,
            "no_category_3_defects": no_category_3_defects,
            "no_critical_category_2_defects": no_critical_category_2_defects,
            "not_uninhabitable": not_uninhabitable,
            "no_overcrowding": no_overcrowding,
        },
    )
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
    periods_correct(place, {"end_date": end_date})
    _audit(
        actor,
        AuditActions.UPDATE,
        place,
        {
            "status": [before["status"], PlaceStatuses.CLOSED],
            "end_date": [before["end_date"], str(end_date)],
        },
        reason=reason,
    )
    return place


# --- allocations -----------------------------------------------------------------------------------
