from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core import uploads
from geo.resources import StatbelPopulationResource


class Command(BaseCommand):
    help = ("Import a Statbel population file (CSV as downloaded) for a reference year. All rows or none. "
            "The file limits of the admin import apply (IMPORT_MAX_UPLOAD_BYTES, IMPORT_MAX_ROWS).")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--year", type=int, required=True, help="reference year (population on 1 January)")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, path: Path, year: int, dry_run: bool, **options):
        raw = path.read_bytes()
        try:
            dataset = uploads.read_dataset(raw, uploads.check_file(path.name, raw))
        except uploads.UploadRefused as exc:
            raise CommandError(_("Niets opgeslagen.") + "\n" + str(exc)) from exc
        resource = StatbelPopulationResource(year=year)
        result = resource.import_data(dataset, dry_run=dry_run, raise_errors=False, use_transactions=True)
        if result.has_errors() or result.has_validation_errors():
            messages = [str(e.error) for e in result.base_errors]
            messages += [_("rij %(line)s: %(message)s") % {"line": line, "message": err.error}
                         for line, errors in result.row_errors() for err in errors]
            messages += [_("rij %(line)s: %(message)s") % {"line": r.number, "message": r.error_dict}
                         for r in result.invalid_rows]
            raise CommandError(_("Niets opgeslagen.") + "\n" + "\n".join(messages))
        totals = result.totals
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Proef: ' if dry_run else ''}{len(dataset)} gemeenten voor {year} "
                f"(nieuw {totals.get('new', 0)}, bijgewerkt {totals.get('update', 0)})."
            )
        )
