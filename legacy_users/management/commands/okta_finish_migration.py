import contextlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from legacy_users.management.common import okta_session_if, output_file, parse_when
from legacy_users.models import OktaPushState
from legacy_users.services.okta_finish import okta_migration_finish


class Command(BaseCommand):
    help = (
        "End of the migration window: report the users loaded before --cutoff who never "
        "signed in, --export them to a CSV for a reset campaign, --expire-passwords in Okta "
        "(they must reset), and --deactivate-hook to switch the inline hook off."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cutoff", required=True, help="YYYY-MM-DD or ISO time.")
        parser.add_argument("--export", default=None, help="Write those users to this CSV.")
        parser.add_argument("--expire-passwords", action="store_true")
        parser.add_argument("--deactivate-hook", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = parse_when(options["cutoff"], "--cutoff")
        needs_okta = options["expire_passwords"] or options["deactivate_hook"]
        with contextlib.ExitStack() as stack:
            client = stack.enter_context(okta_session_if(needs_okta))
            out = stack.enter_context(output_file(options["export"])) if options["export"] else None
            report = okta_migration_finish(
                client=client,
                cutoff=cutoff,
                export_to=out,
                expire_passwords=options["expire_passwords"],
                deactivate_hook=options["deactivate_hook"],
            )
        labels = dict(OktaPushState.choices)
        self.stdout.write(
            f"{report.never_signed_in} users loaded before {cutoff:%Y-%m-%d %H:%M} never signed in:"
        )
        for state, count in report.by_push_state.most_common():
            self.stdout.write(f"  {labels.get(state, state)}: {count}")
        if options["export"]:
            self.stdout.write(f"Exported {report.exported} users to {options['export']}.")
        for what, count in report.expired.most_common():
            self.stdout.write(f"Okta passwords {what}: {count}")
        for line in report.hook:
            self.stdout.write(line)
