"""Recognise an export row loaded before, unchanged, without validating it again.

Every user the loader writes keeps a digest of the raw row it came from (`load_digest`),
keyed by what else decides the row's outcome: the file-wide defaults (source, declared
format, hash parameters by name), the hash formats this version knows, and `RULES`, which
changes whenever validation does. On a re-load, the rows whose digest equals the stored one
would be validated to the very values the user already has: the loader counts them (as
unchanged, or skipped when the user is past pending) and neither validates nor rewrites them.

A digest is only a shortcut: a row that does not match one (a changed row, other load
options, a user whose loaded values were changed since) goes through validation and the
upsert rules exactly as on a first load.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from legacy_users.hashing.registry import all_formats
from legacy_users.loading.readers import SourceRow
from legacy_users.loading.validation import LoadDefaults
from legacy_users.logins import normalize_login

#: Bumped whenever row validation would turn the same row into other values.
RULES = "2"
#: Hex characters of a stored digest (128 bits: collisions are not a concern at any size).
DIGEST_BYTES = 16
#: Keys per lookup on SQLite (its default limit is 999 parameters a statement).
SQLITE_KEYS = 900
SEPARATOR, SEPARATOR_SQL = "\x1f", "\\x1f"


def digest_key(defaults: LoadDefaults) -> bytes:
    """The key every row digest of one load is made with (at most 64 bytes)."""
    parts: list[Any] = [
        RULES,
        [fmt.name for fmt in all_formats()],  # in detection order, which decides too
        defaults.source,
        defaults.hash_format,
        sorted((str(k), repr(v)) for k, v in defaults.hash_params.items()),
    ]
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogateescape")).digest()


class RowDigests:
    """Digests of rows under one load's key."""

    def __init__(self, defaults: LoadDefaults) -> None:
        self._keyed = hashlib.blake2b(digest_size=DIGEST_BYTES, key=digest_key(defaults))

    def __call__(self, row: SourceRow) -> str:
        """The row's digest: its fields, names and values, in the file's order.

        Text fields (every CSV row) are digested NUL-joined, names then values: with
        exactly 2n-1 NULs for n fields, no name or value holds one, so the text splits back
        one way only. Any other row (a JSON value that is not text, a NUL in a field) is
        digested as its repr, which holds no NUL, so the two forms never meet."""
        fields = row.fields
        try:
            text = "\x00".join((*fields, *fields.values()))
        except TypeError:  # a JSON number, list, object...
            text = ""
        if text.count("\x00") != 2 * len(fields) - 1:
            text = repr(fields)
        digest = self._keyed.copy()
        digest.update(text.encode("utf-8", "surrogateescape"))
        return digest.hexdigest()


def row_login_key(row: SourceRow) -> str:
    """The login key a readable row would be stored under ("" when it has no text login)."""
    if row.error:
        return ""
    login = row.fields.get("login")
    if login.__class__ is not str:
        return ""
    return normalize_login(login)


def known_digests(cursor: Any, table: str, keys: Iterable[str], *, vendor: str) -> dict[str, str]:
    """The stored digest of each of `keys` that has one (a user loaded with digests).

    A key with a NUL in it (which no stored login has, and the database cannot be sent) is
    not looked up."""
    keys = [key for key in keys if "\x00" not in key]
    found: dict[str, str] = {}
    if vendor == "postgresql":
        if keys:
            # One text parameter, split by the server: quicker to send than an array. A
            # login holding the separator is split into keys no other row asks for, so it
            # is simply not found (and validated).
            cursor.execute(
                f"SELECT login_key, load_digest FROM {table} "  # noqa: S608 - the model's table
                f"WHERE login_key = ANY(string_to_array(%s, E'{SEPARATOR_SQL}')) "
                "AND load_digest <> ''",
                [SEPARATOR.join(keys)],
            )
            found.update(cursor.fetchall())
        return found
    for start in range(0, len(keys), SQLITE_KEYS):
        chunk = keys[start : start + SQLITE_KEYS]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"SELECT login_key, load_digest FROM {table} "  # noqa: S608 - the model's table
            f"WHERE login_key IN ({marks}) AND load_digest <> ''",
            chunk,
        )
        found.update(cursor.fetchall())
    return found
