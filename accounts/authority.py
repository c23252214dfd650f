"""Who may manage whom: the one table of administrative authority (docs/OPERATIONS.md, "Who
manages whom"). The user admin (list, form, fields, actions), the role-assignment admin, the
reset and second-factor actions and the account services all ask here.

| actor | may manage (change, reset link, second factor, deactivate) | may grant |
| --- | --- | --- |
| superuser | every account not managed by another realm | every HVT, general and portal role; ``is_staff``/``is_superuser`` |
| ``hvt_coordinator`` | non-staff, non-superuser accounts whose roles are all in ``HVT_MANAGED_ROLES`` | ``HVT_MANAGED_ROLES`` |
| ``support`` | the same accounts | ``HVT_MANAGED_ROLES`` |
| anyone else | nobody | nothing |

An account that holds a CRT role is managed only in the CRT realm (``crt/account_hooks.py``): it
is not listed or changed in the HVT admin, by anyone, superusers included. The licence rule and
the scope rules of a grant stay in ``role_assign``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from accounts import hooks
from accounts.constants import DEFAULT_REALM_ROLES, Roles
from accounts.models import RoleAssignment, User
from accounts.selectors import roles_for_user

# The roles of the people support and central coordination look after: municipal officers,
# VLOT teams and portal users. Everything above (coordinators, auditors, support) is a superuser's.
HVT_MANAGED_ROLES = frozenset(
    {Roles.HVT_MUNICIPAL_FULL, Roles.HVT_MUNICIPAL_LIMITED, Roles.HVT_VLOT, Roles.PORTAL_USER}
)

SUPERUSER, COORDINATOR, SUPPORT = "superuser", "coordinator", "support"
GRANTABLE = {SUPERUSER: DEFAULT_REALM_ROLES, COORDINATOR: HVT_MANAGED_ROLES, SUPPORT: HVT_MANAGED_ROLES}
# Fields only a superuser sets (they hand out power outside the role model).
SUPERUSER_ONLY_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def admin_tier(actor) -> str | None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    if actor.is_superuser:
        return SUPERUSER
    held = roles_for_user(actor)
    if Roles.HVT_COORDINATOR in held:
        return COORDINATOR
    if Roles.SUPPORT in held:
        return SUPPORT
    return None


def grantable_roles(actor) -> frozenset[str]:
    """The HVT, general and portal roles ``actor`` may grant or revoke."""
    tier = admin_tier(actor)
    return frozenset(GRANTABLE[tier]) if tier else frozenset()


def held_roles(target) -> frozenset[str]:
    """The target's default-realm roles, also while the account is inactive."""
    return frozenset(RoleAssignment.objects.filter(user_id=target.pk).values_list("role", flat=True))


def can_manage_user(actor, target) -> bool:
    """May ``actor`` change ``target`` in the HVT admin (fields, roles, reset link, second factor,
    (de)activation)? Never for an account that another realm manages."""
    tier = admin_tier(actor)
    if tier is None or target is None:
        return False
    if hooks.managing_realm(target) is not None:
        return False
    if tier == SUPERUSER:
        return True
    if target.is_superuser or target.is_staff:
        return False
    return held_roles(target) <= GRANTABLE[tier]


def may_manage_account(actor, target) -> bool:
    """The account services' rule: the realm that manages ``target`` decides (the CRT realm for a
    CRT role holder), otherwise the HVT table above. ``actor=None`` is the system (sweep, commands)."""
    if actor is None:
        return True
    realm = hooks.managing_realm(target)
    if realm is not None:
        return bool(realm.may_manage_user(actor, target))
    return can_manage_user(actor, target)


def check_manage(actor, target) -> None:
    if not may_manage_account(actor, target):
        raise PermissionDenied(
            _("U mag de account %(user)s niet beheren.") % {"user": target.get_username()}
        )


def check_grant(actor, target, role: str) -> None:
    """``actor`` may give (or take) ``role`` to (from) ``target``; ``actor=None`` is the system."""
    if actor is None:
        return
    if role not in grantable_roles(actor):
        raise PermissionDenied(_("U mag de rol %(role)s niet toekennen of intrekken.") % {"role": role})
    if not can_manage_user(actor, target):
        raise PermissionDenied(
            _("U mag de account %(user)s niet beheren.") % {"user": target.get_username()}
        )


def users_in_hvt_admin(queryset: QuerySet[User]) -> QuerySet[User]:
    """Every account except those another realm manages (what the HVT admin may show)."""
    elsewhere = hooks.user_ids_managed_elsewhere()
    return queryset.exclude(pk__in=elsewhere) if elsewhere else queryset


def manageable_users(actor, queryset: QuerySet[User]) -> QuerySet[User]:
    """``queryset`` narrowed to the accounts ``actor`` may manage (one SQL query, for bulk actions
    and choice lists); the same rule as ``can_manage_user``."""
    tier = admin_tier(actor)
    if tier is None:
        return queryset.none()
    queryset = users_in_hvt_admin(queryset)
    if tier == SUPERUSER:
        return queryset
    above = RoleAssignment.objects.filter(user=OuterRef("pk")).exclude(role__in=sorted(GRANTABLE[tier]))
    return queryset.filter(is_staff=False, is_superuser=False).exclude(Exists(above))
