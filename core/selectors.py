"""Reads of core's stored imports, scoped to the user."""

from __future__ import annotations

from django.db.models import QuerySet

from core import importing
from core.models import Import

VIEW_ALL_PERMISSION = "core.view_all_imports"


def user_sees_all_imports(user) -> bool:
    return user.is_active and user.has_perm(VIEW_ALL_PERMISSION)


def user_may_use_imports(user) -> bool:
    """Who gets the import list: whoever may import some kind, or see everyone's imports."""
    return user.is_active and (user_sees_all_imports(user) or bool(importing.kind_codes_for_user(user)))


def imports_for_user(user) -> QuerySet[Import]:
    """A user's own imports; coordinators with core.view_all_imports see everyone's. Never the file."""
    qs = Import.objects.defer("content").select_related("created_by")
    if user_sees_all_imports(user):
        return qs
    if not user_may_use_imports(user):
        return qs.none()
    return qs.filter(created_by=user)
