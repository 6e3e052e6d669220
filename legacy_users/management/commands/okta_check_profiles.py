from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legacy_users.app_settings import app_settings
from legacy_users.management.common import okta_session, write_profile_check
from legacy_users.services.okta_profiles import okta_profiles_check
from okta_api import UserSchema


class Command(BaseCommand):
    help = (
        "Check every user still to push against the org's user schema (read from Okta; "
        "Okta's default schema when Okta is not configured): counts and lists the users Okta "
        "would refuse, and why. Marks them 'profile refused' (the admin's push filter and "
        "the dashboard show them, the push skips them until their profile changes) unless "
        "--dry-run. Exits non-zero when any profile would be refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report only; record nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        if app_settings().okta_api_configured:
            with okta_session() as client:
                schema = client.user_schema()
            origin = "the org's user schema"
        else:
            schema = UserSchema.okta_default()
            origin = "Okta's default user schema (OKTA_ORG_URL is not set)"
        self.stdout.write(f"Checking against {origin}; logins must be {schema.login_rule}.")
        report = okta_profiles_check(schema=schema, record=not options["dry_run"])
        write_profile_check(self, report)
        if not options["dry_run"]:
            self.stdout.write(
                f"Recorded: {report.newly_refused} marked 'profile refused', "
                f"{report.cleared} cleared."
            )
        if report.refused:
            raise CommandError(f"Okta would refuse {report.refused} of {report.checked} profiles.")
