"""Portal offers: submitted by a portal user, validated into a place or rejected by the municipality."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.constants import Roles
from accounts.selectors import user_has_role
from audit.constants import AuditActions
from core import clock
from geo.models import Municipality
from hvt.constants import (
    MAX_OFFER_CAPACITY,
    OfferStatuses,
    PlaceCategories,
    PlaceSources,
)
from hvt.models import (
    PlaceOffer,
    ReceptionPlace,
)
from hvt.services.common import (
    ScopeError,
    _audit,
    _check_address,
    _check_at_most,
    _check_start,
    _check_subtype,
    _require_scope,
    municipality_of_postal_code,
)
from hvt.services.places import place_register, place_validate, quality_check_record

# --- portal offers ---------------------------------------------------------------------------------


@transaction.atomic
def offer_submit(
    *,
    actor,
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
    municipality: Municipality | str | None = None,
) -> PlaceOffer:
    """A portal user offers a place; it lands in the validation queue of the address's municipality.
    Without ``municipality`` it is the one municipality of the postal code (refused when the code is
    not in Flanders or is shared by several municipalities: then the user chooses)."""
    if not user_has_role(actor, Roles.PORTAL_USER):
        raise ScopeError(_("Enkel een portaalgebruiker kan een plaats aanbieden."))
    municipality_id = municipality.pk if isinstance(municipality, Municipality) else municipality
    if not municipality_id:
        municipality_id = municipality_of_postal_code(postal_code)
    _check_at_most(capacity, MAX_OFFER_CAPACITY, "capacity")
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
