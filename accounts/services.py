"""Writes on users, roles and sessions. Every change is an audit event."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils.translation import gettext as _
from knox.models import get_token_model

from accounts.constants import DEFAULT_REALM_ROLES, MUNICIPAL_ROLES, PROVINCIAL_ROLES
from accounts.models import Organisation, RoleAssignment, User, UserSession
from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from geo.models import Municipality, MunicipalityUserObjectPermission, Province, ProvinceUserObjectPermission


class RoleError(ValueError):
    pass


def _scope_perm(model) -> Permission:
    codename = "scope_municipality" if model is Municipality else "scope_province"
    return Permission.objects.get(content_type__app_label="geo", codename=codename)


@transaction.atomic
def user_scope_sync(*, user: User) -> None:
    """Rebuild the user's guardian scope permissions and role groups from their role assignments."""
    assignments = list(user.role_assignments.prefetch_related("municipalities", "provinces"))
    municipality_ids = {m.pk for a in assignments if a.role in MUNICIPAL_ROLES for m in a.municipalities.all()}
    province_ids = {p.pk for a in assignments if a.role in PROVINCIAL_ROLES for p in a.provinces.all()}
    MunicipalityUserObjectPermission.objects.filter(user=user).delete()
    ProvinceUserObjectPermission.objects.filter(user=user).delete()
    m_perm, p_perm = _scope_perm(Municipality), _scope_perm(Province)
    MunicipalityUserObjectPermission.objects.bulk_create(
        [MunicipalityUserObjectPermission(user=user, permission=m_perm, content_object_id=pk) for pk in sorted(municipality_ids)]
    )
    ProvinceUserObjectPermission.objects.bulk_create(
        [ProvinceUserObjectPermission(user=user, permission=p_perm, content_object_id=pk) for pk in sorted(province_ids)]
    )
    user.groups.set(Group.objects.filter(name__in={a.role for a in assignments}))
    user._role_cache = None


@transaction.atomic
def role_assign(
    *,
    user: User,
    role: str,
    actor: User | None = None,
    organisation: Organisation | None = None,
    municipalities: Iterable[Municipality | str] = (),
    provinces: Iterable[Province | str] = (),
) -> RoleAssignment:
    """Give a user an HVT, general or portal role with its scope (CRT roles: the CRT realm)."""
    if role not in DEFAULT_REALM_ROLES:
        raise RoleError(_("De rol %(role)r kan niet in deze omgeving worden toegekend.") % {"role": role})
    municipalities = [m if isinstance(m, Municipality) else Municipality.objects.get(pk=m) for m in municipalities]
    provinces = [p if isinstance(p, Province) else Province.objects.get(pk=p) for p in provinces]
    if role in MUNICIPAL_ROLES and not municipalities:
        raise RoleError(_("Een gemeentelijke rol heeft minstens één gemeente nodig."))
    if role in PROVINCIAL_ROLES and not provinces:
        raise RoleError(_("Een VLOT-rol heeft minstens één provincie nodig."))
    from licensing.services import licence_role_check  # a full-licence role needs no limited licence

    licence_role_check(user=user, role=role)
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, defaults={"organisation": organisation})
    if not created and organisation is not None:
        assignment.organisation = organisation
    assignment.full_clean()
    assignment.save()
    assignment.municipalities.set(municipalities)
    assignment.provinces.set(provinces)
    user_scope_sync(user=user)
    audit_log(
        actor=actor,
        action=AuditActions.ROLE_ASSIGNED,
        obj=assignment,
        changes={
            "user": user.username,
            "role": role,
            "municipalities": sorted(m.pk for m in municipalities),
            "provinces": sorted(p.pk for p in provinces),
        },
    )
    return assignment


@transaction.atomic
def role_revoke(*, user: User, role: str, actor: User | None = None) -> bool:
    deleted, _ = RoleAssignment.objects.filter(user=user, role=role).delete()
    if deleted:
        user_scope_sync(user=user)
        audit_log(actor=actor, action=AuditActions.ROLE_REVOKED, obj=user, changes={"role": role})
    return bool(deleted)


def session_register(*, user: User, session_key: str) -> None:
    if session_key:
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def sessions_end_for_users(*, user_ids: Iterable[int] | object) -> int:
    """End every session and API token of the given users (a constant number of statements).

    ``user_ids`` may be a list or a queryset of ids (then the deletes are subqueries).
    """
    sessions = UserSession.objects.filter(user_id__in=user_ids)
    ended, _ = Session.objects.filter(session_key__in=sessions.values("session_key")).delete()
    sessions.delete()
    get_token_model().objects.filter(user_id__in=user_ids).delete()
    return ended


def activity_touch(*, user: User, force: bool = False) -> bool:
    """Record that the user is active; written at most once per interval (no write per request)."""
    from django.conf import settings

    now = clock.now()
    if not force and user.last_activity and now - user.last_activity < settings.LAST_ACTIVITY_WRITE_INTERVAL:
        return False
    User.objects.filter(pk=user.pk).update(last_activity=now)
    user.last_activity = now
    return True
