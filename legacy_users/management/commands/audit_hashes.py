from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legacy_users.loading.readers import FORMATS, SourceError
from legacy_users.management.common import (
    add_hash_arguments,
    add_reading_arguments,
    parse_hash_options,
    parse_mapping,
    write_audit,
)
from legacy_users.services.audit import audit_file, audit_users


class Command(BaseCommand):
    help = (
        "Pre-flight check before go-live: count hash formats in an export file (or, with no "
        "file, in the loaded users), list the hashes the portal cannot verify, and how many "
        "users Okta could import as hashes. Exits non-zero when any hash cannot be verified."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="An export file; omit to audit loaded users.")
        parser.add_argument("--format", choices=FORMATS, default="")
        add_reading_arguments(parser)
        add_hash_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        hash_format, params = parse_hash_options(options)
        try:
            audit = (
                audit_file(
                    path=options["path"],
                    file_format=options["format"],
                    hash_format=hash_format,
                    hash_params=params,
                    delimiter=options["delimiter"],
                    mapping=parse_mapping(options["map"]),
                )
                if options["path"]
                else audit_users()
            )
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        write_audit(self, audit)
