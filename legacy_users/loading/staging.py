"""Stage validated rows in a temporary table, then apply the upsert rules in a few set-based
statements.

PostgreSQL streams rows into the staging table with COPY; SQLite (the quickstart) inserts them
in batches. Both then run the same rules as SQL, so both give the same results:

- a new login becomes a pending user;
- an existing pending user takes the row's values (or is counted unchanged);
- a user past pending (verified or later) is never changed, and is counted as skipped;
- a login that appears twice in the file is loaded from neither row.

All of it runs inside the caller's transaction; the staging table is dropped at its end.
SQL is assembled from this module's constants and the model's table name only (never from
input), hence the S608 exemption for this file.
"""

from __future__ import annotations

import contextlib
import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

import orjson
from django.db import DatabaseError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import Copy
from psycopg.errors import UniqueViolation

from legacy_users.loading.validation import UserRecord
from legacy_users.models import LegacyUser, MigrationStatus

STAGE = "legacy_user_stage"
#: The columns a row sets on a user (besides login_key), in staging order.
VALUE_COLUMNS = (
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
#: The columns a row sets on a user: what a direct load copies into the users table.
DIRECT_COLUMNS = ("login_key", "load_digest", *VALUE_COLUMNS)
#: `known`: a row whose digest matched its user's (`legacy_users.loading.digests`): only
#: its line and login are staged, to be counted and to find it twice in the file.
STAGE_COLUMNS = ("line", "known", *DIRECT_COLUMNS)
JSON_COLUMNS = ("profile", "hash_params")
SQLITE_BATCH = 5000
#: How long a first load waits for the lock that pauses the tally's trigger.
PAUSE_LOCK_WAIT = "5s"


@dataclass(slots=True)
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A login found on several lines (all of them left out): (line, login as written)."""

    rows: tuple[tuple[int, str], ...]


_stdlib_json = json.JSONEncoder().encode


def _json(value: dict[str, Any]) -> str:
    """A profile or hash parameters as JSON text. orjson, a tenth of the stdlib's time a
    row; the stdlib for what orjson refuses (an integer past 64 bits, which jsonb keeps)."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return _stdlib_json(value)


def _values(record: UserRecord, digest: str) -> tuple[Any, ...]:
    """The DIRECT_COLUMNS of a validated row."""
    return (
        record.login_key,
        digest,
        record.login,
        record.email,
        record.first_name,
        record.last_name,
        _json(record.profile) if record.profile else "{}",
        record.password_hash,
        record.hash_format,
        record.salt,
        _json(record.hash_params) if record.hash_params else "{}",
        record.source,
    )


#: A known row's values after its login: not staged (it is never written).
_NOT_STAGED = (None,) * (len(VALUE_COLUMNS) - 1)


#: The tally's statement trigger on inserts (migration 0008), which a first load pauses.
TALLY_ON_INSERT = "legacy_users_tally_inserted"


class DirectLoadConflict(Exception):
    """A direct COPY into the users table met a login twice: redo the load through a stage."""


def users_table_is_empty(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {LegacyUser._meta.db_table})")
        return not cursor.fetchone()[0]


class Stage:
    """A temporary table of validated rows, for one load, in the current transaction.

    With `direct` (PostgreSQL, users table empty: a first load) the rows are copied straight
    into the users table instead: every row is new, so the rules reduce to "create", and the
    table's unique index refuses a login seen twice (`DirectLoadConflict`, then the caller
    rolls back to its savepoint and loads through a stage, which names both lines).

    A direct load also pauses the dashboard tally's insert trigger, where its role owns the
    users table, and recounts the table once at the end (`_pause_tally`).
    """

    def __init__(self, connection: BaseDatabaseWrapper, *, direct: bool = False) -> None:
        self.connection = connection
        self.vendor = connection.vendor
        self.direct = direct and self.vendor == "postgresql"
        self.count = 0
        self._cursor = connection.cursor()
        self._copy_sql = ""
        self._copy_cm: AbstractContextManager[Copy] | None = None
        self._copy: Copy | None = None
        self._batch: list[tuple[Any, ...]] = []
        self._tally_paused = False

    # --- filling ---

    def __enter__(self) -> Stage:
        json_type = "jsonb" if self.vendor == "postgresql" else "text"
        types = {name: json_type for name in JSON_COLUMNS} | {
            "line": "integer",
            "known": "boolean",
        }
        if self.vendor == "postgresql":
            # A serving process's statement ceiling (DB_STATEMENT_TIMEOUT_MS) is not for loads.
            self._cursor.execute("SET LOCAL statement_timeout = 0")
        columns = ", ".join(f"{name} {types.get(name, 'text')}" for name in STAGE_COLUMNS)
        if self.direct:
            # What a new user has besides the row's values is the columns' database defaults.
            target = ", ".join(DIRECT_COLUMNS)
            self._copy_sql = f"COPY {LegacyUser._meta.db_table} ({target}) FROM STDIN"
            self._tally_paused = self._pause_tally()
            self._open_copy()
        elif self.vendor == "postgresql":
            self._cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGE}")
            self._cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({columns}) ON COMMIT DROP")
            self._copy_sql = f"COPY {STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN"
        else:
            self._cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
            self._cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({columns})")
        return self

    def _pause_tally(self) -> bool:
        """Turn the tally's insert trigger off for this transaction, if this role may.

        The trigger keeps a copy of every inserted row and groups them all (a tenth of a
        million-row first load); `apply` recounts the table in one pass instead. Disabling it
        takes a SHARE ROW EXCLUSIVE lock until commit: the hook and the admin still read
        users, while anything that would write one waits for the load, so the recount sees
        the table as it will be committed (a user someone added before the lock included).
        Where the role does not own the table, or the lock is not had within a few seconds,
        the trigger counts as usual.
        """
        table = LegacyUser._meta.db_table
        cursor = self._cursor
        cursor.execute(
            "SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = %s::regclass",
            [table],
        )
        if not cursor.fetchone()[0]:
            return False
        try:
            with transaction.atomic(using=self.connection.alias):
                cursor.execute(f"SET LOCAL lock_timeout = '{PAUSE_LOCK_WAIT}'")
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {TALLY_ON_INSERT}")
                cursor.execute("SET LOCAL lock_timeout = DEFAULT")
        except DatabaseError:  # the lock not had in time: back to the savepoint, SETs too
            return False
        return True

    def add(self, record: UserRecord, digest: str = "") -> None:
        """Stage a validated row, made from a row of digest `digest`."""
        self.count += 1
        if self.direct:
            copy = self._copy or self._open_copy()
            try:
                copy.write_row(_values(record, digest))
            except UniqueViolation:
                raise DirectLoadConflict from None
            return
        self._stage((record.line, False, *_values(record, digest)))

    def add_known(self, line: int, login_key: str, login: str) -> None:
        """Stage a row whose digest matched its user's: counted (and named, should its login
        be in the file twice), never written."""
        self.count += 1
        self._stage((line, True, login_key, "", login, *_NOT_STAGED))

    def _stage(self, row: tuple[Any, ...]) -> None:
        if self._copy_sql:
            (self._copy or self._open_copy()).write_row(row)
            return
        self._batch.append(row)
        if len(self._batch) >= SQLITE_BATCH:
            self._flush_batch()

    def _flush_batch(self) -> None:
        if self._batch:
            marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
            self._cursor.executemany(
                f"INSERT INTO {STAGE} ({', '.join(STAGE_COLUMNS)}) VALUES ({marks})", self._batch
            )
            self._batch.clear()

    def _open_copy(self) -> Copy:
        copy_cm: AbstractContextManager[Copy] = self._cursor.cursor.copy(self._copy_sql)
        self._copy_cm, self._copy = copy_cm, copy_cm.__enter__()
        return self._copy

    def _end_copy(self) -> None:
        if self._copy_cm is not None:
            copy_cm, self._copy_cm, self._copy = self._copy_cm, None, None
            try:
                copy_cm.__exit__(None, None, None)
            except UniqueViolation:
                raise DirectLoadConflict from None

    def pause(self) -> None:
        """End the COPY under way so the connection can run a query (a COPY holds it);
        the next staged row starts another."""
        if not self.direct:
            self._end_copy()

    def close_input(self) -> None:
        """Finish the COPY (or the last batch) so the table can be queried."""
        self._end_copy()
        self._flush_batch()
        if self.direct:
            return
        if self.vendor == "postgresql":
            # Hash joins and aggregates over the whole stage want memory, not an index.
            self._cursor.execute("SET LOCAL work_mem = '256MB'")
            self._cursor.execute(f"ANALYZE {STAGE}")
        else:
            self._cursor.execute(f"CREATE INDEX temp.{STAGE}_key ON {STAGE} (login_key)")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._copy_cm is not None:
            # Abandon the COPY: the transaction is rolled back by the caller.
            with contextlib.suppress(Exception):  # the original error is what matters
                self._copy_cm.__exit__(exc_type, exc, tb)
        if exc_type is None and not self.direct:  # on an error, rolled back table and all
            schema = "pg_temp" if self.vendor == "postgresql" else "temp"
            self._cursor.execute(f"DROP TABLE IF EXISTS {schema}.{STAGE}")
        self._cursor.close()

    # --- the rules ---

    def duplicates(self) -> list[Duplicate]:
        """Logins on more than one line, with every line; then drop them from the stage."""
        if self.direct:
            return []  # the users table's unique index has already refused any
        cursor = self._cursor
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE}_dup AS SELECT login_key FROM {STAGE} "
            f"GROUP BY login_key HAVING count(*) > 1"
        )
        cursor.execute(
            f"SELECT s.login_key, s.login, s.line FROM {STAGE} AS s "
            f"JOIN {STAGE}_dup AS d ON d.login_key = s.login_key ORDER BY s.login_key, s.line"
        )
        found: dict[str, list[tuple[int, str]]] = {}
        for key, login, line in cursor.fetchall():
            found.setdefault(key, []).append((line, login))
        if found:
            cursor.execute(
                f"DELETE FROM {STAGE} WHERE login_key IN (SELECT login_key FROM {STAGE}_dup)"
            )
        cursor.execute(f"DROP TABLE {STAGE}_dup")
        return [Duplicate(tuple(rows)) for rows in found.values()]

    def apply(self, now: datetime) -> UpsertCounts:
        """Apply the upsert rules to the users table; return what happened to each row."""
        if self.direct:
            if self._tally_paused:
                table = LegacyUser._meta.db_table
                self._cursor.execute("SELECT legacy_users_tally_recount()")
                self._cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {TALLY_ON_INSERT}")
            self._analyze()
            return UpsertCounts(created=self.count)
        table = LegacyUser._meta.db_table
        pending = MigrationStatus.PENDING.value
        distinct = "IS DISTINCT FROM" if self.vendor == "postgresql" else "IS NOT"
        changed = " OR ".join(f"u.{c} {distinct} s.{c}" for c in VALUE_COLUMNS)
        assignments = ", ".join(f"{c} = s.{c}" for c in VALUE_COLUMNS)
        cursor = self._cursor
        counts = UpsertCounts()

        cursor.execute(f"SELECT count(*) FROM {STAGE}")
        total = cursor.fetchone()[0]
        # One join tells how many rows match a user, and how many of those are past pending;
        # the statements below then run only when there is something for them to do.
        cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE u.status <> %s), "
            f"count(*) FILTER (WHERE u.status = %s AND NOT s.known) FROM {STAGE} AS s "
            f"JOIN {table} AS u ON u.login_key = s.login_key",
            [pending, pending],
        )
        matched, counts.skipped, to_compare = cursor.fetchone()
        if to_compare:
            pending_match = (
                f"FROM {STAGE} AS s WHERE u.login_key = s.login_key AND u.status = %s "
                "AND NOT s.known"
            )
            cursor.execute(
                f"UPDATE {table} AS u SET {assignments}, load_digest = s.load_digest, "
                f"updated_at = %s {pending_match} AND ({changed})",
                [now, pending],
            )
            counts.updated = max(cursor.rowcount, 0)
            # Users the row would leave as they are, loaded before digests or from other
            # options: their digest now, so that the next load of this file skips them.
            cursor.execute(
                f"UPDATE {table} AS u SET load_digest = s.load_digest {pending_match} "
                f"AND u.load_digest {distinct} s.load_digest",
                [pending],
            )
        if total > matched:
            columns = ", ".join(DIRECT_COLUMNS)
            select_columns = ", ".join(f"s.{c}" for c in DIRECT_COLUMNS)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {select_columns} FROM {STAGE} AS s "
                "WHERE NOT s.known "
                f"AND NOT EXISTS (SELECT 1 FROM {table} AS u WHERE u.login_key = s.login_key) "
                # In key order the unique index is filled page by page, not at random.
                f"ORDER BY s.login_key ON CONFLICT (login_key) DO NOTHING"
            )
            counts.created = max(cursor.rowcount, 0)
        counts.unchanged = total - counts.created - counts.updated - counts.skipped
        if counts.created:
            self._analyze()
        return counts

    def _analyze(self) -> None:
        """Fresh planner statistics once many users arrived: without them PostgreSQL reads
        a table it believes small from end to end, for the next load's lookups of stored
        digests and for the hook's first calls alike (a few hundred ms for a million)."""
        if self.vendor == "postgresql":
            self._cursor.execute(f"ANALYZE {LegacyUser._meta.db_table}")
