from geo.models import Municipality
from geo.services import bundled_boundaries_load, bundled_population_load, reference_data_load


def seed(stdout, *, small: bool = False) -> None:
    """The demo needs population (targets) and boundaries (the map): the files the product carries."""
    if not Municipality.objects.exists():
        reference_data_load()
    added = bundled_population_load()
    if added:
        stdout.write(f"  population 2020 added for {added} municipalities")
    added = bundled_boundaries_load()
    if added:
        stdout.write(f"  boundaries added for {added} municipalities")
