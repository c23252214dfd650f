from django.core.management.base import BaseCommand

from geo.services import bundled_boundaries_load, bundled_population_load, reference_data_load


class Command(BaseCommand):
    help = (
        "Load provinces, the 285 Flemish municipalities, postal codes and the 2025 merger map, then fill in the "
        "2020 population and the boundaries from the files in geo/data/ (idempotent; imported figures are kept)."
    )

    def handle(self, *args, **options):
        counts = reference_data_load()
        counts["population_2020_added"] = bundled_population_load()
        counts["boundaries_added"] = bundled_boundaries_load()
        self.stdout.write(self.style.SUCCESS(", ".join(f"{k}: {v}" for k, v in counts.items())))
