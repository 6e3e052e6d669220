from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from legacy_users.management.common import okta_session_if
from legacy_users.services.okta_finish import okta_weak_passwords_expire


class Command(BaseCommand):
    help = (
        "Expire the Okta password of confirmed users whose imported password is weak, so they "
        "choose a new one (under Okta's policy) at their next sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        with okta_session_if(not options["dry_run"]) as client:
            outcome = okta_weak_passwords_expire(client=client, dry_run=options["dry_run"])
        if not outcome:
            self.stdout.write("No confirmed user has a weak password left to expire.")
        for what, count in outcome.most_common():
            self.stdout.write(f"{what}: {count}")
