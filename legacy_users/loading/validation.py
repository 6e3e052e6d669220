"""Turn a raw export row into a user record, or say exactly what is wrong with it.

This runs once per row of files with millions of rows, so it is written for speed: plain
loops, precompiled patterns, and the hash formats already seen tried first (the one each
marker such as `$2y$` turned out to be, else the few most recent).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField

from legacy_users.hashing import classify_hash, hash_check_params
from legacy_users.hashing.secrets import MissingSecret, is_reference
from legacy_users.loading.readers import NotJson, SourceRow, read_json, too_deep
from legacy_users.logins import normalize_login
from legacy_users.models import LegacyUser
from migration_portal.text import NUL, json_text_problem, text_problem

#: Columns with a meaning of their own; any other column goes into the user's profile.
KNOWN_COLUMNS = frozenset(
    {
        "login",
        "password_hash",
        "email",
        "first_name",
        "last_name",
        "hash_format",
        "salt",
        "hash_params",
        "source",
    }
)
TEXT_COLUMNS = ("login", "email", "first_name", "last_name", "salt", "source", "hash_format")


def _max_length(name: str) -> int:
    field = LegacyUser._meta.get_field(name)
    if not isinstance(field, CharField) or field.max_length is None:
        raise TypeError(f"LegacyUser.{name} is not a text column of bounded length")
    return field.max_length


_LIMITS = {name: _max_length(name) for name in TEXT_COLUMNS}
_LIMITS["password_hash"] = 1024
_SHORT = min(_LIMITS.values())
#: Secrets of a whole application, never of one user: refused as values in a row.
APP_SECRETS = ("pepper", "signer_key")
#: Hash parameters are a few flat settings: anything bigger or deeper is not.
MAX_HASH_PARAMS_CHARS = 64 * 1024
HASH_PARAMS_DEPTH = 4
# One "@", no spaces, a dot in the domain: what every mail system this data came from enforced.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.][^@\s]*\.[^@\s.]+$")


@dataclass(frozen=True, slots=True)
class LoadDefaults:
    """Per-file settings that apply where a row leaves the column empty."""

    source: str = ""
    hash_format: str = ""
    hash_params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class UserRecord:
    """A validated row, ready to be written."""

    line: int
    login: str
    login_key: str
    email: str
    first_name: str
    last_name: str
    profile: dict[str, Any]
    password_hash: str
    hash_format: str
    salt: str
    hash_params: dict[str, Any]
    source: str


@dataclass(frozen=True, slots=True)
class RowError:
    """A rejected row, or a hash the audit finds unverifiable: where (the line or item; 0
    for the users table), whose, and why (never the hash itself)."""

    line: int
    login: str
    reason: str


class RowProblem(Exception):
    """What is wrong with one field of a row (the message is shown with its line number)."""


def _text(value: object, name: str) -> str:
    if type(value) is str and len(value) <= _SHORT and NUL not in value:
        return value.strip()  # the common case: a short CSV field, within every limit
    # (The reader has checked every line is UTF-8; `text_problem` is the rule in full.)
    if value is None:
        return ""
    if type(value) is not str:
        if isinstance(value, dict | list):
            raise RowProblem(f"{name} must be text, not a JSON {type(value).__name__}")
        value = str(value)
    value = value.strip()
    if len(value) > _LIMITS[name]:
        raise RowProblem(f"{name} is longer than {_LIMITS[name]} characters")
    problem = text_problem(value)
    if problem:
        raise RowProblem(f"{name} {problem}")
    return value


def _for_report(login: object) -> str:
    """A login as a report shows it ("" when not text; no NUL, which the run's record could
    not store). Made only for a row in error."""
    if not isinstance(login, str):
        return ""
    return login.strip()[:255].replace(NUL, "\ufffd")


def row_hash_params(fields: Mapping[str, Any], defaults: LoadDefaults) -> dict[str, Any]:
    """The row's `hash_params` (a JSON object) over the file-wide ones."""
    raw = fields.get("hash_params")
    if raw is None or raw == "":
        return dict(defaults.hash_params)
    if isinstance(raw, str):
        if len(raw) > MAX_HASH_PARAMS_CHARS:
            raise RowProblem(f"hash_params is longer than {MAX_HASH_PARAMS_CHARS} characters")
        try:
            raw = read_json(raw)
        except NotJson as exc:
            raise RowProblem(f"hash_params is not valid JSON: {exc}") from None
        except (ValueError, RecursionError):
            raise RowProblem("hash_params is not valid JSON") from None
    if not isinstance(raw, dict):
        raise RowProblem("hash_params must be a JSON object")
    if too_deep(raw, HASH_PARAMS_DEPTH):
        raise RowProblem(f"hash_params is nested more than {HASH_PARAMS_DEPTH} levels deep")
    problem = json_text_problem(raw)
    if problem:
        raise RowProblem(f"hash_params {problem}")
    for name in APP_SECRETS:
        if name in raw and not is_reference(raw[name]):
            # An application-wide secret: named, its value never in the database.
            raise RowProblem(f"hash_params {name}: give it by name (secret:<name>)")
    return {**defaults.hash_params, **raw}


def _profile(fields: Mapping[str, Any]) -> dict[str, Any]:
    profile = {key: value for key, value in fields.items() if key not in KNOWN_COLUMNS}
    for key in profile:
        if NUL in key:
            raise RowProblem("a profile column's name contains a NUL character")
    for value in profile.values():
        if value.__class__ is str:
            if NUL in value:  # the reader has checked the rest of the rule
                raise RowProblem("a profile column contains a NUL character")
        elif problem := json_text_problem(value):
            raise RowProblem(f"a profile column {problem}")
    return profile


RECENT_FORMATS = 8
MARKERS_KEPT = 64
#: A hash's marker: `{SCHEME}`, `$id$`, or a `name$` prefix (what detection keys on).
_MARKER_SHAPE = re.compile(r"^(?:\{[^}]{1,40}\}|\$[^$]{1,20}\$|[A-Za-z0-9_:.-]{1,40}\$)")


def _marker(encoded: str) -> str:
    found = _MARKER_SHAPE.match(encoded)
    return found.group(0) if found else ""


class RowValidator:
    """Validates rows one after the other, remembering the hash formats recently seen."""

    def __init__(self, defaults: LoadDefaults) -> None:
        self.defaults = defaults
        self.recent: list[str] = []  # most recent first
        # The format the first hash with each marker (`$2y$`, `{SSHA}`, `pbkdf2_sha256$`...)
        # turned out to be: tried first for the next ones, so most rows take one attempt.
        self.by_marker: dict[str, tuple[str]] = {}

    def __call__(self, row: SourceRow) -> UserRecord | RowError:
        fields = row.fields
        raw_login = fields.get("login")
        if row.error:
            return RowError(row.line, _for_report(raw_login), row.error)
        try:
            login = _text(raw_login, "login")
            if not login:
                raise RowProblem("login is empty")
            email = _text(fields.get("email"), "email")
            if (
                email
                and not (email.isascii() and _EMAIL.match(email))
                and not _EMAIL.match(unicodedata.normalize("NFC", email))
            ):
                raise RowProblem("email is not a valid address")
            password_hash = _text(fields.get("password_hash"), "password_hash")
            if not password_hash:
                raise RowProblem("password_hash is empty")
            salt = _text(fields.get("salt"), "salt")
            params = row_hash_params(fields, self.defaults)
            declared = _text(fields.get("hash_format"), "hash_format") or self.defaults.hash_format
            marker = _marker(password_hash) if not declared else ""
            try:
                check_params = hash_check_params(login, salt, params)
            except MissingSecret as exc:
                raise RowProblem(str(exc)) from None
            verdict = classify_hash(
                password_hash,
                declared,
                check_params,
                hints=self.by_marker.get(marker) or self.recent,
            )
            if verdict.problem:
                raise RowProblem(verdict.problem)
            # A choice (`a|b`) is found again from its first candidate.
            self._seen(verdict.format_name.split("|")[0], marker)
            return UserRecord(
                line=row.line,
                login=login,
                login_key=normalize_login(login),
                email=email,
                first_name=_text(fields.get("first_name"), "first_name"),
                last_name=_text(fields.get("last_name"), "last_name"),
                profile=_profile(fields),
                password_hash=password_hash,
                hash_format=verdict.format_name,
                salt=salt,
                hash_params=params,
                source=_text(fields.get("source"), "source") or self.defaults.source,
            )
        except RowProblem as problem:
            return RowError(row.line, _for_report(raw_login), str(problem))

    def _seen(self, name: str, marker: str) -> None:
        if marker and marker not in self.by_marker and len(self.by_marker) < MARKERS_KEPT:
            self.by_marker[marker] = (name,)
        recent = self.recent
        if recent and recent[0] == name:
            return
        if name in recent:
            recent.remove(name)
        recent.insert(0, name)
        del recent[RECENT_FORMATS:]
