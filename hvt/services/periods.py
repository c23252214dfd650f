"""Changes of a place's facts *from day D* (effective-dated, docs/SUBSIDY.md)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.constants import AuditActions
from hvt.constants import EARLIEST_START, PlaceCategories
from hvt.models import ReceptionPlace
from hvt.periods import PERIOD_FACTS, _ensure_periods, periods_apply, periods_sync_place_fields
from hvt.services.common import _audit, _check_start, _check_subtype, _require_scope, peak_beds


@transaction.atomic
def place_change(*, place: ReceptionPlace, effective_from: dt.date, actor, reason: str = "", **facts) -> ReceptionPlace:
    """Change capacity, category, subtype or dates of a place from day D (``effective_from``): the
    days before D keep their facts; a D in the past is a back-dated correction (the next tranche
    pays a catch-up or recovers). The place's own fields become the facts in force today. Capacity
    never drops below the beds in use from D. Audited with D."""
    unknown = set(facts) - set(PERIOD_FACTS)
    if unknown:
        raise TypeError(f"place_change does not change {sorted(unknown)}")
    place = ReceptionPlace.objects.select_for_update().get(pk=place.pk)
    _require_scope(actor, place.municipality_id)
    if not facts:
        raise ValidationError(_("Geef minstens één gegeven op dat wijzigt."))
    if effective_from < EARLIEST_START:
        raise ValidationError({"effective_from": _("Een wijziging geldt nooit vóór 14 maart 2022.")})
    if "start_date" in facts:
        _check_start(facts["start_date"])
    if "category" in facts and facts["category"] != PlaceCategories.CAT2 and "category_2_subtype" not in facts:
        facts["category_2_subtype"] = ""
    for period in _ensure_periods(place):
        if period.valid_until is not None and period.valid_until < effective_from:
            continue
        _check_subtype(facts.get("category", period.category), facts.get("category_2_subtype", period.category_2_subtype))
        start, end = facts.get("start_date", period.start_date), facts.get("end_date", period.end_date)
        if end is not None and end < start:
            raise ValidationError({"end_date": _("De einddatum ligt voor de startdatum van de plaats.")})
    if "capacity" in facts:
        in_use = peak_beds(place_id=place.pk, start=effective_from, end=None)
        if facts["capacity"] < in_use:
            raise ValidationError(
                {"capacity": _("De capaciteit kan niet lager dan het gebruik (%(n)s bedden).") % {"n": in_use}}
            )
    before = {f: getattr(place, f) for f in facts}
    periods_apply(place, effective_from=effective_from, facts=facts)
    changed = periods_sync_place_fields(place)
    if changed:
        place.full_clean()
        place.save(update_fields=[*changed, "updated_at"])
    _audit(actor, AuditActions.UPDATE, place, {
        "effective_from": str(effective_from),
        **{f: [None if before[f] is None else str(before[f]), None if v is None else str(v)] for f, v in facts.items()},
    }, reason=reason)
    return place
