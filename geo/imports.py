"""What geo imports through core's stored import (core.importing): the Statbel population file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.importing import ImportKind
from geo.resources import PopulationImportError, StatbelPopulationResource
from geo.services import STATBEL_COLUMNS


class PopulationOptionsForm(forms.Form):
    year = forms.IntegerField(label=_("Referentiejaar (bevolking op 1 januari)"), min_value=1990, max_value=2100)


def _resource(options):
    return StatbelPopulationResource(year=options.get("year"))


IMPORT_KINDS = [
    ImportKind(
        code="geo.population",
        label=_("Bevolkingscijfers (Statbel)"),
        model="geo.populationfigure",
        permission="geo.add_populationfigure",
        resource=_resource,
        options_form=PopulationOptionsForm,
        columns=STATBEL_COLUMNS,
        help_text=_("Het bestand van Statbel zoals gedownload; gemeenten van voor de fusies van 2025 worden bij hun "
                    "nieuwe gemeente opgeteld. Een fout en er wordt niets opgeslagen."),
        known_errors=(PopulationImportError,),
    ),
]
