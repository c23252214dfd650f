"""Writes of licence plans and pools (the admin saves through these; re-exported by
licensing.services). Every change is an audit event with what changed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.constants import AuditActions
from audit.services import audit_log, model_changes
from licensing.models import LicencePool, PlanPeriod

PLAN_FIELDS = ("code", "name", "starts_on", "ends_on")
POOL_FIELDS = ("period", "tool", "licence_type", "group", "seats", "unit_price")
POOL_AUDIT = ("period_id", "tool", "licence_type", "group", "seats", "unit_price")


def _audit_set(obj, fields, before: dict | None, actor) -> None:
    """One audit event for a plan or pool saved by the admin: every field when made, what changed otherwise."""
    changes = model_changes(obj, list(fields), before)
    if before is None or changes:
        audit_log(actor=actor, action=AuditActions.CREATE if before is None else AuditActions.UPDATE, obj=obj, changes=changes)


@transaction.atomic
def licence_plan_set(*, plan: PlanPeriod | None = None, actor: User | None = None, **fields) -> PlanPeriod:
    """Create a licence plan (``plan`` None) or change one. Rules: the model's (unique code, the end
    not before the start). Audited with what changed."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan fields: {sorted(unknown)}")
    if plan is None:
        before, plan = None, PlanPeriod()
    else:
        plan = PlanPeriod.objects.get(pk=plan.pk)  # the stored row, not a form's edited copy
        before = model_changes(plan, list(PLAN_FIELDS))
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    _audit_set(plan, PLAN_FIELDS, before, actor)
    return plan


@transaction.atomic
def licence_pool_set(*, pool: LicencePool | None = None, actor: User | None = None, **fields) -> LicencePool:
    """Create a licence pool (``pool`` None) or change one. Rules: one pool per plan × tool × type ×
    group; an existing pool's plan, tool and type stay (its licences were given under them); its
    seats never drop below the licences in use (the pool row is locked, as ``licence_assign``
    locks it). Audited with what changed."""
    unknown = set(fields) - set(POOL_FIELDS)
    if unknown:
        raise TypeError(f"unknown pool fields: {sorted(unknown)}")
    if pool is None:
        before = None
        pool = LicencePool()
    else:
        pool = LicencePool.objects.select_for_update().get(pk=pool.pk)  # the stored row, locked
        before = model_changes(pool, list(POOL_AUDIT))
        fixed = [name for name in ("period", "tool", "licence_type") if name in fields and fields[name] != getattr(pool, name)]
        if fixed and pool.assignments.exists():
            raise ValidationError(
                {name: _("De pool heeft al licenties toegekend: dit veld blijft zoals het is.") for name in fixed}
            )
    for name, value in fields.items():
        setattr(pool, name, value)
    pool.full_clean()  # LicencePool.clean: never fewer seats than licences in use
    pool.save()
    _audit_set(pool, POOL_AUDIT, before, actor)
    return pool
