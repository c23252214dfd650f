"""Reads on CRT data, scoped to the user through the CRT realm. Reads of a person are audited."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from audit.constants import AuditActions
from audit.services import audit_log
from crt import crypto
from crt.constants import (
    CTX_EMAIL,
    CTX_NUMBER,
    CTX_PHONE,
    NUMBER_SEARCH_REASON,
    CountDimensions,
    CrtRoles,
    ReadPurposes,
)
from crt.models import AuditEvent, AuditEventPerson, CountChange, Dossier, Person, Referral, RoleAssignment
from crt.numbers import MASKED_NUMBER, format_number, parse_person_number
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
    """Exact national-register/BIS number (blind index), a dossier number, or (part of) a name.
    A bad number raises ValidationError keyed ``number``."""
    qs = dossier_list_for_user(user)
    if number:
        try:
            parsed = parse_person_number(number)
        except ValidationError as exc:
            raise ValidationError({"number": exc.messages}) from exc
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


# --- audited reads of persons ----------------------------------------------------------------------

def person_reads_log(*, user, person_ids: Iterable[int], purpose: str, obj=None, object_type: str = "",
                     object_repr: str | None = None, reason: str = "", action: str = AuditActions.VIEW,
                     changes: dict | None = None) -> AuditEvent:
    """One audit event for one page that showed persons, naming every person shown.

    The event records who (the actor), why (``purpose``: ``ReadPurposes``, also the default
    ``reason``) and which persons: one ``AuditEventPerson`` row each, so "who saw person X" is an
    indexed query. Two inserts, whatever the number of persons. Never pass a search term here.
    """
    ids = list(dict.fromkeys(int(pk) for pk in person_ids if pk))
    if object_repr is None and obj is None:
        object_repr = _("%(purpose)s: %(count)s personen") % {"purpose": ReadPurposes(purpose).label, "count": len(ids)}
    with transaction.atomic(using=DB):
        event = audit_log(
            actor=user, action=action, obj=obj, object_type=object_type or ("" if obj is not None else "crt.person"),
            object_repr=object_repr, database=DB, reason=reason or ReadPurposes(purpose).value,
            changes={"purpose": ReadPurposes(purpose).value, "person_count": len(ids), **(changes or {})},
        )
        AuditEventPerson.objects.using(DB).bulk_create([AuditEventPerson(event=event, person_id=pk) for pk in ids])
    return event


def dossier_view(*, user, dossier: Dossier, also_shown: Iterable[int] = ()) -> Dossier:
    """Opening a person's page is a read of personal data: an audit event naming the person and
    whoever else the page shows (household members)."""
    person_reads_log(user=user, person_ids=[dossier.person_id, *also_shown], purpose=ReadPurposes.DOSSIER,
                     obj=dossier)
    return dossier


def dossiers_shown_log(*, user, dossiers: Iterable[Dossier], purpose: str, object_type: str = "crt.dossier",
                       changes: dict | None = None) -> AuditEvent:
    """A list of dossiers (a page, a popup, an autocomplete answer) was shown: one event naming
    the persons of those rows only."""
    return person_reads_log(user=user, person_ids=[d.person_id for d in dossiers], purpose=purpose,
                            object_type=object_type, changes=changes)


def dossier_search_log(*, user, results: list[Dossier], by_number: bool) -> AuditEvent:
    """The search page's event. It records that it was a search and how (number or text), never
    the term. A number search that finds someone confirms who they are: a reveal-type event
    (``identity_revealed``) with the reason "zoeken op rijksregisternummer"."""
    changes = {"search": True, "by": "number" if by_number else "text", "results": len(results)}
    person_ids = [d.person_id for d in results]
    if by_number and results:
        single = results[0] if len(results) == 1 else None
        return person_reads_log(user=user, person_ids=person_ids, purpose=ReadPurposes.SEARCH, obj=single,
                                object_type="" if single else "crt.search", reason=NUMBER_SEARCH_REASON,
                                changes={**changes, "identity_revealed": True})
    return person_reads_log(user=user, person_ids=person_ids, purpose=ReadPurposes.SEARCH, action=AuditActions.LOOKUP,
                            object_type="crt.search", object_repr=_("zoeken in dossiers"), changes=changes)


def person_number_masked(person: Person) -> str:
    """The whole number hidden (nothing of it is decrypted to show this)."""
    return MASKED_NUMBER if person.national_number_enc else ""


def person_identity_reveal(*, user, dossier: Dossier, reason: str, also_shown: Iterable[int] = ()) -> dict[str, str]:
    """The identity block in clear (number, contact), after an audited read with its reason.

    Call it only on a POST that carries the reason (a GET must never reveal: another site could
    make a case manager's browser send one)."""
    person = dossier.person
    person_reads_log(user=user, person_ids=[dossier.person_id, *also_shown], purpose=ReadPurposes.IDENTITY,
                     obj=dossier, reason=reason, changes={"identity_revealed": True})
    return {
        "national_number": format_number(crypto.decrypt(person.national_number_enc, context=CTX_NUMBER)),
        "phone": crypto.decrypt(person.phone_enc, context=CTX_PHONE),
        "email": crypto.decrypt(person.email_enc, context=CTX_EMAIL),
    }


DOSSIER_NUMBER_RE = re.compile(r"^\s*CRT-\d{4}-\d+\s*$", re.IGNORECASE)


def looks_like_dossier_number(term: str) -> bool:
    return bool(DOSSIER_NUMBER_RE.match(term or ""))


def audit_events_about_dossier(events: QuerySet[AuditEvent], *, dossier_number: str) -> QuerySet[AuditEvent]:
    """"Who saw person X": the events (of ``events``) that named the dossier's person on a page
    (``AuditEventPerson``, indexed on the person) or opened or changed the dossier itself."""
    dossier = (Dossier.objects.using(DB).filter(number__iexact=dossier_number.strip())
               .values("pk", "person_id").first())
    if dossier is None:
        return events.none()
    # One id subquery, a UNION of two indexed lookups (an OR of both would scan every event).
    shown = AuditEventPerson.objects.using(DB).filter(person_id=dossier["person_id"]).values("event_id").order_by()
    about = (AuditEvent.objects.using(DB).filter(object_type=Dossier._meta.label_lower, object_id=str(dossier["pk"]))
             .values("pk").order_by())
    return events.filter(pk__in=shown.union(about))


def audit_event_dossier_numbers(event: AuditEvent) -> list[str]:
    """The dossier numbers of the persons an event's page showed (for the auditor)."""
    shown = AuditEventPerson.objects.using(DB).filter(event=event).values("person_id")
    return list(Dossier.objects.using(DB).filter(person_id__in=shown).order_by("number").values_list("number", flat=True))


def notes_decrypt(rows, *, attr: str, context: str):
    """Attach decrypted notes (``<attr>_text``) to status changes / referrals shown to a permitted user."""
    for row in rows:
        setattr(row, f"{attr}_text", crypto.decrypt(getattr(row, attr), context=context))
    return rows


# --- counts for other apps (aggregates only) ----------------------------------------------------

def counts_on(reference_date: dt.date, dimensions: Iterable[str] | None = None) -> dict[str, dict[str, int]]:
    """Every counted cell on ``reference_date`` (``{dimension: {key: count}}``, cells with nobody
    left out), in one grouped sum over ``crt.CountChange`` (see ``crt.services.counts`` for what
    each dimension counts). Exact counts: for the budget's guidance count and, after
    suppression and rounding, the published tables."""
    rows = CountChange.objects.using(DB).filter(day__lte=reference_date)
    if dimensions is not None:
        rows = rows.filter(dimension__in=list(dimensions))
    out: dict[str, dict[str, int]] = {}
    for dimension, key, n in rows.values_list("dimension", "key").annotate(n=Sum("change")).order_by():
        if n:
            out.setdefault(dimension, {})[key] = n
    return out


def registered_persons_per_municipality(reference_date: dt.date) -> dict[str, int]:
    """Persons registered in each municipality on ``reference_date`` (REFNIS → count).

    A person counts when their dossier was opened on or before the date and had not ended (moved
    away or closed) on that date, in the municipality of their address period covering the date
    (``valid_from <= date < valid_to``), so a later move does not change a past date's count.
    Anonymised dossiers keep their periods and still count. One query, whatever the number of
    persons. Counts only: the guidance subsidy of the budget app uses this.
    """
    return counts_on(reference_date, [CountDimensions.MUNICIPALITY]).get(CountDimensions.MUNICIPALITY, {})
