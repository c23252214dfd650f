"""Reads on CRT data, scoped to the user through the CRT realm. Reads of a person are audited."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from audit.constants import AuditActions
from audit.services import audit_log
from crt import crypto
from crt.constants import CrtRoles
from crt.models import AddressPeriod, Dossier, Person, Referral, RoleAssignment
from crt.numbers import format_number, mask
from geo.models import Municipality
from geo.selectors import postal_code_belongs_to

DB = "crt"


# --- reference data (geo, default database: read by code only) ---------------------------------

def municipality_exists(refnis: str) -> bool:
    return bool(refnis) and Municipality.objects.filter(pk=refnis).exists()


def postal_code_matches(postal_code: str, refnis: str) -> bool:
    return postal_code_belongs_to(postal_code=postal_code, municipality_refnis=refnis)


def municipality_choices() -> list[tuple[str, str]]:
    return list(Municipality.objects.order_by("name_nl").values_list("refnis", "name_nl"))


def municipality_names(codes=None) -> dict[str, str]:
    """REFNIS → Dutch name of ``codes`` (every municipality when None)."""
    qs = Municipality.objects.all() if codes is None else Municipality.objects.filter(pk__in=list(codes))
    return dict(qs.values_list("refnis", "name_nl"))


# --- scope --------------------------------------------------------------------------------------

def case_manager_organisations(user):
    """Organisation ids where the user is a case manager (a subquery on the realm table)."""
    return RoleAssignment.objects.using(DB).filter(user_id=user.pk, role=CrtRoles.CASE_MANAGER).values("organisation_id")


def dossier_list_for_user(user) -> QuerySet[Dossier]:
    """Dossiers the user may open: a case manager those of their organisation(s); nobody else here."""
    base = Dossier.objects.using(DB).select_related("person", "organisation")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    return base.filter(organisation_id__in=case_manager_organisations(user))


def referral_list_for_user(user) -> QuerySet[Referral]:
    """Referrals on dossiers the user may open (the same scope as ``dossier_list_for_user``)."""
    return Referral.objects.using(DB).select_related("dossier").filter(dossier__in=dossier_list_for_user(user))


def dossier_search(user, *, number: str = "", text: str = "") -> QuerySet[Dossier]:
    """Exact national-register/BIS number (blind index), a dossier number, or (part of) a name."""
    qs = dossier_list_for_user(user)
    if number:
        from crt.numbers import parse_person_number

        parsed = parse_person_number(number)  # ValidationError on a bad number
        return qs.filter(person__national_number_index=crypto.blind_index(parsed.value))
    text = (text or "").strip()
    if not text:
        return qs.none()
    names = Q()
    for word in text.split()[:4]:
        names &= Q(person__last_name__icontains=word) | Q(person__first_name__icontains=word)
    condition = Q(number__iexact=text) | names
    return qs.filter(condition)


def duplicate_candidates(*, number_index: str, first_name: str, last_name: str, birth_date: dt.date) -> list[Person]:
    """Persons anywhere in the CRT with the same number, or the same names and birth date."""
    return list(
        Person.objects.using(DB)
        .filter(anonymised_at__isnull=True)
        .filter(
            Q(national_number_index=number_index)
            | Q(first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), birth_date=birth_date)
        )
        .select_related("dossier", "dossier__organisation")[:10]
    )


def dossier_view(*, user, dossier: Dossier) -> Dossier:
    """Opening a person's page is a read of personal data: an audit event."""
    audit_log(actor=user, action=AuditActions.VIEW, obj=dossier, database=DB)
    return dossier


def person_number_masked(person: Person) -> str:
    from crt.services import CTX_NUMBER

    return mask(crypto.decrypt(person.national_number_enc, context=CTX_NUMBER))


def person_identity_reveal(*, user, dossier: Dossier, reason: str) -> dict[str, str]:
    """The identity block in clear (number, contact), after an audited read with its reason."""
    from crt.services import CTX_EMAIL, CTX_NUMBER, CTX_PHONE

    person = dossier.person
    audit_log(actor=user, action=AuditActions.VIEW, obj=dossier, database=DB, reason=reason,
              changes={"identity_revealed": True})
    return {
        "national_number": format_number(crypto.decrypt(person.national_number_enc, context=CTX_NUMBER)),
        "phone": crypto.decrypt(person.phone_enc, context=CTX_PHONE),
        "email": crypto.decrypt(person.email_enc, context=CTX_EMAIL),
    }


def notes_decrypt(rows, *, attr: str, context: str):
    """Attach decrypted notes (``<attr>_text``) to status changes / referrals shown to a permitted user."""
    for row in rows:
        setattr(row, f"{attr}_text", crypto.decrypt(getattr(row, attr), context=context))
    return rows


# --- counts for other apps (aggregates only) ----------------------------------------------------

def registered_persons_per_municipality(reference_date: dt.date) -> dict[str, int]:
    """Persons registered in each municipality on ``reference_date`` (REFNIS → count).

    A person counts when their dossier was opened on or before the date and had not ended (moved
    away or closed) on that date, in the municipality of their address period covering the date
    (``valid_from <= date < valid_to``), so a later move does not change a past date's count.
    Anonymised dossiers keep their periods and still count. One query, whatever the number of
    persons. Counts only: the guidance subsidy of the budget app uses this.
    """
    from django.db.models import Count

    rows = (
        AddressPeriod.objects.using(DB)
        .filter(valid_from__lte=reference_date)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=reference_date))
        .filter(person__dossier__opened_on__lte=reference_date)
        .filter(Q(person__dossier__ended_on__isnull=True) | Q(person__dossier__ended_on__gt=reference_date))
        .values("municipality_refnis")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    return {r["municipality_refnis"]: r["n"] for r in rows}
