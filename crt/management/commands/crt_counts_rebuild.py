from django.core.management.base import BaseCommand

from crt.services import counts_rebuild


class Command(BaseCommand):
    help = ("Recompute the CRT counts at a date (crt.CountChange) from the persons, dossiers, address periods "
            "and status changes: after a bulk load or a restore; the nightly job does the same.")

    def handle(self, *args, **options):
        differing = counts_rebuild()
        self.stdout.write(self.style.SUCCESS(f"CRT counts rebuilt; {differing} cell(s) differed from the kept counts."))
