from pathlib import Path

from django.core.management.base import BaseCommand

from geo.services import boundaries_import


class Command(BaseCommand):
    help = "Import municipality boundaries from TopoJSON or GeoJSON (pre-2025 codes are merged)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--code-property", default="nis")
        parser.add_argument("--object", default=None, help="TopoJSON object name (default: the first)")

    def handle(self, *args, path: Path, code_property: str, object: str | None, **options):
        counts = boundaries_import(raw=path.read_bytes(), code_property=code_property, object_name=object)
        self.stdout.write(self.style.SUCCESS(", ".join(f"{k}: {v}" for k, v in counts.items())))
