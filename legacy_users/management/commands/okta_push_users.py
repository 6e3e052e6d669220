import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from legacy_users.app_settings import app_settings
from legacy_users.management.common import okta_session_if
from legacy_users.models import OktaPushState
from legacy_users.services.okta_profiles import users_unpushed
from legacy_users.services.okta_push import PushStrategy, okta_users_push


class Command(BaseCommand):
    help = (
        "Create the pending legacy users in Okta. --strategy hook gives them the password "
        "import hook; --strategy auto sends the legacy hash itself where Okta can import it "
        "(bcrypt, salted SHA/MD5, PBKDF2-SHA256/512) and the hook for the rest. Resumable: "
        "users already pushed are skipped, failed ones are tried again. Every profile is checked "
        "against the org's user schema first: one Okta would refuse is not sent, and is "
        "reported with the reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--strategy", choices=[s.value for s in PushStrategy], default=PushStrategy.HOOK.value
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done.")
        parser.add_argument("--limit", type=int, default=None, help="Push at most N users.")

    def handle(self, *args: Any, **options: Any) -> None:
        todo = users_unpushed().count()
        if options["limit"]:
            todo = min(todo, options["limit"])
        bar = tqdm(total=todo, unit="user", disable=not self.stderr.isatty(), file=sys.stderr)
        done = [0]

        def progress(count: int) -> None:
            bar.update(count - done[0])
            done[0] = count
            if bar.disable:
                self.stderr.write(f"... {count}/{todo} users")

        try:
            # A dry run checks the profiles against the org's schema when Okta is configured.
            needed = not options["dry_run"] or app_settings().okta_api_configured
            with okta_session_if(needed) as client:
                report = okta_users_push(
                    client=client,
                    strategy=PushStrategy(options["strategy"]),
                    dry_run=options["dry_run"],
                    limit=options["limit"],
                    on_progress=progress,
                )
        finally:
            bar.close()
        labels = dict(OktaPushState.choices)
        prefix = "Would push" if report.dry_run else "Pushed"
        self.stdout.write(f"{prefix} {sum(report.states.values())} users:")
        for state, count in report.states.most_common():
            self.stdout.write(f"  {labels.get(state, state)}: {count}")
        if report.unchanged_refusals:
            self.stdout.write(
                f"  Not sent again, profile unchanged since Okta's schema refused it: "
                f"{report.unchanged_refusals}"
            )
        for login, error in report.errors:
            self.stderr.write(self.style.ERROR(f"{login}: {error}"))
        if client is not None and client.waited:
            self.stdout.write(f"Waited {client.waited:.1f} s for Okta's rate limits.")
        failed = report.states.get(OktaPushState.FAILED, 0)
        unanswered = report.states.get(OktaPushState.UNANSWERED_HOOK, 0) + report.states.get(
            OktaPushState.UNANSWERED_HASH, 0
        )
        if failed or unanswered:
            raise CommandError(
                f"{failed} users failed and Okta did not answer for {unanswered}; run again "
                "to retry them."
            )
