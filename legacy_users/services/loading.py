"""Load a legacy user export: all rows or none.

The whole load runs in one transaction. Any bad row (or `dry_run`) rolls everything back,
so a failed load leaves the table exactly as it was, and re-running a file is safe.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from legacy_users.loading.readers import detect_format, iter_rows, open_text
from legacy_users.loading.validation import LoadDefaults, RowError, UserRecord, validate_row
from legacy_users.loading.writer import UpsertCounts, upsert_batch

BATCH_SIZE = 2000


@dataclass(slots=True)
class LoadReport:
    """What a load found and did. `written` is False after a dry run or any bad row."""

    path: str
    file_format: str
    rows: int = 0
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False


class _RollBack(Exception):
    """Raised inside the load's transaction to undo it."""


def legacy_users_load(
    *,
    path: str,
    file_format: str = "",
    source: str = "",
    hash_format: str = "",
    hash_params: Mapping[str, Any] | None = None,
    dry_run: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Validate every row of `path` and upsert the users, atomically.

    Raises `SourceError` when the file as a whole cannot be read. Row problems do not
    raise: they are collected in the report (line, login, reason) and nothing is written.
    """
    report = LoadReport(path=path, file_format=detect_format(path, file_format), dry_run=dry_run)
    defaults = LoadDefaults(source=source, hash_format=hash_format, hash_params=hash_params or {})
    first_line: dict[str, int] = {}
    now = timezone.now()
    try:
        with transaction.atomic(), open_text(path) as stream:
            batch: list[UserRecord] = []
            for row in iter_rows(stream, report.file_format):
                report.rows += 1
                if on_progress and report.rows % BATCH_SIZE == 0:
                    on_progress(report.rows)
                result = validate_row(row, defaults)
                if isinstance(result, RowError):
                    report.errors.append(result)
                    continue
                earlier = first_line.setdefault(result.login_key, result.line)
                if earlier != result.line:
                    report.errors.append(
                        RowError(
                            result.line, result.login, f"duplicate login: also on line {earlier}"
                        )
                    )
                    continue
                if report.errors:
                    continue  # nothing will be written; keep validating to report every row
                batch.append(result)
                if len(batch) >= BATCH_SIZE:
                    upsert_batch(batch, report.counts, now)
                    batch.clear()
            if batch and not report.errors:
                upsert_batch(batch, report.counts, now)
            if report.errors or dry_run:
                raise _RollBack
    except _RollBack:
        pass
    else:
        report.written = True
    return report
