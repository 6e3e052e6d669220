from django.core.management.base import BaseCommand

from legacy_users.management.common import okta_session
from legacy_users.services.okta_log import okta_imports_sync


class Command(BaseCommand):
    help = (
        "Read user.import.password events from Okta's System Log since the last run (the "
        "polling alternative to the event hook) and confirm (and purge) those users; then look "
        "up event hook deliveries awaiting Okta's record. Run it every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", default="", help="ISO time to start from (default: cursor).")

    def handle(self, *args, **options):
        with okta_session() as client:
            report = okta_imports_sync(client=client, since=options["since"])
        self.stdout.write(f"Read {report.read} events since {report.since or 'the start'}.")
        for effect, count in report.applied.most_common():
            self.stdout.write(f"  {effect}: {count}")
        if report.checked:
            self.stdout.write("Event hook deliveries looked up in the System Log:")
            for outcome, count in report.checked.most_common():
                self.stdout.write(f"  {outcome}: {count}")
        if report.until:
            self.stdout.write(f"Next run starts after {report.until}.")
