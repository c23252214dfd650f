"""Role → Django permissions, in code, synced to one group per role (`sync_roles`).

Each app declares what its roles may do in ``<app>/permissions.py`` as ``ROLE_PERMISSIONS``
(role code → list of "app_label.codename"); the sync collects them. Permissions that do not
exist (yet) are reported, not silently ignored.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.constants import DEFAULT_REALM_ROLES
from core.registry import app_modules


def role_permissions() -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {role: set() for role in DEFAULT_REALM_ROLES}
    for app, module in app_modules("permissions"):
        if app == "crt":  # the CRT realm has its own permissions, never Django groups
            continue
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            if role not in DEFAULT_REALM_ROLES:
                raise ValueError(f"{app}.permissions grants {perms} to {role!r}, which is not a default-realm role")
            merged[role].update(perms)
    return merged


@transaction.atomic
def roles_sync() -> dict[str, list[str]]:
    """Create a group per role code with exactly the permissions of the code; return missing perms."""
    wanted = role_permissions()
    all_perms = {
        f"{p.content_type.app_label}.{p.codename}": p for p in Permission.objects.select_related("content_type")
    }
    missing: dict[str, list[str]] = {}
    for role, perms in wanted.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([all_perms[p] for p in perms if p in all_perms])
        absent = sorted(p for p in perms if p not in all_perms)
        if absent:
            missing[role] = absent
    return missing
