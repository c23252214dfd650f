"""django-import-export resource for the Statbel population file (used by the admin and the command)."""

from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from geo.models import Municipality, PopulationFigure
from geo.services import population_parse


class PopulationImportError(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__(
            _("Het bestand is niet ingelezen; geen enkele rij is opgeslagen. Fouten: ")
            + "; ".join(
                _("rij %(line)s: %(message)s") % {"line": line, "message": message} if line else str(message)
                for line, message in errors
            )
        )


class StatbelPopulationResource(resources.ModelResource):
    """Reads the Statbel file as is: BOM, aggregate rows, pre-2025 codes summed into the merged
    municipality. The dataset is validated whole before any row is written."""

    municipality = fields.Field(attribute="municipality", column_name="refnis", widget=ForeignKeyWidget(Municipality, "refnis"))

    class Meta:
        model = PopulationFigure
        fields = ("municipality", "year", "men", "women", "total")
        import_id_fields = ("municipality", "year")
        use_transactions = True
        skip_unchanged = False
        clean_model_instances = True

    def __init__(self, year: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.year = year

    @staticmethod
    def _empty(dataset):
        dataset.wipe()
        dataset.headers = ["refnis", "year", "men", "women", "total"]

    def before_import(self, dataset, **kwargs):
        year = self.year or kwargs.get("year")
        if not year:
            self._empty(dataset)
            raise PopulationImportError([(0, _("Geef het referentiejaar op (bevolking op 1 januari)."))])
        result = population_parse([list(r) for r in dataset], header=list(dataset.headers or []))
        if result.errors:
            # import-export goes on with the rows after a before_import error: leave none, so that the
            # report lists the bad rows only (not every raw row as "field may not be empty").
            self._empty(dataset)
            raise PopulationImportError(result.errors)
        self._empty(dataset)
        for refnis, values in sorted(result.figures.items()):
            dataset.append([refnis, int(year), values["men"], values["women"], values["total"]])
        self.parse_result = result
        self.import_year = int(year)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        from audit.constants import AuditActions
        from audit.services import audit_log

        figures = self.parse_result.figures
        audit_log(
            actor=kwargs.get("user"),
            action=AuditActions.IMPORT,
            object_type="geo.populationfigure",
            object_id=self.import_year,
            object_repr=f"Bevolking {self.import_year} ({len(figures)} gemeenten)",
            changes={
                "year": self.import_year,
                "file": str(kwargs.get("file_name") or ""),
                "municipalities": len(figures),
                "total": sum(v["total"] for v in figures.values()),
            },
        )
