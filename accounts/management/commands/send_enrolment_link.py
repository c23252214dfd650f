"""Mail an account's own address a link to set up the second factor: for the first superuser of a
fresh installation (``createsuperuser``), who has nobody to ask in the admin. The link goes only
to the address on the account, as from the second-factor page; SITE_URL gives its host."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import otp_enrolment_link_send


class Command(BaseCommand):
    help = "Send USERNAME's own e-mail address a single-use link to set up the second factor."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}.")
        if not otp_enrolment_link_send(user=user):
            raise CommandError("No link sent: the account is inactive, has no e-mail address, or got one minutes ago.")
        self.stdout.write(self.style.SUCCESS(f"Enrolment link sent to the address of {username}."))
