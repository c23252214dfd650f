"""What higher apps add to account management, without accounts importing them.

An app may ship ``<app>/account_hooks.py`` (found by ``core.registry.app_modules``, in LOCAL_APPS
order) defining any of:

* ``user_managed_here(user) -> bool`` and ``user_ids_managed_here() -> Iterable[int]``: the
  accounts that this app's own realm manages (the CRT: whoever holds a CRT role). The HVT admin
  neither lists nor changes them.
* ``may_manage_user(actor, target) -> bool``: for such an account, whether ``actor`` may manage it
  (password reset, second factor, deactivation) in that realm.
* ``user_deactivated(*, user, actor, reason, now) -> dict`` and
  ``user_reactivated(*, user, actor, now) -> dict``: called inside the transaction of
  ``accounts.services.user_deactivate`` / ``user_reactivate`` (licensing releases and restores
  licences there). A ValidationError undoes the whole change. The dicts are merged into the
  audit event.
* ``role_grant_check(*, user, role)``: called by ``accounts.services.role_assign`` before a role
  is granted; raises ValidationError to refuse it (licensing: a full-licence role needs no
  limited licence for its tool).
* ``roles_of_user(user) -> frozenset[str]``: the roles this app's realm gives the user (the CRT
  roles); ``roles_in_every_realm`` adds them to the default realm's roles.
* ``user_picker_lists_every_account(source) -> bool``: whether the admin's user picker
  (autocomplete) for the field of ``source`` ("app_label.model_name") lists every account, those
  of other realms included (licensing: a licence goes to any account, CRT users too). Otherwise the
  picker lists the accounts the HVT admin manages.
* ``requires_second_factor(user) -> bool``: whether this realm makes the account pass a second
  factor (the CRT: every CRT role). Called on every request: keep it cheap (cached).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from types import ModuleType

from accounts.selectors import roles_for_user
from core.registry import app_modules


@cache
def _modules() -> tuple[ModuleType, ...]:
    return tuple(module for _app, module in app_modules("account_hooks"))


def _functions(name: str) -> list[Callable]:
    return [getattr(module, name) for module in _modules() if hasattr(module, name)]


def managing_realm(user) -> ModuleType | None:
    """The hook module of the realm that manages this account, or None (the HVT admin does)."""
    for module in _modules():
        managed = getattr(module, "user_managed_here", None)
        if managed is not None and managed(user):
            return module
    return None


def user_ids_managed_elsewhere() -> frozenset[int]:
    """Ids of every account managed by another realm (a short list: the CRT's few hundred users;
    it lives in another database, so it cannot be a subquery)."""
    ids: set[int] = set()
    for function in _functions("user_ids_managed_here"):
        ids.update(function())
    return frozenset(ids)


def user_deactivated(**kwargs) -> dict:
    details: dict = {}
    for function in _functions("user_deactivated"):
        details.update(function(**kwargs) or {})
    return details


def user_reactivated(**kwargs) -> dict:
    details: dict = {}
    for function in _functions("user_reactivated"):
        details.update(function(**kwargs) or {})
    return details


def role_grant_check(*, user, role: str) -> None:
    for function in _functions("role_grant_check"):
        function(user=user, role=role)


def roles_in_every_realm(user) -> frozenset[str]:
    """The user's roles in the default realm and in every other one (fresh from the database)."""
    user._role_cache = None
    roles = set(roles_for_user(user))
    for function in _functions("roles_of_user"):
        roles.update(function(user))
    return frozenset(roles)


def requires_second_factor(user) -> bool:
    return any(function(user) for function in _functions("requires_second_factor"))


def user_picker_lists_every_account(source: str | None) -> bool:
    return source is not None and any(function(source) for function in _functions("user_picker_lists_every_account"))
