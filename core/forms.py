"""Showing a service's refusal in a form: the one way every interface does it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def apply_service_error(form: forms.BaseForm, error: ValidationError, *, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ``ValidationError`` on the form: messages keyed by a field the form has go
    next to that field (``field_map`` renames service argument names to form field names); the
    rest go to the top of the form. Nothing is lost, nothing is shown twice."""
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            field = field_map.get(name, name)
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
