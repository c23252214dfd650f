"""Registering a person (with household and dossier) and correcting a person's data.

The national register number never leaves this module in plain text: it is stored encrypted
with a blind index for exact search.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from crt import crypto
from crt.constants import (
    CTX_EMAIL,
    CTX_NUMBER,
    CTX_PHONE,
    DUPLICATE_NUMBER_REASON,
    DossierStatuses,
    HouseholdRoles,
    ReadPurposes,
)
from crt.models import AddressPeriod, Dossier, Household, Organisation, Person, StatusChange
from crt.numbers import parse_person_number
from crt.selectors import duplicate_candidates, municipality_exists, person_reads_log, postal_code_matches
from crt.services.addresses import address_correct
from crt.services.common import DB, actor_fields
from crt.services.counts import counts_add


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


class PossibleDuplicate(Exception):
    """Raised before saving when a person with the same number, or names and birth date, exists."""

    def __init__(self, candidates):
        super().__init__("possible duplicate")
        self.candidates = candidates


def _address_certificate_errors(*, municipality_refnis: str, postal_code: str, certificate_number: str,
                                certificate_valid_from: dt.date | None,
                                certificate_valid_until: dt.date | None) -> dict[str, list]:
    """The address and certificate rules, the same at registration and at a correction."""
    errors: dict[str, list] = {}
    if not municipality_exists(municipality_refnis):
        errors["municipality_refnis"] = [_("Onbekende gemeente: kies een Vlaamse gemeente (NIS-code).")]
    elif postal_code and not postal_code_matches(postal_code, municipality_refnis):
        errors["postal_code"] = [_("Deze postcode hoort niet bij de gekozen gemeente.")]
    if certificate_valid_from and certificate_valid_until and certificate_valid_until < certificate_valid_from:
        errors["certificate_valid_until"] = [_("Het attest kan niet eindigen voor het begint.")]
    if (certificate_valid_from or certificate_valid_until) and not certificate_number:
        errors["certificate_number"] = [_("Vul het nummer van het attest tijdelijke bescherming in.")]
    return errors


def person_input_validate(data: PersonInput):
    """The rules of a person's registration; a ValidationError per field, in Dutch. Returns the parsed number."""
    errors: dict[str, list] = {}
    number = None
    try:
        number = parse_person_number(data.national_number)
    except ValidationError as exc:
        errors["national_number"] = exc.messages
    if data.birth_date and data.birth_date > clock.today():
        errors["birth_date"] = [_("De geboortedatum ligt in de toekomst.")]
    elif number is not None and number.birth_date and data.birth_date and number.birth_date != data.birth_date:
        errors["birth_date"] = [_("De geboortedatum komt niet overeen met het rijksregister- of BIS-nummer.")]
    errors.update(_address_certificate_errors(
        municipality_refnis=data.municipality_refnis, postal_code=data.postal_code,
        certificate_number=data.certificate_number, certificate_valid_from=data.certificate_valid_from,
        certificate_valid_until=data.certificate_valid_until,
    ))
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
    actor_id, actor_name = actor_fields(actor)
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
        counts_add(person.pk)
        audit_log(
            actor=actor, action=AuditActions.CREATE, obj=dossier, database=DB,
            changes={"organisation": organisation.code, "household": household.reference,
                     "municipality": person.municipality_refnis, "duplicate_confirmed": confirm_duplicate},
        )
    return dossier


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
    errors = _address_certificate_errors(
        municipality_refnis=municipality_refnis, postal_code=postal_code, certificate_number=certificate_number,
        certificate_valid_from=certificate_valid_from, certificate_valid_until=certificate_valid_until,
    )
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
