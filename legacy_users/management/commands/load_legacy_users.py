import os
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from legacy_users.loading.readers import FORMATS, SourceError
from legacy_users.management.common import (
    add_hash_arguments,
    add_reading_arguments,
    parse_hash_options,
    parse_mapping,
    write_ambiguous,
    write_audit,
)
from legacy_users.services.audit import audit_file
from legacy_users.services.hash_timing import hash_costs_measure
from legacy_users.services.loading import legacy_users_load

MAX_ERRORS_SHOWN = 50
PLAIN_PROGRESS_SECONDS = 5.0


class Progress:
    """A progress bar on a terminal; a plain line every few seconds anywhere else (CI, logs)."""

    def __init__(self, command: BaseCommand, path: str) -> None:
        self.command = command
        size = os.path.getsize(path) if path != "-" and os.path.isfile(path) else None
        self.compressed = path.endswith(".gz")
        self.bar = None
        if sys.stderr.isatty():
            self.bar = tqdm(
                total=None if self.compressed else size,
                unit="B",
                unit_scale=True,
                desc="loading",
                file=sys.stderr,
            )
        self.started = self.last = time.monotonic()
        self.bytes = 0

    def __call__(self, rows: int, bytes_read: int) -> None:
        if self.bar is not None:
            self.bar.update(bytes_read - self.bytes)
            self.bar.set_postfix(rows=rows)
            self.bytes = bytes_read
            return
        now = time.monotonic()
        if now - self.last >= PLAIN_PROGRESS_SECONDS:
            self.last = now
            rate = rows / max(now - self.started, 1e-9)
            self.command.stderr.write(f"... {rows} rows read ({rate:,.0f} rows/s)")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Command(BaseCommand):
    help = (
        "Load legacy users from a CSV, JSON array or JSON Lines export (optionally gzipped; "
        "- reads stdin). Columns: login and password_hash (required); email, first_name, "
        "last_name, hash_format, salt, hash_params, source (optional); any other column goes "
        "into the profile. Bad rows are reported with their line and reason; over --max-errors "
        "of them (default 0), nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The export file (.csv, .json, .jsonl, .gz; - for stdin).")
        parser.add_argument("--format", choices=FORMATS, default="", help="Override the format.")
        add_reading_arguments(parser)
        parser.add_argument("--source", default="", help="Source system for rows without one.")
        add_hash_arguments(parser)
        parser.add_argument(
            "--max-errors",
            type=int,
            default=0,
            help="Bad rows to tolerate (left out); over this, nothing is written. Default 0.",
        )
        parser.add_argument(
            "--errors-file",
            default=None,
            help="Write the bad rows to this CSV (created readable by you only, 0600; no "
            "hash, salt or hash parameters unless --errors-with-hashes).",
        )
        parser.add_argument(
            "--errors-with-hashes",
            action="store_true",
            help="Keep the bad rows' hashes, salts and hash parameters in --errors-file.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Do everything, report, then roll back."
        )
        parser.add_argument(
            "--audit-only",
            action="store_true",
            help="Only report the hash formats (as audit_hashes does); write nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hash_format, params = parse_hash_options(options)
        mapping = parse_mapping(options["map"])
        if options["max_errors"] < 0:
            raise CommandError("--max-errors must be 0 or more")
        if options["audit_only"]:
            try:
                audit = audit_file(
                    path=options["path"],
                    file_format=options["format"],
                    hash_format=hash_format,
                    hash_params=params,
                    delimiter=options["delimiter"],
                    mapping=mapping,
                )
            except SourceError as exc:
                raise CommandError(str(exc)) from None
            write_audit(self, audit)
            return
        progress = Progress(self, options["path"])
        started = time.monotonic()
        try:
            report = legacy_users_load(
                path=options["path"],
                file_format=options["format"],
                source=options["source"],
                hash_format=hash_format,
                hash_params=params,
                delimiter=options["delimiter"],
                mapping=mapping,
                dry_run=options["dry_run"],
                max_errors=options["max_errors"],
                errors_file=options["errors_file"],
                errors_with_hashes=options["errors_with_hashes"],
                on_progress=progress,
            )
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            raise CommandError("Interrupted: nothing was written.") from None
        finally:
            progress.close()
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Read {report.rows} rows from {report.path} ({report.file_format}, "
            f"{report.size / 1e6:.1f} MB) in {elapsed:.1f} s."
        )
        for error in report.errors[:MAX_ERRORS_SHOWN]:
            who = f" ({error.login})" if error.login else ""
            self.stderr.write(self.style.ERROR(f"{report.unit} {error.line}{who}: {error.reason}"))
        if report.error_count > MAX_ERRORS_SHOWN:
            more = report.error_count - MAX_ERRORS_SHOWN
            where = f" (all in {options['errors_file']})" if options["errors_file"] else ""
            self.stderr.write(f"... and {more} more bad rows{where}")
        if report.rejected:
            raise CommandError(
                f"{report.error_count} bad rows (over --max-errors {report.max_errors}); "
                "nothing was written."
            )
        counts = report.counts
        summary = (
            f"created {counts.created}, updated {counts.updated}, "
            f"unchanged {counts.unchanged}, skipped {counts.skipped} (past pending)"
        )
        if report.error_count:
            summary += f"; {report.error_count} bad rows left out"
        for choice, count in report.ambiguous.most_common():
            write_ambiguous(self, choice, count)
        if report.dry_run:
            self.stdout.write(
                self.style.WARNING(f"Dry run, nothing written: would have {summary}.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded: {summary}."))
            # The hook's refusals wait as long as the slowest check the loaded users cost.
            costs = hash_costs_measure()
            slowest = max(costs.values(), default=0.0)
            self.stdout.write(
                f"Slowest hash check now {slowest * 1000:.0f} ms: every UNVERIFIED answer "
                "waits at least that long."
            )
