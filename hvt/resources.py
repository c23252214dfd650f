"""Bulk import of reception places (CSV/XLSX, django-import-export). Every row goes through
hvt.services.place_register, so the import obeys the same rules as the form and the API:
postal code of the municipality, start date, category-2 type, and the importer's scope. The
import is all-or-nothing: one bad row and nothing is written (the row report names it)."""

from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.widgets import BooleanWidget, DateWidget

from hvt import services
from hvt.constants import PlaceSources
from hvt.models import ReceptionPlace


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
        for name in ("name", "notes", "category_2_subtype"):
            if getattr(instance, name) is None:
                setattr(instance, name, "")

    def save_instance(self, instance, is_create, row, **kwargs):
        actor = kwargs.get("user")
        if actor is None:
            raise ValidationError("Import zonder gebruiker geweigerd.")
        place = services.place_register(
            actor=actor, municipality=str(instance.municipality_id or ""), name=instance.name or "",
            street=instance.street or "", house_number=instance.house_number or "",
            postal_code=str(instance.postal_code or ""), operator=instance.operator or "",
            capacity=instance.capacity, category=str(instance.category or ""),
            category_2_subtype=instance.category_2_subtype or "", start_date=instance.start_date,
            end_date=instance.end_date, accessible=bool(instance.accessible), pets_allowed=bool(instance.pets_allowed),
            notes=instance.notes or "", source=PlaceSources.IMPORT,
        )
        instance.pk = place.pk
        instance.status = place.status

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        # All or nothing: an invalid row rolls back the whole file, also on the confirmed import.
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
                                   collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True, **kwargs)
