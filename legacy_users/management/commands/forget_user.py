import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legacy_users.services.retention import user_forget


class Command(BaseCommand):
    help = (
        "Erase one person's data on request: their legacy user row (profile and hash), the "
        "hook calls made with their login and the Okta events about them. What remains is a "
        "record of how many rows were erased, when and by whom (never who the person was). "
        "It does not touch Okta: delete the user there too if the request covers it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("login")
        parser.add_argument(
            "--yes", action="store_true", help="Do it without asking (for scripts)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        login = options["login"]
        if not options["yes"]:
            answer = input(f"Erase every record of {login!r}? This cannot be undone. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("nothing erased")
        erasure = user_forget(login=login, requested_by=getpass.getuser())
        if not (erasure.users or erasure.hook_calls or erasure.okta_events):
            self.stdout.write(f"Nothing was recorded for {login!r}; the request is logged.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased {erasure.users} legacy user, {erasure.hook_calls} hook calls and "
                f"{erasure.okta_events} Okta events."
            )
        )
