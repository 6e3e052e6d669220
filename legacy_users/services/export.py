"""Export legacy users by status (e.g. the never-signed-in ones, for a reset campaign)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

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
    rows = users.values_list(*fields).iterator(chunk_size=5000)
    count = 0
    if file_format == "csv":
        writer = csv.writer(out)
        writer.writerow(fields)
        for row in rows:
            writer.writerow(
                [json.dumps(v) if isinstance(v, dict) else "" if v is None else v for v in row]
            )
            count += 1
    else:
        for row in rows:
            out.write(json.dumps(dict(zip(fields, row, strict=True)), default=str) + "\n")
            count += 1
    return count
