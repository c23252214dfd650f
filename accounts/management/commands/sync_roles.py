from django.core.management.base import BaseCommand

from accounts.roles import roles_sync


class Command(BaseCommand):
    help = "Create one group per role code with exactly the permissions declared in code."

    def handle(self, *args, **options):
        missing = roles_sync()
        for role, perms in missing.items():
            self.stderr.write(f"{role}: unknown permissions {', '.join(perms)}")
        self.stdout.write(self.style.SUCCESS("Roles synced."))
