"""Forms of core: showing a service's refusal in a form (the one way every interface does it), and the
upload form of a stored import (core.admin.ImportUploadMixin)."""

from __future__ import annotations

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import uploads
from core.importing import ImportKind


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


def submit_to_service(form: forms.BaseForm, call, *, arguments: dict | None = None, field_map: dict[str, str] | None = None,
                      **form_kwargs):
    """Call the service with the form's cleaned data (``call(**cleaned_data, **form_kwargs)``) and
    return its result, or ``None`` after putting its refusal on the form (``apply_service_error``).
    The one way a page hands a valid form to a service. ``arguments`` replaces the cleaned data
    where the service's arguments are named or shaped otherwise (a form's ``service_kwargs()``);
    ``field_map`` renames the service's argument names back to the form's fields for the refusal."""
    try:
        return call(**(form.cleaned_data if arguments is None else arguments), **form_kwargs)
    except ValidationError as exc:
        apply_service_error(form, exc, field_map=field_map)
        return None


class ImportUploadForm(forms.Form):
    """The file, plus the kind's own options (e.g. the population's reference year). The file is read
    into memory only when it is within IMPORT_MAX_UPLOAD_BYTES, then checked without being parsed."""

    import_file = forms.FileField(label=_("Bestand (CSV of xlsx)"))

    def __init__(self, *args, kind: ImportKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.option_names = []
        if kind.options_form is not None:
            for name, field in kind.options_form.base_fields.items():
                self.fields[name] = copy.deepcopy(field)
                self.option_names.append(name)
        self.content = b""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limits = uploads.ImportLimits.from_settings()
        if upload.size > limits.max_upload_bytes:
            raise ValidationError(str(uploads.size_refusal(upload.size, limits)))
        content = upload.read(limits.max_upload_bytes + 1)
        try:
            uploads.check_file(upload.name, content, limits)
        except uploads.UploadRefused as exc:
            raise ValidationError(str(exc)) from exc
        self.content = content
        return upload

    def options(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.option_names}
