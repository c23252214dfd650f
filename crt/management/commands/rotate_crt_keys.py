from django.core.management.base import BaseCommand

from crt.crypto import current_key_version
from crt.services import crt_blind_index_rebuild, crt_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted CRT column under the newest key of CRT_ENCRYPTION_KEYS; with --reindex "
        "also recompute the national-number blind index under the current CRT_BLIND_INDEX_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reindex", action="store_true", help="recompute the blind index (after a new CRT_BLIND_INDEX_KEY)")

    def handle(self, *args, reindex: bool = False, **options):
        counts = crt_keys_rotate()
        for label, n in counts.items():
            self.stdout.write(f"  {label}: {n} re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"All CRT tokens are under key version {current_key_version()}."))
        if reindex:
            self.stdout.write(self.style.SUCCESS(f"Blind index recomputed for {crt_blind_index_rebuild()} person(s)."))
