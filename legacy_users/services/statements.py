"""The hook's own SQL statements: written once, run as prepared statements on PostgreSQL.

Every sign-in runs the same two statements (the lookup, then the state change with its
audit row). Sent as text, PostgreSQL parses and plans each one on every call, and Django's
default client-side binding quotes every parameter into the text first. Prepared once per
connection and then executed by name, they cost PostgreSQL about a third less CPU and the
hook process less Python (bench/hook_load.py). Portable SQL: on SQLite, or with
DB_PREPARED_STATEMENTS off (a transaction-pooling PgBouncer older than 1.21 cannot keep a
connection's prepared statements), the same text runs through Django's cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Field, Model

from legacy_users.app_settings import app_settings


@dataclass(frozen=True, slots=True)
class Statement:
    """One SQL statement and its parameters, by name (`%(name)s` placeholders)."""

    sql: str
    params: dict[str, Any]

    def then(self, audit: Statement) -> Statement:
        """This data-modifying statement and `audit` (an INSERT ... RETURNING) as one: both
        happen or neither. Their parameter names must not clash."""
        clash = self.params.keys() & audit.params.keys()
        if clash:
            raise ValueError(f"parameters named twice: {sorted(clash)}")
        return Statement(f"WITH state AS ({self.sql}) {audit.sql}", {**self.params, **audit.params})


Row = tuple[Any, ...]


def column(model: type[Model], field_name: str) -> str:
    """The database column of one of `model`'s fields, for SQL written by hand: a renamed
    field changes the statement with it."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{field_name} is not a column")
    return field.column


def fetch_one(statement: Statement) -> Row | None:
    """Run `statement` on the default connection and return its first row (None: no row).

    Database errors come out as Django's (`django.db.DatabaseError` and its kin), and mark
    the connection for Django's cleanup, as they do through the ORM.
    """
    db = connections[DEFAULT_DB_ALIAS]  # once: each `connection.x` looks it up again
    if db.vendor != "postgresql" or not app_settings().db_prepared_statements:
        with db.cursor() as cursor:
            cursor.execute(statement.sql, statement.params)
            row: Row | None = cursor.fetchone()
            return row
    import psycopg

    db.close_if_health_check_failed()
    db.ensure_connection()
    with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor:
        cursor.execute(statement.sql, statement.params, prepare=True)
        return cursor.fetchone()


def fetch_id(statement: Statement) -> int:
    """The id an `INSERT ... RETURNING id` (or any one-row statement) gives back."""
    row = fetch_one(statement)
    if row is None:
        raise DatabaseError("the statement returned no row")
    return int(row[0])
