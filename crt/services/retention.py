"""Retention: closed dossiers are anonymised once ``settings.CRT_RETENTION_DAYS`` have passed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from crt.constants import DossierStatuses
from crt.models import Dossier, Person, Referral, StatusChange
from crt.services.common import DB, SYSTEM_USERNAME
from crt.services.counts import counts_kept

ANONYMOUS_NAME = "Geanonimiseerd"


def dossiers_anonymise_expired(*, retention_days: int | None = None, limit: int = 1000) -> int:
    """Anonymise dossiers closed more than ``retention_days`` (default ``settings.CRT_RETENTION_DAYS``)
    ago; returns how many were anonymised (scheduled daily, at most ``limit`` per run).

    Keeps the aggregate facts (municipality and the address periods' municipalities and dates, sex,
    birth year, status and dates, organisation, referral services and outcomes); erases names,
    number, blind index, contact, street, certificate number and every free-text note. Each
    dossier is one transaction and one audit event.
    """
    days = settings.CRT_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = clock.today() - dt.timedelta(days=days)
    due = list(
        Dossier.objects.using(DB)
        .filter(closed_on__isnull=False, closed_on__lte=cutoff, anonymised_at__isnull=True)
        .order_by("closed_on", "pk").values_list("pk", flat=True)[:limit]
    )
    now = clock.now()
    anonymised = 0
    for pk in due:
        with transaction.atomic(using=DB):
            dossier = Dossier.objects.using(DB).select_for_update().select_related("person").get(pk=pk)
            if dossier.anonymised_at or dossier.status != DossierStatuses.CLOSED:  # reopened meanwhile
                continue
            person = dossier.person
            with counts_kept(person.pk):  # the birth date becomes 1 July: the age band may change
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
        anonymised += 1
    return anonymised
