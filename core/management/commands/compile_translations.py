"""Compile every .po file of the project into .mo with polib (pure Python: no gettext needed),
so that a fresh machine with only Python can build the Dutch/English UI."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's translations (.po → .mo) without GNU gettext."

    def handle(self, *args, **options):
        roots = [Path(p) for p in settings.LOCALE_PATHS]
        roots += [settings.BASE_DIR / app / "locale" for app in settings.LOCAL_APPS]
        count = 0
        for root in roots:
            for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")) if root.exists() else []:
                po = polib.pofile(str(po_path))
                po.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} translation catalogues compiled."))
