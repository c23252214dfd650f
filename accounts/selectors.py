"""The scope API: the one place that says which municipalities a user works in.

Every app filters its lists with these querysets (a subquery, so one SQL statement per list),
never by loading permitted ids into Python.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.constants import FLANDERS_ROLES, MUNICIPAL_ROLES, PROVINCIAL_ROLES
from accounts.models import RoleAssignment
from geo.models import Municipality, MunicipalityUserObjectPermission, Province, ProvinceUserObjectPermission

MUNICIPALITY_SCOPE_PERM = "scope_municipality"
PROVINCE_SCOPE_PERM = "scope_province"


def roles_for_user(user) -> frozenset[str]:
    """The default-realm roles (HVT, general, portal) of an active user, cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = frozenset(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
        user._role_cache = cached
    return cached


def user_has_role(user, *roles: str) -> bool:
    return not roles_for_user(user).isdisjoint(roles)


def municipalities_for_user(user, *, roles: frozenset[str] | set[str] | None = None) -> QuerySet[Municipality]:
    """The municipalities in the user's HVT scope, optionally only through the given roles.

    Flanders-wide roles see every municipality; municipal roles their municipalities
    (guardian object permission on the municipality); VLOT its provinces (permission on the
    province). The result is a lazy queryset: used as ``municipality__in=...`` it is a subquery.
    """
    held = roles_for_user(user)
    if roles is not None:
        held = held & frozenset(roles)
    if not held:
        return Municipality.objects.none()
    if held & FLANDERS_ROLES:
        return Municipality.objects.all()
    condition = Q()
    if held & MUNICIPAL_ROLES:
        condition |= Q(
            Exists(
                MunicipalityUserObjectPermission.objects.filter(
                    user=user, content_object=OuterRef("pk"), permission__codename=MUNICIPALITY_SCOPE_PERM
                )
            )
        )
    if held & PROVINCIAL_ROLES:
        condition |= Q(
            Exists(
                ProvinceUserObjectPermission.objects.filter(
                    user=user, content_object=OuterRef("province"), permission__codename=PROVINCE_SCOPE_PERM
                )
            )
        )
    if not condition:
        return Municipality.objects.none()
    return Municipality.objects.filter(condition)


def provinces_for_user(user) -> QuerySet[Province]:
    held = roles_for_user(user)
    if held & FLANDERS_ROLES:
        return Province.objects.all()
    return Province.objects.filter(
        Exists(ProvinceUserObjectPermission.objects.filter(user=user, content_object=OuterRef("pk")))
    )


def scope_filter(queryset: QuerySet, user, *, field: str = "municipality", roles=None) -> QuerySet:
    """Restrict any queryset with a municipality foreign key to the user's scope (one subquery)."""
    return queryset.filter(**{f"{field}__in": municipalities_for_user(user, roles=roles)})


def user_in_scope_of(user, municipality_refnis: str, *, roles=None) -> bool:
    return municipalities_for_user(user, roles=roles).filter(pk=municipality_refnis).exists()
