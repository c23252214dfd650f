"""The national register: audited lookups for a legal purpose, a person's check against the
register (moves and deaths flagged for the case manager), and the scheduled sync."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from crt import crypto
from crt.constants import CTX_NUMBER, LookupPurposes, RegisterFlags
from crt.models import Dossier, Person
from crt.national_register import NationalRegisterError, get_adapter
from crt.numbers import parse_person_number
from crt.services.addresses import address_move
from crt.services.common import DB, SYSTEM_USERNAME


def national_register_lookup(*, actor, number: str, purpose: str, dossier: Dossier | None = None):
    """Ask the national register about a number for a recorded legal purpose (an audited lookup).

    Raises ValidationError on a bad ``number`` or ``purpose`` (keyed by those names; nothing is
    asked then), PersonNotFound / NationalRegisterError when the register does not answer.
    """
    errors: dict[str, list] = {}
    if purpose not in LookupPurposes.values:
        errors["purpose"] = [_("Kies het wettelijk doel van de opzoeking.")]
    try:
        parsed = parse_person_number(number)
    except ValidationError as exc:
        errors["number"] = exc.messages
    if errors:
        raise ValidationError(errors)
    outcome = "found"
    try:
        record = get_adapter().lookup(parsed, purpose=purpose)
    except NationalRegisterError as exc:
        outcome = type(exc).__name__
        raise
    finally:
        audit_log(
            actor=actor, action=AuditActions.LOOKUP, database=DB, reason=LookupPurposes(purpose).label,
            obj=dossier, object_type="" if dossier else "crt.nationalregister",
            object_repr=dossier.number if dossier else _("opzoeking rijksregister"),
            changes={"purpose": purpose, "outcome": outcome, "number_kind": parsed.kind},
            username="" if actor else SYSTEM_USERNAME,
        )
    return record


def person_register_check(*, actor, dossier: Dossier, purpose: str) -> str:
    """Compare a person with the register: refresh the address and flag a move or a death.

    Returns the flag set ("" when nothing changed). The case manager sees the flag on the dossier.
    """
    person = dossier.person
    number = crypto.decrypt(person.national_number_enc, context=CTX_NUMBER)
    record = national_register_lookup(actor=actor, number=number, purpose=purpose, dossier=dossier)
    now = clock.now()
    flag = ""
    changes: dict = {}
    with transaction.atomic(using=DB):
        person = Person.objects.using(DB).select_for_update().get(pk=person.pk)
        if record.deceased_on and person.register_flag != RegisterFlags.DECEASED:
            flag = RegisterFlags.DECEASED
            changes["deceased_on"] = record.deceased_on.isoformat()
        elif not record.deceased_on and record.municipality_refnis and (
            record.municipality_refnis != person.municipality_refnis
            or record.street.strip().lower() != person.street.strip().lower()
        ):
            flag = RegisterFlags.MOVED
            changes["municipality"] = [person.municipality_refnis, record.municipality_refnis]
            person.street, person.postal_code = record.street, record.postal_code
            person.municipality_refnis = record.municipality_refnis
            # The register gives no move date: the move counts from the day it is detected.
            address_move(person=person, municipality_refnis=record.municipality_refnis, moved_on=clock.today())
        person.register_checked_at = now
        fields = ["register_checked_at", "street", "postal_code", "municipality_refnis"]
        if flag:
            person.register_flag, person.register_flag_at = flag, now
            fields += ["register_flag", "register_flag_at"]
        person.save(using=DB, update_fields=fields)
        if flag:
            audit_log(actor=actor, action=AuditActions.UPDATE, obj=dossier, database=DB,
                      reason=_("Signaal rijksregister"), changes={"register_flag": flag, **changes})
    return flag


def register_flag_clear(*, actor, dossier: Dossier) -> None:
    """The case manager has handled the register's signal."""
    with transaction.atomic(using=DB):
        person = dossier.person
        before = person.register_flag
        person.register_flag = ""
        person.save(using=DB, update_fields=["register_flag"])
        audit_log(actor=actor, action=AuditActions.UPDATE, obj=dossier, database=DB,
                  changes={"register_flag": [before, ""]})


def national_register_sync(*, max_age_days: int = 7, limit: int = 1000) -> dict[str, int]:
    """Check active persons not checked for ``max_age_days`` against the register (scheduled).

    Idempotent and resumable: each person is committed on its own, so a run that stops half-way
    is completed by the next.
    """
    cutoff = clock.now() - dt.timedelta(days=max_age_days)
    due = (
        Dossier.objects.using(DB).select_related("person")
        .filter(ended_on__isnull=True, anonymised_at__isnull=True)
        .filter(models.Q(person__register_checked_at__isnull=True) | models.Q(person__register_checked_at__lt=cutoff))
        .exclude(person__national_number_enc="")
        .order_by("person__register_checked_at", "pk")[:limit]
    )
    counts = {"checked": 0, "moved": 0, "deceased": 0, "errors": 0}
    for dossier in due:
        try:
            flag = person_register_check(actor=None, dossier=dossier, purpose=LookupPurposes.SYNC)
        except NationalRegisterError:
            counts["errors"] += 1
            continue
        counts["checked"] += 1
        if flag:
            counts[flag] += 1
    return counts
