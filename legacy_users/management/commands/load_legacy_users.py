from django.core.management.base import BaseCommand, CommandError

from legacy_users.loading.readers import FORMATS, SourceError
from legacy_users.management.common import add_hash_arguments, parse_hash_options, write_audit
from legacy_users.services.audit import audit_file
from legacy_users.services.loading import legacy_users_load

MAX_ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Load legacy users from a CSV or JSON Lines export. Columns: login and "
        "password_hash (required); email, first_name, last_name, hash_format, salt, "
        "hash_params, source (optional); any other column goes into the profile. "
        "All rows or none: any bad row means nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="The export file (.csv, .jsonl, optionally .gz; - for stdin)."
        )
        parser.add_argument("--format", choices=FORMATS, default="", help="Override the format.")
        parser.add_argument("--source", default="", help="Source system for rows without one.")
        add_hash_arguments(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and count, then roll back."
        )
        parser.add_argument(
            "--audit-only",
            action="store_true",
            help="Only report the hash formats (as audit_hashes does); write nothing.",
        )

    def handle(self, *args, **options):
        hash_format, params = parse_hash_options(options)
        if options["audit_only"]:
            try:
                audit = audit_file(
                    path=options["path"],
                    file_format=options["format"],
                    hash_format=hash_format,
                    hash_params=params,
                )
            except SourceError as exc:
                raise CommandError(str(exc)) from None
            write_audit(self, audit)
            return
        try:
            report = legacy_users_load(
                path=options["path"],
                file_format=options["format"],
                source=options["source"],
                hash_format=hash_format,
                hash_params=params,
                dry_run=options["dry_run"],
                on_progress=lambda rows: self.stderr.write(f"... {rows} rows read"),
            )
        except SourceError as exc:
            raise CommandError(str(exc)) from None

        self.stdout.write(f"Read {report.rows} rows from {report.path} ({report.file_format}).")
        if report.errors:
            for error in report.errors[:MAX_ERRORS_SHOWN]:
                who = f" ({error.login})" if error.login else ""
                self.stderr.write(self.style.ERROR(f"line {error.line}{who}: {error.reason}"))
            hidden = len(report.errors) - MAX_ERRORS_SHOWN
            if hidden > 0:
                self.stderr.write(f"... and {hidden} more bad rows")
            raise CommandError(f"{len(report.errors)} bad rows; nothing was written.")
        counts = report.counts
        summary = (
            f"created {counts.created}, updated {counts.updated}, "
            f"unchanged {counts.unchanged}, skipped {counts.skipped} (past pending)"
        )
        if report.dry_run:
            self.stdout.write(
                self.style.WARNING(f"Dry run, nothing written: would have {summary}.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded: {summary}."))
