"""Apply validated records to the table by the upsert rules (README: "Loading users").

- a new login becomes a pending user;
- an existing pending user takes the row's profile and hash (or is counted unchanged);
- a user past pending (verified or later) is never changed and is counted as skipped.

This is the portable, batched path. It is written so that a PostgreSQL COPY into a staging
table plus one set-based statement can replace `upsert_batch` with the same counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from legacy_users.loading.validation import UserRecord
from legacy_users.models import LegacyUser, MigrationStatus

_WRITTEN_FIELDS = (
    "login",
    "email",
    "first_name",
    "last_name",
    "profile",
    "password_hash",
    "hash_format",
    "salt",
    "hash_params",
    "source",
)


@dataclass(slots=True)
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


def upsert_batch(records: Sequence[UserRecord], counts: UpsertCounts, now: datetime) -> None:
    """Write one batch of records (logins unique within the batch) and count the outcome."""
    existing = {
        user.login_key: user
        for user in LegacyUser.objects.filter(login_key__in=[r.login_key for r in records])
    }
    to_create: list[LegacyUser] = []
    to_update: list[LegacyUser] = []
    for record in records:
        values = record.values()
        user = existing.get(record.login_key)
        if user is None:
            to_create.append(LegacyUser(login_key=record.login_key, **values))
            counts.created += 1
        elif user.status != MigrationStatus.PENDING:
            counts.skipped += 1
        elif all(getattr(user, name) == value for name, value in values.items()):
            counts.unchanged += 1
        else:
            for name, value in values.items():
                setattr(user, name, value)
            user.updated_at = now
            to_update.append(user)
            counts.updated += 1
    LegacyUser.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        LegacyUser.objects.bulk_update(to_update, [*_WRITTEN_FIELDS, "updated_at"], batch_size=1000)
