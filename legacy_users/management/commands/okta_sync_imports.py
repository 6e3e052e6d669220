from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from legacy_users.management.common import okta_session, parse_when
from legacy_users.services.okta_log import okta_imports_sync


class Command(BaseCommand):
    help = (
        "Read user.import.password events from Okta's System Log since the last run, up to a "
        "minute ago (the polling alternative to the event hook), and confirm (and purge) those "
        "users; then look up event hook deliveries awaiting Okta's record. Each run ends once "
        "it has read what there is; run it every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            default="",
            help="Date or ISO time to read from (default: where the last "
            "run stopped; a first run reads Okta's last 7 days).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = parse_when(options["since"], "--since") if options["since"] else None
        with okta_session() as client:
            report = okta_imports_sync(client=client, since=since)
        self.stdout.write(f"Read {report.read} events from {report.since} to {report.until}.")
        for effect, count in report.applied.most_common():
            self.stdout.write(f"  {effect}: {count}")
        if report.checked:
            self.stdout.write("Event hook deliveries looked up in the System Log:")
            for outcome, count in report.checked.most_common():
                self.stdout.write(f"  {outcome}: {count}")
        self.stdout.write(f"The next run reads from {report.until}.")
