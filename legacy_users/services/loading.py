"""Load a legacy user export: stream, validate, stage, apply the upsert rules; all or nothing.

The whole load is one transaction. Rows stream from the file through validation into a
temporary staging table (COPY on PostgreSQL), then a few set-based statements apply the rules
(`legacy_users.loading.staging`). Too many bad rows, a dry run, an exception, Ctrl-C or a lost
connection roll everything back; a killed process leaves an open transaction the database
rolls back itself. Each run is recorded as a `LoadRun` once it has ended.
"""

from __future__ import annotations

import csv
import gc
import itertools
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from legacy_users.hashing.registry import CHOICE
from legacy_users.hashing.secrets import redact_secrets
from legacy_users.loading.digests import RowDigests, known_digests, row_login_key
from legacy_users.loading.readers import Source, SourceError, SourceRow, iter_rows, open_source
from legacy_users.loading.staging import (
    DirectLoadConflict,
    Stage,
    UpsertCounts,
    users_table_is_empty,
)
from legacy_users.loading.validation import LoadDefaults, RowError, RowValidator, UserRecord
from legacy_users.metrics import LOADER_ROWS
from legacy_users.models import LegacyUser, LoadOutcome, LoadRun
from legacy_users.services.export import spreadsheet_safe

PROGRESS_EVERY = 10_000
#: Rows whose stored digests a re-load looks up in one query.
LOOKUP_BATCH = 2_000
#: Bad rows kept in memory (and in the run's record); all of them go to --errors-file.
ERRORS_KEPT = 1000
#: A row's fields the errors file leaves out unless asked (`--errors-with-hashes`).
SECRETS = frozenset({"password_hash", "salt", "hash_params"})


@dataclass(slots=True)
class LoadReport:
    """What a load found and did. `written` is False after a dry run or a rejected load."""

    path: str
    file_format: str = ""
    unit: str = "line"
    rows: int = 0
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    dry_run: bool = False
    max_errors: int = 0
    outcome: str = ""
    written: bool = False
    run_id: int | None = None
    size: int = 0
    sha256: str = ""
    #: Hashes whose shape several systems write, by their choice of formats (`a|b`).
    ambiguous: Counter[str] = field(default_factory=Counter)

    @property
    def rejected(self) -> bool:
        return self.error_count > self.max_errors

    def reset(self) -> None:
        """Forget a pass that was abandoned (its transaction rolled back)."""
        self.rows, self.error_count = 0, 0
        self.errors.clear()
        self.counts = UpsertCounts()


class _RollBack(Exception):
    """Raised inside the load's transaction to undo it."""


class ErrorsFile:
    """The bad rows, streamed to a CSV: position, login, reason, and the row as JSON.

    The file is created readable by its owner only (0600), holds no hash, salt or hash
    parameters unless `with_hashes`, and is safe to open in a spreadsheet (formula-leading
    cells neutralised, as the exports are)."""

    def __init__(self, path: str | None, *, with_hashes: bool = False) -> None:
        self.path = path
        self.with_hashes = with_hashes
        self._file: TextIO | None = None
        self._writer: Any = None  # a csv writer, once the file is open

    def __enter__(self) -> ErrorsFile:
        if self.path:
            try:
                descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.fchmod(descriptor, 0o600)  # an existing file keeps its mode otherwise
                self._file = open(descriptor, "w", newline="", encoding="utf-8")
            except OSError as exc:
                raise SourceError(
                    f"cannot write the errors file {self.path!r}: {exc.strerror}"
                ) from None
            self._writer = csv.writer(self._file)
            self._writer.writerow(["position", "login", "reason", "row"])
        return self

    def reset(self) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            self._writer.writerow(["position", "login", "reason", "row"])

    def write(self, error: RowError, fields: Mapping[str, Any] | None) -> None:
        if self._writer is not None:
            kept = {k: v for k, v in (fields or {}).items() if self.with_hashes or k not in SECRETS}
            row = json.dumps(kept, ensure_ascii=False, default=str) if kept else ""
            cells = [error.login, error.reason, row]
            self._writer.writerow([error.line, *map(spreadsheet_safe, cells)])

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()


def legacy_users_load(
    *,
    path: str,
    file_format: str = "",
    source: str = "",
    hash_format: str = "",
    hash_params: Mapping[str, Any] | None = None,
    delimiter: str = "",
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    max_errors: int = 0,
    errors_file: str | None = None,
    errors_with_hashes: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> LoadReport:
    """Validate every row of `path` and upsert the users, atomically.

    Raises `SourceError` when the file as a whole cannot be read (or `errors_file` cannot be
    written). Row problems do not raise:
    they are counted and reported (position, login, reason). Up to `max_errors` bad rows are
    left out and the rest is loaded; one more and nothing is written.
    """
    report = LoadReport(path=path, dry_run=dry_run, max_errors=max_errors)
    options = {
        "format": file_format,
        "source": source,
        "hash_format": hash_format,
        "hash_params": dict(hash_params or {}),
        "delimiter": delimiter,
        "map": dict(mapping or {}),
        "dry_run": dry_run,
        "max_errors": max_errors,
    }
    started = timezone.now()
    outcome, message = LoadOutcome.FAILED, ""
    try:
        with (
            open_source(path, file_format) as src,
            ErrorsFile(errors_file, with_hashes=errors_with_hashes) as bad_rows,
        ):
            report.file_format, report.unit = src.file_format, src.unit
            try:
                with transaction.atomic(), _long_lived_objects_frozen():
                    direct = path != "-" and users_table_is_empty(connection)
                    try:
                        with transaction.atomic():
                            _load(src, report, bad_rows, options, on_progress, direct=direct)
                    except DirectLoadConflict:
                        # A login twice in the file: start again through the staging table,
                        # which names both lines. (Only files, never stdin, are read twice.)
                        report.reset()
                        bad_rows.reset()
                        with open_source(path, file_format) as again:
                            _load(again, report, bad_rows, options, on_progress, direct=False)
                            src = again
                    report.size, report.sha256 = src.size, src.sha256
                    if report.rejected or dry_run:
                        raise _RollBack
            except _RollBack:
                outcome = LoadOutcome.REJECTED if report.rejected else LoadOutcome.DRY_RUN
            else:
                report.written = True
                outcome = LoadOutcome.LOADED
    except KeyboardInterrupt:
        outcome, message = LoadOutcome.INTERRUPTED, "interrupted (Ctrl-C); nothing was written"
        raise
    except DatabaseError as exc:
        message = f"database error: {type(exc).__name__}; nothing was written"
        raise
    except SourceError as exc:
        message = str(exc)
        raise
    finally:
        report.outcome = outcome
        _record(report, options, started, message)
    return report


@contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """Everything alive before the load (Django, the app, the hash formats) is left out of
    Python's garbage collections for its duration: a load makes a dictionary or two per row,
    which sets off a collection every few hundred rows, and each full one walked all of it
    again (a tenth of the loader's CPU on a million rows). What the load itself makes is
    collected as usual."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _load(
    src: Source,
    report: LoadReport,
    bad_rows: ErrorsFile,
    options: dict[str, Any],
    on_progress: Callable[[int, int], None] | None,
    *,
    direct: bool,
) -> None:
    defaults = LoadDefaults(
        source=options["source"],
        hash_format=options["hash_format"],
        hash_params=options["hash_params"],
    )
    validate = RowValidator(defaults)
    digest = RowDigests(defaults)
    rows = iter_rows(
        src.stream, src.file_format, delimiter=options["delimiter"], mapping=options["map"]
    )
    with Stage(connection, direct=direct) as stage:
        for batch in iter(lambda: tuple(itertools.islice(rows, LOOKUP_BATCH)), ()):
            digests = [digest(row) if not row.error else "" for row in batch]
            # A first load has nothing to compare with.
            unchanged = [""] * len(batch) if direct else _unchanged(batch, digests, stage)
            for row, row_digest, login_key in zip(batch, digests, unchanged, strict=True):
                report.rows += 1
                if on_progress is not None and report.rows % PROGRESS_EVERY == 0:
                    on_progress(report.rows, src.size)
                if login_key:
                    stage.add_known(row.line, login_key, row.fields["login"].strip())
                    continue
                result = validate(row)
                if isinstance(result, UserRecord):
                    stage.add(result, row_digest)
                    if CHOICE in result.hash_format:
                        report.ambiguous[result.hash_format] += 1
                else:
                    _bad(report, bad_rows, result, row.fields)
        stage.close_input()
        for dup in stage.duplicates():
            first = dup.rows[0][0]
            for line, login in dup.rows[1:]:
                reason = f"duplicate login: also on line {first}; neither row is loaded"
                _bad(report, bad_rows, RowError(line, login, reason), None)
        if on_progress is not None:
            on_progress(report.rows, src.size)
        if not report.rejected:
            report.counts = stage.apply(timezone.now())


def _unchanged(batch: tuple[SourceRow, ...], digests: list[str], stage: Stage) -> list[str]:
    """Per row of `batch`: its login key when it is the row its user was loaded from (its
    digest is the one stored), else "". One lookup for the batch."""
    keys = [row_login_key(row) for row in batch]
    stage.pause()  # the lookup needs the connection the COPY holds
    with connection.cursor() as cursor:
        # The driver's own cursor: under DEBUG, Django's keeps the text of every statement
        # (a lookup's is its 2,000 keys), which a million-row load would hold in memory.
        stored = known_digests(
            cursor.cursor, LegacyUser._meta.db_table, filter(None, keys), vendor=connection.vendor
        )
    return [
        key if key and stored.get(key) == digest else ""
        for key, digest in zip(keys, digests, strict=True)
    ]


def _bad(
    report: LoadReport,
    bad_rows: ErrorsFile,
    error: RowError,
    fields: Mapping[str, Any] | None,
) -> None:
    report.error_count += 1
    if len(report.errors) < ERRORS_KEPT:
        report.errors.append(error)
    bad_rows.write(error, fields)


def _record(report: LoadReport, options: dict[str, Any], started: datetime, message: str) -> None:
    """Store the run (outside the load's transaction, which has ended) and count its rows."""
    counts = report.counts
    if report.outcome == LoadOutcome.LOADED:
        for result in ("created", "updated", "unchanged", "skipped"):
            LOADER_ROWS.labels(result).inc(getattr(counts, result))
    LOADER_ROWS.labels("rejected").inc(report.error_count)
    try:
        run = LoadRun.objects.create(
            file_name=report.path[:500],
            file_size=report.size,
            sha256=report.sha256,
            # Which secret a run used, never its value.
            options={**options, "hash_params": redact_secrets(options["hash_params"])},
            rows=report.rows,
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            skipped=counts.skipped,
            error_count=report.error_count,
            errors=[
                {"position": e.line, "login": e.login, "reason": e.reason}
                for e in report.errors[:100]
            ],
            outcome=report.outcome,
            message=message,
            started_at=started,
            finished_at=timezone.now(),
        )
        report.run_id = run.pk
    except DatabaseError:
        pass  # the connection is gone; the load itself was rolled back
