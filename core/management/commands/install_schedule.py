from django.core.management.base import BaseCommand

from core.beat import schedule_install


class Command(BaseCommand):
    help = "Create the default periodic tasks that do not exist yet (never overwrites an edited one)."

    def handle(self, *args, **options):
        created = schedule_install()
        self.stdout.write(self.style.SUCCESS(f"{len(created)} periodic task(s) created: {', '.join(created) or '-'}"))
