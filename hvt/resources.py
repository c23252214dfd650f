"""Bulk import of reception places (CSV/XLSX, django-import-export).

The rows go through ``hvt.services.place_register_bulk``: the same rules and the same scope as
``place_register`` (the form and the API), checked for every row in Python against lookups loaded
once for the file, then one batched insert of the places and one of their audit events. The
import is all-or-nothing: one bad row and nothing is written; the row report names every bad row
(row number, Dutch message). The check before an import is confirmed (a dry run: hvt/imports.py, run
by core's import task) runs the same path and is rolled back.

``import_data_inner`` replaces django-import-export's row-by-row loop (a savepoint, a deep copy
and a diff per row, a save per row), so the number of SQL statements does not grow per row beyond
the batch inserts. Hooks of that loop that this resource does not use (``before_import_row``,
``skip_row``, ``for_delete``, ``save_instance`` …) are not called.
"""

from collections import OrderedDict

from django.core.exceptions import ValidationError
from import_export import exceptions, fields, resources
from import_export.results import RowResult
from import_export.widgets import BooleanWidget, DateWidget

from hvt import services
from hvt.constants import PlaceSources
from hvt.models import ReceptionPlace

TEXT_FIELDS = ("name", "street", "house_number", "postal_code", "operator", "category", "category_2_subtype", "notes")


def _code(value) -> str:
    """A code cell as text: spreadsheets give 44021.0 for a refnis or 9000.0 for a postal code."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


class PlaceResource(resources.ModelResource):
    municipality = fields.Field(attribute="municipality_id", column_name="refnis")
    start_date = fields.Field(attribute="start_date", column_name="start_date", widget=DateWidget("%Y-%m-%d"))
    end_date = fields.Field(attribute="end_date", column_name="end_date", widget=DateWidget("%Y-%m-%d"))
    accessible = fields.Field(attribute="accessible", column_name="accessible", widget=BooleanWidget())
    pets_allowed = fields.Field(attribute="pets_allowed", column_name="pets_allowed", widget=BooleanWidget())

    class Meta:
        model = ReceptionPlace
        fields = ("municipality", "name", "street", "house_number", "postal_code", "operator", "capacity", "category",
                  "category_2_subtype", "start_date", "end_date", "accessible", "pets_allowed", "notes")
        import_id_fields = ()  # every row is a new place
        use_transactions = True
        skip_unchanged = False
        clean_model_instances = False  # the service cleans (and knows the scope)

    def get_instance(self, instance_loader, row):
        return None

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        for name in TEXT_FIELDS:
            value = getattr(instance, name)
            setattr(instance, name, "" if value is None else value)
        instance.municipality_id = _code(instance.municipality_id)
        instance.postal_code = _code(instance.postal_code)

    @staticmethod
    def _place_arguments(instance) -> dict:
        """The keyword arguments of place_register for a parsed row."""
        return dict(
            municipality=instance.municipality_id, name=instance.name, street=instance.street,
            house_number=instance.house_number, postal_code=instance.postal_code, operator=instance.operator,
            capacity=instance.capacity, category=str(instance.category), category_2_subtype=instance.category_2_subtype,
            start_date=instance.start_date, end_date=instance.end_date, accessible=bool(instance.accessible),
            pets_allowed=bool(instance.pets_allowed), notes=instance.notes,
        )

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        # All or nothing: an invalid row rolls back the whole file, also on the confirmed import.
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
                                   collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True, **kwargs)

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs):
        """Parse every row, check all of them at once (place_register_bulk), write only if none is bad.
        Runs inside import_data's transaction, which is rolled back on a dry run or any error."""
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        try:
            self.before_import(dataset, **kwargs)
        except Exception as exc:  # reported like django-import-export does (result.base_errors)
            self.handle_import_error(result, exc, raise_errors)
        result.total_rows = len(dataset)
        if collect_failed_rows:
            result.add_dataset_headers(dataset.headers)
        actor = kwargs.get("user")
        if actor is None:
            self.handle_import_error(result, ValidationError("Import zonder gebruiker geweigerd."), raise_errors)
            return result
        kwargs.update(dry_run=dry_run, using_transactions=using_transactions)
        retain = self._meta.store_instance or kwargs.get("retain_instance_in_row_result", False)
        with_diff = dry_run and not self._meta.skip_diff  # the preview shows the rows; the confirmed import not

        rows = []  # (number, row, row_result, instance or None)
        parsed = []  # (index in rows, place_register arguments)
        progress = kwargs.get("progress")  # core's import task: progress(done, total) to its page
        step = max(1, len(dataset) // 100)
        for number, values in enumerate(dataset, 1):
            if progress is not None and number % step == 0:
                progress(number, len(dataset))
            row = OrderedDict(zip(dataset.headers, values, strict=False))
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_NEW
            if self._meta.store_row_values:
                row_result.row_values = row
            instance = ReceptionPlace()
            try:
                self.import_instance(instance, row, row_number=number, **kwargs)
            except ValidationError as exc:
                row_result.import_type = RowResult.IMPORT_TYPE_INVALID
                row_result.validation_error = exc
                instance = None
            else:
                parsed.append((len(rows), self._place_arguments(instance)))
            rows.append((number, row, row_result, instance))

        has_invalid_rows = len(parsed) < len(rows)
        places = []
        try:
            places = services.place_register_bulk(
                actor=actor, places=[arguments for _i, arguments in parsed], source=PlaceSources.IMPORT,
                check_only=has_invalid_rows,
            )
        except services.PlaceBatchError as exc:
            for index, error in exc.errors.items():
                row_result = rows[parsed[index][0]][2]
                row_result.import_type = RowResult.IMPORT_TYPE_INVALID
                row_result.validation_error = error
        except Exception as exc:  # a database error on insert: the whole file fails, nothing is kept
            self.handle_import_error(result, exc, raise_errors)
        else:
            for (position, _arguments), place in zip(parsed, places, strict=True):
                number, row, row_result, instance = rows[position]
                row_result.add_instance_info(place)
                if retain:
                    row_result.instance = place
                if with_diff:
                    diff = self.get_diff_class()(self, ReceptionPlace(), True)
                    diff.compare_with(self, place)
                    if not self._meta.skip_html_diff:
                        row_result.diff = diff.as_html()

        first_invalid = None
        for number, row, row_result, _instance in rows:
            result.increment_row_result_total(row_result)
            if row_result.validation_error is not None:
                result.append_invalid_row(number, row, row_result.validation_error)
                if collect_failed_rows:
                    result.append_failed_row(row, row_result.validation_error)
                first_invalid = first_invalid or (number, row, row_result.validation_error)
            result.append_row_result(row_result)
        if raise_errors and first_invalid is not None:
            number, row, error = first_invalid
            raise exceptions.ImportError(error, number=number, row=row)
        try:
            self.after_import(dataset, result, **kwargs)
        except Exception as exc:
            self.handle_import_error(result, exc, raise_errors)
        return result

    def after_import(self, dataset, result, **kwargs):
        # ModelResource.after_import resets the id sequence to max(id) after new rows (a loaddata
        # habit for files with ids). The import never sets ids, and resetting under concurrent
        # inserts could hand out an id twice: not done.
        return None
