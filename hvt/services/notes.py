"""Steering notes on a municipality."""

from __future__ import annotations

from django.db import transaction

from audit.constants import AuditActions
from geo.models import Municipality
from hvt.constants import (
    NOTE_ROLES,
)
from hvt.models import (
    SteeringNote,
)
from hvt.services.common import (
    _audit,
    _require_scope,
)


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
