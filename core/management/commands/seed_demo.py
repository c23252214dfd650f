"""Fill the application with demo data (labelled as demo). Idempotent.

Each app contributes in ``<app>/demo.py`` a ``seed(stdout, *, options)`` function, run in the order of
LOCAL_APPS (geo/accounts first: the others build on them).
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from core.registry import app_modules


class Command(BaseCommand):
    help = "Create demo organisations, one account per role code (demo-<role>), and each app's demo data."

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true", help="less data (tests, CI)")

    def handle(self, *args, small: bool = False, **options):
        for app, module in app_modules("demo"):
            self.stdout.write(f"[{app}] demo data …")
            module.seed(self.stdout, small=small)
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Password of every demo-<role> account: {settings.DEMO_PASSWORD}"))
