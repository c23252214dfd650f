"""What the HVT imports through core's stored import (core.importing): reception places."""

from django.utils.translation import gettext_lazy as _

from core.importing import ImportKind
from hvt.resources import PlaceResource


class PlaceImportResource(PlaceResource):
    """The bulk place import as the import task runs it: the report previews the file's own rows, so
    no per-row HTML diff is built (at 20,000 rows that diff costs more than the check itself)."""

    class Meta(PlaceResource.Meta):
        skip_diff = True


def _resource(options):
    return PlaceImportResource()


IMPORT_KINDS = [
    ImportKind(
        code="hvt.places",
        label=_("Opvangplaatsen"),
        model="hvt.receptionplace",
        permission="hvt.add_receptionplace",
        resource=_resource,
        columns=("refnis", "name", "street", "house_number", "postal_code", "operator", "capacity", "category",
                 "category_2_subtype", "start_date", "end_date", "accessible", "pets_allowed", "notes"),
        help_text=_("Elke rij is een nieuwe opvangplaats, onder dezelfde regels als het formulier en binnen uw "
                    "gemeenten. Datums als JJJJ-MM-DD. Eén foute rij en er wordt niets opgeslagen."),
    ),
]
