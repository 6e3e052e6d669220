"""Export legacy users by status (e.g. the never-signed-in ones, for a reset campaign).

CSV files get opened in spreadsheets, where a cell starting with `=`, `+`, `-`, `@`, a tab or
a carriage return is a formula: a login or name chosen by an end user
(`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`) would run in the operator's spreadsheet. Every such
cell is written with a leading `'`, as OWASP's CSV injection guidance says, which
spreadsheets show as text and do not evaluate. The hash columns are left exact (they are data
for a machine, written only on request, and a changed hash would no longer verify); JSON Lines
exports are never changed.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from io import TextIOBase
from typing import Any, TextIO

from django.db.models import QuerySet

from legacy_users.models import LegacyUser

BASE_FIELDS = (
    "login",
    "email",
    "first_name",
    "last_name",
    "source",
    "status",
    "failed_attempts",
    "last_attempt_at",
    "verified_at",
)
HASH_FIELDS = ("password_hash", "hash_format", "salt", "hash_params")
#: What makes a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """`value`, with a leading `'` when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def legacy_users_export(
    *,
    out: TextIO | TextIOBase,
    statuses: Iterable[str] = (),
    file_format: str = "csv",
    include_hashes: bool = False,
) -> int:
    """Write users (all, or those in `statuses`) as CSV or JSON Lines; return how many.

    Hashes are written only with `include_hashes`; rows stream from the database in chunks.
    """
    fields = BASE_FIELDS + (HASH_FIELDS if include_hashes else ())
    users = LegacyUser.objects.order_by("login_key")
    statuses = list(statuses)
    if statuses:
        users = users.filter(status__in=statuses)
    if file_format == "csv":
        return users_write_csv(out=out, users=users, fields=fields)
    count = 0
    for row in users.values_list(*fields).iterator(chunk_size=5000):
        out.write(json.dumps(dict(zip(fields, row, strict=True)), default=str) + "\n")
        count += 1
    return count


def _cells(row: tuple[Any, ...], exact: Sequence[bool]) -> list[Any]:
    """Empty for NULL, JSON for JSON fields; text a spreadsheet would run, neutralised
    (except in the `exact` columns)."""
    cells = []
    for value, keep in zip(row, exact, strict=True):
        if isinstance(value, dict):
            value = json.dumps(value)
        elif value is None:
            value = ""
        if isinstance(value, str) and not keep:
            value = spreadsheet_safe(value)
        cells.append(value)
    return cells


def _exact(fields: Sequence[str]) -> list[bool]:
    return [field in HASH_FIELDS for field in fields]


def users_write_csv(
    *, out: TextIO | TextIOBase, users: QuerySet[LegacyUser], fields: Sequence[str]
) -> int:
    """`fields` of `users` as CSV with a header row, streamed in chunks; return how many."""
    writer = csv.writer(out)
    writer.writerow(fields)
    exact = _exact(fields)
    count = 0
    for row in users.values_list(*fields).iterator(chunk_size=5000):
        writer.writerow(_cells(row, exact))
        count += 1
    return count


class _Line:
    """A file-like target for csv.writer that hands back what it was given."""

    def write(self, value: str) -> str:
        return value


def stream_csv(users: QuerySet[LegacyUser], fields: Sequence[str]) -> Iterator[str]:
    """`fields` of `users` as CSV lines (header first), for a streaming response. The
    fields are the caller's choice: the admin's export passes BASE_FIELDS, never a hash."""
    writer = csv.writer(_Line())
    yield writer.writerow(fields)
    exact = _exact(fields)
    for row in users.values_list(*fields).iterator(chunk_size=5000):
        yield writer.writerow(_cells(row, exact))
