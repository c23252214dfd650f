"""A dossier's life at its organisation: status changes, referrals and their outcomes, and
transfers to another organisation (central management)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from crt import crypto
from crt.constants import (
    CTX_OUTCOME_NOTE,
    CTX_REFERRAL_NOTE,
    CTX_STATUS_NOTE,
    ENDING_STATUSES,
    DossierStatuses,
    ReferralOutcomes,
)
from crt.models import Dossier, Organisation, Referral, StatusChange, Transfer
from crt.services.common import DB, actor_fields
from crt.services.counts import counts_kept


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
    actor_id, actor_name = actor_fields(actor)
    with transaction.atomic(using=DB):
        locked = Dossier.objects.using(DB).select_for_update().get(pk=dossier.pk)
        before = locked.status
        with counts_kept(locked.person_id):
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
    actor_id, actor_name = actor_fields(actor)
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
    actor_id, actor_name = actor_fields(actor)
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
        with counts_kept(locked.person_id):  # the organisation table counts by the current organisation
            locked.organisation = to_organisation
            locked.case_manager_id = None
            locked.case_manager_username = ""
            locked.save(using=DB, update_fields=["organisation", "case_manager_id", "case_manager_username"])
        audit_log(actor=actor, action=AuditActions.UPDATE, obj=locked, database=DB, reason=reason.strip(),
                  changes={"organisation": [from_code, to_organisation.code], "transfer": transfer.pk})
    dossier.refresh_from_db(using=DB)
    return transfer
