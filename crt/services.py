"""Writes on CRT persons, households, dossiers, referrals and transfers.

Every service validates (``full_clean``), runs in ``transaction.atomic(using="crt")`` and writes an
audit event to the CRT's own trail. The national register number never leaves this module in
plain text except to the user who opened the identity block.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from crt import crypto
from crt.constants import (
    DUPLICATE_NUMBER_REASON,
    ENDING_STATUSES,
    DossierStatuses,
    HouseholdRoles,
    ReadPurposes,
    ReferralOutcomes,
)
from crt.models import AddressPeriod, Dossier, Household, Organisation, Person, Referral, StatusChange, Transfer
from crt.numbers import parse_person_number
from crt.selectors import duplicate_candidates, municipality_exists, person_reads_log, postal_code_matches

DB = "crt"
SYSTEM_USERNAME = "systeem (CRT)"

# Associated data per encrypted column (crt.crypto binds a token to its field).
CTX_NUMBER = "crt.person.national_number"
CTX_PHONE = "crt.person.phone"
CTX_EMAIL = "crt.person.email"
CTX_STATUS_NOTE = "crt.statuschange.note"
CTX_REFERRAL_NOTE = "crt.referral.note"
CTX_OUTCOME_NOTE = "crt.referral.outcome_note"

# (model, encrypted field, context): everything ``crt_keys_rotate`` re-encrypts.
ENCRYPTED_FIELDS = [
    (Person, "national_number_enc", CTX_NUMBER),
    (Person, "phone_enc", CTX_PHONE),
    (Person, "email_enc", CTX_EMAIL),
    (StatusChange, "note_enc", CTX_STATUS_NOTE),
    (Referral, "note_enc", CTX_REFERRAL_NOTE),
    (Referral, "outcome_note_enc", CTX_OUTCOME_NOTE),
]


@dataclass
class PersonInput:
    first_name: str
    last_name: str
    birth_date: dt.date
    sex: str
    national_number: str
    municipality_refnis: str
    nationality: str = "UA"
    phone: str = ""
    email: str = ""
    street: str = ""
    postal_code: str = ""
    certificate_number: str = ""
    certificate_valid_from: dt.date | None = None
    certificate_valid_until: dt.date | None = None
    languages: str = ""
    extra: dict = field(default_factory=dict)


class PossibleDuplicate(Exception):
    """Raised before saving when a person with the same number, or names and birth date, exists."""

    def __init__(self, candidates):
        super().__init__("possible duplicate")
        self.candidates = candidates


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, ""
    return actor.pk, actor.get_username()


def person_input_validate(data: PersonInput):
    """The rules of a person's registration; a ValidationError per field, in Dutch. Returns the parsed number."""
    errors: dict[str, list] = {}
    number = None
    try:
        number = parse_person_number(data.national_number)
    except ValidationError as exc:
        errors["national_number"] = exc.messages
    today = clock.today()
    if data.birth_date and data.birth_date > today:
        errors.setdefault("birth_date", []).append(_("De geboortedatum ligt in de toekomst."))
    elif number is not None and number.birth_date and data.birth_date and number.birth_date != data.birth_date:
        errors.setdefault("birth_date", []).append(
            _("De geboortedatum komt niet overeen met het rijksregister- of BIS-nummer.")
        )
    if not municipality_exists(data.municipality_refnis):
        errors["municipality_refnis"] = [_("Onbekende gemeente: kies een Vlaamse gemeente (NIS-code).")]
    elif data.postal_code and not postal_code_matches(data.postal_code, data.municipality_refnis):
        errors["postal_code"] = [_("Deze postcode hoort niet bij de gekozen gemeente.")]
    start, end = data.certificate_valid_from, data.certificate_valid_until
    if start and end and end < start:
        errors["certificate_valid_until"] = [_("Het attest kan niet eindigen voor het begint.")]
    if (start or end) and not data.certificate_number:
        errors["certificate_number"] = [_("Vul het nummer van het attest tijdelijke bescherming in.")]
    if errors:
        raise ValidationError(errors)
    return number


# --- address history (municipality and dates only: the guidance-subsidy count) -------------------

def _address_period_current(person_id: int) -> AddressPeriod | None:
    return (AddressPeriod.objects.using(DB).select_for_update()
            .filter(person_id=person_id, valid_to__isnull=True).first())


def address_move(*, person: Person, municipality_refnis: str, moved_on: dt.date) -> None:
    """A real move: close the open period the day of the move and open one in the new municipality.

    Nothing happens when the municipality does not change (a move within it does not change any
    count). A move dated on or before the open period's start replaces that period's
    municipality (no empty period). Call inside a ``transaction.atomic(using="crt")``.
    """
    current = _address_period_current(person.pk)
    if current is not None and current.municipality_refnis == municipality_refnis:
        return
    if current is not None and moved_on <= current.valid_from:
        current.municipality_refnis = municipality_refnis
        current.save(using=DB, update_fields=["municipality_refnis"])
        return
    if current is not None:
        current.valid_to = moved_on
        current.save(using=DB, update_fields=["valid_to"])
    AddressPeriod.objects.using(DB).create(person=person, municipality_refnis=municipality_refnis, valid_from=moved_on)


def address_correct(*, person: Person, municipality_refnis: str, default_from: dt.date) -> None:
    """A correction (a typo, a wrong municipality chosen): the open period gets the right
    municipality from its start, so counts for dates in that period change with it. Real moves
    come from the national register (``person_register_check``). Call inside a transaction."""
    current = _address_period_current(person.pk)
    if current is None:
        AddressPeriod.objects.using(DB).create(person=person, municipality_refnis=municipality_refnis,
                                               valid_from=default_from)
    elif current.municipality_refnis != municipality_refnis:
        current.municipality_refnis = municipality_refnis
        current.save(using=DB, update_fields=["municipality_refnis"])


def person_register(
    *,
    actor,
    organisation: Organisation,
    data: PersonInput,
    household_of: Dossier | None = None,
    household_role: str = HouseholdRoles.HEAD,
    confirm_duplicate: bool = False,
    opened_on: dt.date | None = None,
) -> Dossier:
    """Register a person with a household and open a dossier at ``organisation``.

    Stores nothing on bad input. A possible duplicate (same number anywhere in the CRT, or same
    names and birth date) stops the registration unless the user confirmed it.
    """
    number = person_input_validate(data)
    index = crypto.blind_index(number.value)
    if not confirm_duplicate:
        candidates = duplicate_candidates(
            number_index=index, first_name=data.first_name, last_name=data.last_name, birth_date=data.birth_date
        )
        if candidates:
            # The warning tells whether a person exists (also at another organisation): a read
            # the auditor must be able to see, naming the persons. The same number found confirms
            # an identity: then it is a reveal-type event.
            same_number = any(c.national_number_index == index for c in candidates)
            person_reads_log(
                user=actor, person_ids=[c.pk for c in candidates], purpose=ReadPurposes.DUPLICATE_CHECK,
                action=AuditActions.VIEW if same_number else AuditActions.LOOKUP, object_type="crt.duplicatecheck",
                object_repr=_("mogelijke dubbele registratie getoond"),
                reason=DUPLICATE_NUMBER_REASON if same_number else "",
                changes={"candidates": [c.dossier.number for c in candidates if hasattr(c, "dossier")],
                         "organisation": organisation.code, **({"identity_revealed": True} if same_number else {})},
            )
            raise PossibleDuplicate(candidates)
    if household_of is not None and household_of.organisation_id != organisation.pk:
        raise ValidationError({"household_dossier": [_("Dit gezin hoort bij een andere organisatie.")]})
    actor_id, actor_name = _actor_fields(actor)
    now = clock.now()
    with transaction.atomic(using=DB):
        if household_of is not None:
            household = household_of.person.household
        else:
            household = Household(reference=f"TMP-{uuid.uuid4().hex[:16]}", organisation=organisation, created_at=now)
            household.full_clean()
            household.save(using=DB)
            household.reference = f"GZ-{household.pk:06d}"
            household.save(using=DB, update_fields=["reference"])
        person = Person(
            first_name=data.first_name.strip(),
            last_name=data.last_name.strip(),
            birth_date=data.birth_date,
            sex=data.sex,
            nationality=(data.nationality or "UA").upper(),
            number_kind=number.kind,
            national_number_enc=crypto.encrypt(number.value, context=CTX_NUMBER),
            national_number_index=index,
            phone_enc=crypto.encrypt(data.phone.strip(), context=CTX_PHONE),
            email_enc=crypto.encrypt(data.email.strip(), context=CTX_EMAIL),
            street=data.street.strip(),
            postal_code=data.postal_code.strip(),
            municipality_refnis=data.municipality_refnis,
            certificate_number=data.certificate_number.strip(),
            certificate_valid_from=data.certificate_valid_from,
            certificate_valid_until=data.certificate_valid_until,
            languages=data.languages.strip(),
            household=household,
            household_role=household_role,
            registered_at=now,
            registered_by_id=actor_id,
        )
        person.full_clean()
        person.save(using=DB)
        dossier = Dossier(
            number=f"TMP-{person.pk}",
            person=person,
            organisation=organisation,
            case_manager_id=actor_id,
            case_manager_username=actor_name,
            status=DossierStatuses.REGISTERED,
            opened_on=opened_on or clock.today(),
        )
        dossier.full_clean()
        dossier.save(using=DB)
        dossier.number = f"CRT-{dossier.opened_on.year}-{dossier.pk:06d}"
        dossier.save(using=DB, update_fields=["number"])
        AddressPeriod.objects.using(DB).create(person=person, municipality_refnis=person.municipality_refnis,
                                               valid_from=dossier.opened_on)
        StatusChange.objects.using(DB).create(
            dossier=dossier, status=DossierStatuses.REGISTERED, effective_on=dossier.opened_on,
            created_at=now, created_by_id=actor_id, created_by_username=actor_name,
        )
        audit_log(
            actor=actor, action=AuditActions.CREATE, obj=dossier, database=DB,
            changes={"organisation": organisation.code, "household": household.reference,
                     "municipality": person.municipality_refnis, "duplicate_confirmed": confirm_duplicate},
        )
    return dossier


def dossier_status_change(*, actor, dossier: Dossier, status: str, effective_on: dt.date, note: str = "") -> StatusChange:
    """Record a status with its date. Moving away or closing ends the registration (counts stop)."""
    if status not in DossierStatuses.values:
        raise ValidationError({"status": [_("Onbekende status.")]})
    if effective_on > clock.today():
        raise ValidationError({"effective_on": [_("De datum ligt in de toekomst.")]})
    if effective_on < dossier.opened_on:
        raise ValidationError({"effective_on": [_("De datum ligt voor de opening van het dossier.")]})
    if dossier.anonymised_at:
        raise ValidationError(_("Dit dossier is geanonimiseerd en kan niet meer wijzigen."))
    actor_id, actor_name = _actor_fields(actor)
    with transaction.atomic(using=DB):
        locked = Dossier.objects.using(DB).select_for_update().get(pk=dossier.pk)
        before = locked.status
        change = StatusChange(
            dossier=locked, status=status, effective_on=effective_on,
            note_enc=crypto.encrypt(note.strip(), context=CTX_STATUS_NOTE),
            created_at=clock.now(), created_by_id=actor_id, created_by_username=actor_name,
        )
        change.full_clean()
        change.save(using=DB)
        locked.status = status
        if status in ENDING_STATUSES:
            locked.ended_on = locked.ended_on or effective_on
        else:
            locked.ended_on = None
        locked.closed_on = effective_on if status == DossierStatuses.CLOSED else None
        locked.save(using=DB, update_fields=["status", "ended_on", "closed_on"])
        audit_log(actor=actor, action=AuditActions.UPDATE, obj=locked, database=DB,
                  changes={"status": [before, status], "effective_on": effective_on.isoformat()})
    dossier.refresh_from_db(using=DB)
    return change


def referral_create(*, actor, dossier: Dossier, service: str, referred_on: dt.date, note: str = "") -> Referral:
    """Refer the person to a service. A referral while registered or in pre-trajectory marks the dossier referred."""
    if referred_on > clock.today():
        raise ValidationError({"referred_on": [_("De datum ligt in de toekomst.")]})
    if referred_on < dossier.opened_on:
        raise ValidationError({"referred_on": [_("De datum ligt voor de opening van het dossier.")]})
    if dossier.status in ENDING_STATUSES or dossier.anonymised_at:
        raise ValidationError(_("Een afgesloten dossier kan niet meer doorverwijzen."))
    actor_id, actor_name = _actor_fields(actor)
    with transaction.atomic(using=DB):
        referral = Referral(
            dossier=dossier, service=service, referred_on=referred_on,
            note_enc=crypto.encrypt(note.strip(), context=CTX_REFERRAL_NOTE),
            created_at=clock.now(), created_by_id=actor_id, created_by_username=actor_name,
        )
        referral.full_clean()
        referral.save(using=DB)
        audit_log(actor=actor, action=AuditActions.CREATE, obj=referral, database=DB,
                  object_repr=f"{dossier.number}: {referral.get_service_display()}",
                  changes={"dossier": dossier.number, "service": service, "referred_on": referred_on.isoformat()})
        if dossier.status in (DossierStatuses.REGISTERED, DossierStatuses.PRE_TRAJECTORY):
            dossier_status_change(actor=actor, dossier=dossier, status=DossierStatuses.REFERRED,
                                  effective_on=referred_on)
    return referral


def referral_outcome_record(*, actor, referral: Referral, outcome: str, outcome_on: dt.date, note: str = "") -> Referral:
    if outcome_on > clock.today():
        raise ValidationError({"outcome_on": [_("De datum ligt in de toekomst.")]})
    if outcome_on < referral.referred_on:
        raise ValidationError({"outcome_on": [_("De uitkomst kan niet voor de doorverwijzing liggen.")]})
    if outcome not in ReferralOutcomes.values:
        raise ValidationError({"outcome": [_("Onbekende uitkomst.")]})
    with transaction.atomic(using=DB):
        before = referral.outcome
        referral.outcome = outcome
        referral.outcome_on = outcome_on
        referral.outcome_note_enc = crypto.encrypt(note.strip(), context=CTX_OUTCOME_NOTE)
        referral.full_clean()
        referral.save(using=DB, update_fields=["outcome", "outcome_on", "outcome_note_enc"])
        audit_log(actor=actor, action=AuditActions.UPDATE, obj=referral, database=DB,
                  object_repr=f"{referral.dossier.number}: {referral.get_service_display()}",
                  changes={"outcome": [before, outcome], "outcome_on": outcome_on.isoformat()})
    return referral


def dossier_transfer(*, actor, dossier: Dossier, to_organisation: Organisation, reason: str) -> Transfer:
    """Move a dossier (and its household) to another organisation; the new organisation's case managers take over."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Geef een reden voor de overdracht.")]})
    if to_organisation.pk == dossier.organisation_id:
        raise ValidationError({"to_organisation": [_("Het dossier hoort al bij deze organisatie.")]})
    if not to_organisation.is_active:
        raise ValidationError({"to_organisation": [_("Deze organisatie is niet actief.")]})
    actor_id, actor_name = _actor_fields(actor)
    with transaction.atomic(using=DB):
        locked = Dossier.objects.using(DB).select_for_update().get(pk=dossier.pk)
        transfer = Transfer(
            dossier=locked, from_organisation_id=locked.organisation_id, to_organisation=to_organisation,
            reason=reason.strip(), transferred_at=clock.now(),
            transferred_by_id=actor_id, transferred_by_username=actor_name,
        )
        transfer.full_clean()
        transfer.save(using=DB)
        from_code = locked.organisation.code
        locked.organisation = to_organisation
        locked.case_manager_id = None
        locked.case_manager_username = ""
        locked.save(using=DB, update_fields=["organisation", "case_manager_id", "case_manager_username"])
        audit_log(actor=actor, action=AuditActions.UPDATE, obj=locked, database=DB, reason=reason.strip(),
                  changes={"organisation": [from_code, to_organisation.code], "transfer": transfer.pk})
    dossier.refresh_from_db(using=DB)
    return transfer


def crt_keys_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted column under the newest key. Idempotent: current tokens are skipped."""
    prefix = f"v{crypto.current_key_version()}$"
    counts = {}
    for model, field_name, context in ENCRYPTED_FIELDS:
        label = f"{model._meta.label_lower}.{field_name}"
        counts[label] = 0
        stale = (
            model.objects.using(DB).exclude(**{field_name: ""}).exclude(**{f"{field_name}__startswith": prefix})
            .order_by("pk").values_list("pk", field_name)
        )
        while True:
            rows = list(stale[:batch_size])
            if not rows:
                break
            with transaction.atomic(using=DB):
                objs = [model(pk=pk, **{field_name: crypto.reencrypt(token, context=context)}) for pk, token in rows]
                model.objects.using(DB).bulk_update(objs, [field_name])
            counts[label] += len(rows)
    audit_log(actor=None, username=SYSTEM_USERNAME, action=AuditActions.OTHER, object_type="crt.keys", database=DB,
              object_repr="key rotation", changes={"key_version": crypto.current_key_version(), "counts": counts})
    return counts


def crt_blind_index_rebuild(*, batch_size: int = 500) -> int:
    """Recompute every person's number index under the current CRT_BLIND_INDEX_KEY (after changing
    that key). The number is decrypted in memory only; nothing else changes. Idempotent."""
    persons = (
        Person.objects.using(DB).exclude(national_number_enc="").order_by("pk")
        .values_list("pk", "national_number_enc", "national_number_index")
    )
    changed = 0
    last_pk = 0
    while True:
        rows = list(persons.filter(pk__gt=last_pk)[:batch_size])
        if not rows:
            break
        last_pk = rows[-1][0]
        objs = []
        for pk, token, old_index in rows:
            index = crypto.blind_index(crypto.decrypt(token, context=CTX_NUMBER))
            if index != old_index:
                objs.append(Person(pk=pk, national_number_index=index))
        if objs:
            with transaction.atomic(using=DB):
                Person.objects.using(DB).bulk_update(objs, ["national_number_index"])
            changed += len(objs)
    audit_log(actor=None, username=SYSTEM_USERNAME, action=AuditActions.OTHER, object_type="crt.keys", database=DB,
              object_repr="blind index rebuild", changes={"reindexed": changed})
    return changed


# --- national register --------------------------------------------------------------------------

def national_register_lookup(*, actor, number: str, purpose: str, dossier: Dossier | None = None):
    """Ask the national register about a number for a recorded legal purpose (an audited lookup).

    Raises ValidationError on a bad number or purpose, PersonNotFound / NationalRegisterError otherwise.
    """
    from crt.constants import LookupPurposes
    from crt.national_register import NationalRegisterError, get_adapter

    if purpose not in LookupPurposes.values:
        raise ValidationError({"purpose": [_("Kies het wettelijk doel van de opzoeking.")]})
    parsed = parse_person_number(number)
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
    from crt.constants import RegisterFlags

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
    from crt.constants import LookupPurposes
    from crt.national_register import NationalRegisterError

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


# --- retention ------------------------------------------------------------------------------------

ANONYMOUS_NAME = "Geanonimiseerd"


def dossiers_anonymise_expired(*, retention_days: int | None = None, limit: int = 1000) -> int:
    """Anonymise dossiers closed more than the retention period ago (scheduled; default CRT_RETENTION_DAYS).

    Keeps the aggregate facts (municipality and the address periods' municipalities and dates, sex,
    birth year, status and dates, organisation, referral services and outcomes); erases names, number, blind index, contact, street,
    certificate number and every free-text note. Each dossier is one transaction and one audit event.
    """
    from crt.conf import retention_days as default_days

    days = default_days() if retention_days is None else retention_days
    cutoff = clock.today() - dt.timedelta(days=days)
    due = list(
        Dossier.objects.using(DB)
        .filter(closed_on__isnull=False, closed_on__lte=cutoff, anonymised_at__isnull=True)
        .order_by("closed_on", "pk").values_list("pk", flat=True)[:limit]
    )
    now = clock.now()
    for pk in due:
        with transaction.atomic(using=DB):
            dossier = Dossier.objects.using(DB).select_for_update().select_related("person").get(pk=pk)
            if dossier.anonymised_at or dossier.status != "closed":
                continue
            person = dossier.person
            Person.objects.using(DB).filter(pk=person.pk).update(
                first_name=ANONYMOUS_NAME, last_name=ANONYMOUS_NAME,
                birth_date=dt.date(person.birth_date.year, 7, 1),
                national_number_enc="", national_number_index="", phone_enc="", email_enc="",
                street="", postal_code="", certificate_number="", languages="",
                register_flag="", anonymised_at=now,
            )
            StatusChange.objects.using(DB).filter(dossier=dossier).update(note_enc="")
            Referral.objects.using(DB).filter(dossier=dossier).update(note_enc="", outcome_note_enc="")
            Dossier.objects.using(DB).filter(pk=pk).update(anonymised_at=now)
            audit_log(actor=None, username=SYSTEM_USERNAME, action=AuditActions.DELETE, obj=dossier, database=DB,
                      object_repr=dossier.number, reason=_("Bewaartermijn verstreken: persoonsgegevens geanonimiseerd"),
                      changes={"anonymised": True, "closed_on": dossier.closed_on.isoformat(), "retention_days": days})
    return len(due)


# --- corrections --------------------------------------------------------------------------------

def person_update(*, actor, dossier: Dossier, phone: str, email: str, street: str, postal_code: str,
                  municipality_refnis: str, certificate_number: str, certificate_valid_from: dt.date | None,
                  certificate_valid_until: dt.date | None, languages: str) -> Person:
    """Correct a person's contact, address, certificate and languages (identity comes from the register).

    The same rules as at registration; the audit event names the changed fields, never the
    encrypted values. A changed municipality is a correction, not a move: the open address period
    takes the new municipality from its start (``address_correct``).
    """
    if dossier.anonymised_at:
        raise ValidationError(_("Dit dossier is geanonimiseerd en kan niet meer wijzigen."))
    errors: dict[str, list] = {}
    if not municipality_exists(municipality_refnis):
        errors["municipality_refnis"] = [_("Onbekende gemeente: kies een Vlaamse gemeente (NIS-code).")]
    elif postal_code and not postal_code_matches(postal_code, municipality_refnis):
        errors["postal_code"] = [_("Deze postcode hoort niet bij de gekozen gemeente.")]
    if certificate_valid_from and certificate_valid_until and certificate_valid_until < certificate_valid_from:
        errors["certificate_valid_until"] = [_("Het attest kan niet eindigen voor het begint.")]
    if (certificate_valid_from or certificate_valid_until) and not certificate_number:
        errors["certificate_number"] = [_("Vul het nummer van het attest tijdelijke bescherming in.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(using=DB):
        person = Person.objects.using(DB).select_for_update().get(pk=dossier.person_id)
        plain_before = {f: getattr(person, f) for f in ("street", "postal_code", "municipality_refnis",
                                                        "certificate_number", "certificate_valid_from",
                                                        "certificate_valid_until", "languages")}
        secret_before = {"phone": crypto.decrypt(person.phone_enc, context=CTX_PHONE),
                         "email": crypto.decrypt(person.email_enc, context=CTX_EMAIL)}
        person.street, person.postal_code = street.strip(), postal_code.strip()
        person.municipality_refnis = municipality_refnis
        person.certificate_number = certificate_number.strip()
        person.certificate_valid_from, person.certificate_valid_until = certificate_valid_from, certificate_valid_until
        person.languages = languages.strip()
        changed = [f for f, v in plain_before.items() if getattr(person, f) != v]
        if phone.strip() != secret_before["phone"]:
            person.phone_enc = crypto.encrypt(phone.strip(), context=CTX_PHONE)
            changed.append("phone")
        if email.strip() != secret_before["email"]:
            person.email_enc = crypto.encrypt(email.strip(), context=CTX_EMAIL)
            changed.append("email")
        if not changed:
            return person
        person.full_clean()
        person.save(using=DB)
        if "municipality_refnis" in changed:
            address_correct(person=person, municipality_refnis=municipality_refnis, default_from=dossier.opened_on)
        audit_log(actor=actor, action=AuditActions.UPDATE, obj=dossier, database=DB,
                  changes={"fields": sorted(changed), "municipality": person.municipality_refnis})
    return person
