from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from legacy_users.management.common import parse_when
from legacy_users.services.migration import users_purge_hashes, users_purgeable


class Command(BaseCommand):
    help = (
        "Wipe the legacy hashes of users Okta confirmed before a date. Never touches a user "
        "Okta has not confirmed (their hash may still be needed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--confirmed-before", required=True, help="YYYY-MM-DD or ISO time.")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        before = parse_when(options["confirmed_before"], "--confirmed-before")
        if options["dry_run"]:
            count = users_purgeable(confirmed_before=before).count()
            self.stdout.write(f"Would purge the hashes of {count} confirmed users.")
            return
        count = users_purge_hashes(at=timezone.now(), confirmed_before=before)
        self.stdout.write(self.style.SUCCESS(f"Purged the hashes of {count} confirmed users."))
