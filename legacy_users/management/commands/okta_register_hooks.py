from django.core.management.base import BaseCommand, CommandError

from hooks.urls import hook_path
from legacy_users.management.common import okta_session
from legacy_users.services.okta_hooks import okta_hooks_register


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
        with okta_session() as client:
            try:
                actions = okta_hooks_register(
                    client=client,
                    public_url=options["public_url"],
                    inline_path=hook_path("password-import"),
                    events_path=hook_path("okta-events"),
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        for action in actions:
            self.stdout.write(action)
        self.stdout.write(self.style.SUCCESS("Okta's hooks point at this portal."))
