from django.conf import settings

from geo.models import Municipality, PopulationFigure
from geo.services import population_parse, population_read_csv, population_store, reference_data_load


def seed(stdout, *, small: bool = False) -> None:
    if not Municipality.objects.exists():
        reference_data_load()
    source = settings.SHARED_DATA_DIR / "statbel-population-by-municipality-2020.csv"
    if not PopulationFigure.objects.exists() and source.exists():
        header, rows = population_read_csv(source.read_bytes())
        parsed = population_parse(rows, header=header)
        if not parsed.errors:
            population_store(figures=parsed.figures, year=2020)
            stdout.write(f"  population 2020 imported for {len(parsed.figures)} municipalities")
