from django.core.management.base import BaseCommand

from crt.crypto import current_key_version
from crt.services import crt_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt every encrypted CRT column under the newest key of CRT_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        counts = crt_keys_rotate()
        for label, n in counts.items():
            self.stdout.write(f"  {label}: {n} re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"All CRT tokens are under key version {current_key_version()}."))
