from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legacy_users.management.common import add_public_url_argument, hook_locations, okta_session
from legacy_users.services.okta_hooks import okta_hooks_register


class Command(BaseCommand):
    help = (
        "Create (or update) and activate Okta's password import inline hook pointing at "
        "<public-url>/hooks/password-import, and the user.import.password event hook at "
        "<public-url>/hooks/okta-events, which Okta then verifies. Idempotent: a hook Okta "
        "already holds as wanted is not written again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_public_url_argument(parser)
        parser.add_argument(
            "--rotate-secret",
            action="store_true",
            help="Send the hooks' secrets (the first of OKTA_HOOK_AUTH_VALUES and of "
            "OKTA_EVENT_HOOK_AUTH_VALUES) even when nothing else changed. Okta never shows a "
            "hook's secret, so a changed secret is only sent with this flag.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with okta_session() as client:
            try:
                actions = okta_hooks_register(
                    client=client, rotate_secret=options["rotate_secret"], **hook_locations(options)
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        for action in actions:
            self.stdout.write(action)
        self.stdout.write(self.style.SUCCESS("Okta's hooks point at this portal."))
