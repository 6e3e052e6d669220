from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legacy_users.management.common import add_public_url_argument, hook_locations, okta_session
from legacy_users.services.okta_check import okta_org_check


class Command(BaseCommand):
    help = (
        "Before go-live, against the real org: the API token and its rate-limit headroom, both "
        "hooks registered, active and pointing at --public-url, the event hook verified, every "
        "profile still to push acceptable to the org's user schema, the System Log readable. "
        "Changes nothing; exits non-zero on a problem, with the fix."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_public_url_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with okta_session() as client:
            try:
                report = okta_org_check(client=client, **hook_locations(options))
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        for finding in report.findings:
            if finding.ok:
                self.stdout.write(self.style.SUCCESS("ok    ") + finding.what)
            else:
                self.stdout.write(self.style.ERROR("FAIL  ") + finding.what)
                self.stdout.write(f"      fix: {finding.fix}")
        if report.problems:
            raise CommandError(f"{report.problems} problem(s) to fix before go-live.")
        self.stdout.write(self.style.SUCCESS("The org is ready for the migration."))
