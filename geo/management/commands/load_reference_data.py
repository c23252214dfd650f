from django.core.management.base import BaseCommand

from geo.services import reference_data_load


class Command(BaseCommand):
    help = "Load provinces, the 285 Flemish municipalities, postal codes and the 2025 merger map (idempotent)."

    def handle(self, *args, **options):
        counts = reference_data_load()
        self.stdout.write(self.style.SUCCESS(", ".join(f"{k}: {v}" for k, v in counts.items())))
