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
from django.db import transaction
from django.utils.translation import gettext as _

from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from crt import crypto
from crt.constants import ENDING_STATUSES, DossierStatuses, HouseholdRoles, ReferralOutcomes
from crt.models import Dossier, Household, Organisation, Person, Referral, StatusChange, Transfer
from crt.numbers import parse_person_number
from crt.selectors import duplicate_candidates, municipality_exists, postal_code_matches

DB = "crt"

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
    audit_log(actor=None, action=AuditActions.OTHER, object_type="crt.keys", database=DB,
              object_repr="key rotation", changes={"key_version": crypto.current_key_version(), "counts": counts})
    return counts
