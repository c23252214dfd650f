"""Bulk import of the municipalities' bank accounts (CSV/XLSX, django-import-export).

One row per municipality: ``refnis``, ``iban``, ``bic`` (may be empty for a Belgian IBAN: filled
in from the bank register), ``account_holder``. A row for a municipality that has an account
changes it. Every row goes through ``budget.services.payee_set`` (checks, scope, audit); the file is
all or nothing: one bad row and nothing is kept.
"""

from __future__ import annotations

from import_export import fields, resources
from import_export.widgets import BooleanWidget

from budget import services
from budget.models import Payee

COLUMNS = ("refnis", "iban", "bic", "account_holder", "is_demo")


def _code(value) -> str:
    """A code cell as text: a spreadsheet gives 44021.0 for a NIS code."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


class PayeeResource(resources.ModelResource):
    municipality = fields.Field(attribute="municipality_id", column_name="refnis")
    is_demo = fields.Field(attribute="is_demo", column_name="is_demo", widget=BooleanWidget())

    class Meta:
        model = Payee
        fields = ("municipality", "iban", "bic", "account_holder", "is_demo")
        import_id_fields = ()
        use_transactions = True
        skip_unchanged = False
        skip_diff = True
        clean_model_instances = False  # the service checks (and knows who may write)

    def get_instance(self, instance_loader, row):
        return None  # payee_set creates or changes the municipality's account

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.municipality_id = _code(instance.municipality_id)
        for name in ("iban", "bic", "account_holder"):
            value = getattr(instance, name)
            setattr(instance, name, "" if value is None else str(value).strip())
        instance.is_demo = bool(instance.is_demo)

    def save_instance(self, instance, is_create, row, **kwargs):
        if kwargs.get("user") is None:
            from django.core.exceptions import ValidationError

            raise ValidationError("Import zonder gebruiker geweigerd.")
        saved = services.payee_set(
            municipality=instance.municipality_id, iban=instance.iban, bic=instance.bic,
            account_holder=instance.account_holder, is_demo=instance.is_demo, actor=kwargs["user"],
        )
        instance.pk = saved.pk

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        # All or nothing: an invalid row rolls back the whole file, also on the confirmed import.
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
                                   collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True, **kwargs)

    def after_import(self, dataset, result, **kwargs):
        return None  # never reset id sequences (see hvt.resources)
