"""Request bodies hold the JSON types their schema declares, nothing DRF would coerce.

DRF turns ``{"reason": 0}`` into ``"0"`` and ``{"capacity": "5"}`` into ``5``; the schema says
string and integer, so a client relying on the coercion relies on something undocumented (and a
fuzzer rightly reports "schema-violating request accepted"). API input serializers inherit
``StrictJSONSerializer``: a value of the wrong JSON type is a 400 on its field.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

_TEXT = (serializers.CharField, serializers.ChoiceField, serializers.DateField, serializers.DateTimeField)


def _type_error(field: serializers.Field, value) -> str | None:
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else _("Verwacht true of false.")
    if isinstance(field, serializers.IntegerField):
        return None if isinstance(value, int) and not isinstance(value, bool) else _("Verwacht een geheel getal.")
    if isinstance(field, _TEXT):
        return None if isinstance(value, str) else _("Verwacht tekst.")
    return None


class StrictJSONSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for field in self._writable_fields:
                value = data.get(field.field_name, serializers.empty)
                if value is serializers.empty or value is None:  # absence and null: the field decides
                    continue
                message = _type_error(field, value)
                if message:
                    errors[field.field_name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
