"""Shared admin building blocks."""

from __future__ import annotations


class ReadOnlyAdminMixin:
    """An admin that shows rows and never adds, changes or deletes them (audit trails, history,
    reference data, rows that only services write). View permission is left to the model admin."""

    def has_add_permission(self, request, *args, **kwargs):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
