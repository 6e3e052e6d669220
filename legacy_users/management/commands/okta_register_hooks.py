from django.core.management.base import BaseCommand, CommandError

from legacy_users.management.common import okta_client_or_error
from legacy_users.services.okta_sync import okta_hooks_register
from okta import OktaError


class Command(BaseCommand):
    help = (
        "Create (or update) and activate Okta's password import inline hook pointing at "
        "<public-url>/hooks/password-import, and the user.import.password event hook at "
        "<public-url>/hooks/okta-events, which Okta then verifies. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--public-url", required=True, help="https://portal.example.com (where Okta calls)."
        )

    def handle(self, *args, **options):
        client = okta_client_or_error()
        try:
            actions = okta_hooks_register(client=client, public_url=options["public_url"])
        except (OktaError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        finally:
            client.close()
        for action in actions:
            self.stdout.write(action)
        self.stdout.write(self.style.SUCCESS("Okta's hooks point at this portal."))
