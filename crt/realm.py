"""Who holds which CRT role. The only source of CRT access: not HVT roles, not is_superuser."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.constants import AuditActions
from audit.services import audit_log
from crt.constants import CrtRoles
from crt.models import Organisation, RoleAssignment
from licensing.services import licence_role_check

_CACHE_SECONDS = 60
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrtGrant:
    role: str
    organisation_id: int | None


def crt_grants_for_user(user) -> frozenset[CrtGrant]:
    """The CRT grants of an authenticated, active user (memoised on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_crt_grants", None)
    if cached is None:
        cached = frozenset(
            CrtGrant(role, org)
            for role, org in RoleAssignment.objects.using("crt")
            .filter(user_id=user.pk)
            .values_list("role", "organisation_id")
        )
        user._crt_grants = cached
    return cached


def crt_roles_for_user(user) -> frozenset[str]:
    return frozenset(g.role for g in crt_grants_for_user(user))


def user_has_crt_role(user, *roles: str) -> bool:
    held = crt_roles_for_user(user)
    return bool(held) if not roles else not held.isdisjoint(roles)


def user_has_any_crt_role_cached(user) -> bool:
    """Cheap check used on every request (the 2FA middleware, the navigation, the start page):
    cached for a minute, and memoised on the user object, so a request reads the cache once."""
    memo = getattr(user, "_has_any_crt_role", None)
    if memo is not None:
        return memo
    key = f"crt:has-role:{user.pk}"
    try:
        value = cache.get(key)
    except Exception:  # a cache outage must not lock people out
        value = None
    if value is None:
        value = RoleAssignment.objects.using("crt").filter(user_id=user.pk).exists()
        try:
            cache.set(key, value, _CACHE_SECONDS)
        except Exception:
            logger.warning("cache unavailable; CRT role check not cached")
    user._has_any_crt_role = value
    return value


def crt_role_assign(*, user, role: str, organisation: Organisation | None = None, actor=None) -> RoleAssignment:
    """Grant a CRT role (the CRT realm) to an active user; CRT central management needs a full
    licence (``licence_role_check``). Granting a role the user holds updates its organisation.
    Audited in the CRT's own trail."""
    CrtRoles(role)  # ValueError for a non-CRT role
    if not user.is_active:
        raise ValidationError({"user": [_("Deze gebruiker is niet actief: activeer de gebruiker eerst.")]})
    licence_role_check(user=user, role=role)
    with transaction.atomic(using="crt"):
        assignment = (RoleAssignment.objects.using("crt").select_for_update().filter(user_id=user.pk, role=role).first()
                      or RoleAssignment(user_id=user.pk, role=role))
        assignment.username = user.get_username()
        assignment.organisation = organisation
        assignment.created_by_id = getattr(actor, "pk", None)
        assignment.full_clean(validate_unique=False)  # before the write: a case manager needs an organisation
        assignment.save(using="crt")
        audit_log(
            actor=actor,
            action=AuditActions.ROLE_ASSIGNED,
            obj=assignment,
            changes={"user_id": user.pk, "role": role, "organisation": getattr(organisation, "code", None)},
            database="crt",
        )
    cache.delete(f"crt:has-role:{user.pk}")
    user._has_any_crt_role = user._crt_grants = None
    return assignment


def crt_role_revoke(*, user, role: str, actor=None) -> bool:
    with transaction.atomic(using="crt"):
        deleted, _ = RoleAssignment.objects.using("crt").filter(user_id=user.pk, role=role).delete()
        if deleted:
            audit_log(
                actor=actor, action=AuditActions.ROLE_REVOKED, object_type="crt.roleassignment",
                object_id=user.pk, changes={"role": role}, database="crt",
            )
    cache.delete(f"crt:has-role:{user.pk}")
    user._has_any_crt_role = user._crt_grants = None
    return bool(deleted)
