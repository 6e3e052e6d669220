import contextlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from legacy_users.management.common import output_file
from legacy_users.models import MigrationStatus
from legacy_users.services.export import legacy_users_export


class Command(BaseCommand):
    help = (
        "Export legacy users as CSV or JSON Lines, optionally only some statuses (e.g. the "
        "pending ones, who never signed in, for a reset campaign). Hashes only with "
        "--include-hashes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", default="-", help="File to write (default stdout).")
        parser.add_argument("--format", choices=("csv", "jsonl"), default="csv")
        parser.add_argument(
            "--status",
            action="append",
            default=[],
            choices=MigrationStatus.values,
            help="Only users in this status (repeatable).",
        )
        parser.add_argument(
            "--include-hashes",
            action="store_true",
            help="Also write password_hash, hash_format, salt, hash_params. Handle with care.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["output"]
        with contextlib.ExitStack() as stack:
            out = self.stdout if path == "-" else stack.enter_context(output_file(path))
            count = legacy_users_export(
                out=out,
                statuses=options["status"],
                file_format=options["format"],
                include_hashes=options["include_hashes"],
            )
        self.stderr.write(f"Exported {count} users.")
