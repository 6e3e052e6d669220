"""Export legacy users by status (e.g. the never-signed-in ones, for a reset campaign)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
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


def legacy_users_export(
    *,
    out: TextIO,
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


def _cells(row: tuple[Any, ...]) -> list[Any]:
    """Empty for NULL, JSON for JSON fields."""
    return [json.dumps(v) if isinstance(v, dict) else "" if v is None else v for v in row]


def users_write_csv(*, out: TextIO, users: QuerySet[LegacyUser], fields: Sequence[str]) -> int:
    """`fields` of `users` as CSV with a header row, streamed in chunks; return how many."""
    writer = csv.writer(out)
    writer.writerow(fields)
    count = 0
    for row in users.values_list(*fields).iterator(chunk_size=5000):
        writer.writerow(_cells(row))
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
    for row in users.values_list(*fields).iterator(chunk_size=5000):
        yield writer.writerow(_cells(row))
