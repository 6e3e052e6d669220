"""Turn a raw export row into a user record, or say exactly what is wrong with it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from legacy_users.hashing import classify_hash
from legacy_users.loading.readers import SourceRow
from legacy_users.logins import normalize_login
from legacy_users.models import LegacyUser

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
_TEXT_LIMITS = {
    name: LegacyUser._meta.get_field(name).max_length
    for name in ("login", "email", "first_name", "last_name", "salt", "source", "hash_format")
}


@dataclass(frozen=True, slots=True)
class LoadDefaults:
    """Per-file settings that apply where a row leaves the column empty."""

    source: str = ""
    hash_format: str = ""
    hash_params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
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

    def values(self) -> dict[str, Any]:
        """The model field values this record sets."""
        return {
            "login": self.login,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "profile": self.profile,
            "password_hash": self.password_hash,
            "hash_format": self.hash_format,
            "salt": self.salt,
            "hash_params": self.hash_params,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class RowError:
    """A rejected row: where, whose, and why (never the hash itself)."""

    line: int
    login: str
    reason: str


class RowProblem(Exception):
    """What is wrong with one field of a row (the message is shown with its line number)."""


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise RowProblem(f"{name} must be text, not a JSON {type(value).__name__}")
    text = str(value).strip()
    if "\x00" in text:
        raise RowProblem(f"{name} contains a NUL character")
    limit = _TEXT_LIMITS.get(name)
    if limit and len(text) > limit:
        raise RowProblem(f"{name} is longer than {limit} characters")
    return text


def row_hash_params(fields: Mapping[str, Any], defaults: LoadDefaults) -> dict[str, Any]:
    """The row's `hash_params` (a JSON object) over the file-wide ones."""
    raw = fields.get("hash_params")
    if raw in (None, ""):
        return dict(defaults.hash_params)
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise RowProblem("hash_params is not valid JSON") from None
    if not isinstance(raw, dict):
        raise RowProblem("hash_params must be a JSON object")
    return {**defaults.hash_params, **raw}


def _resolve_format(password_hash: str, declared: str, params: Mapping[str, Any]) -> str:
    verdict = classify_hash(password_hash, declared, params)
    if not verdict.ok:
        raise RowProblem(verdict.problem)
    return verdict.format_name


def validate_row(row: SourceRow, defaults: LoadDefaults) -> UserRecord | RowError:
    """Check one row against the loader's rules and the hash-format registry."""
    login = str(row.fields.get("login") or "").strip()[:255]
    if row.error:
        return RowError(row.line, login, row.error)
    try:
        login = _text(row.fields, "login")
        if not login:
            raise RowProblem("login is empty")
        email = _text(row.fields, "email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise RowProblem("email is not a valid address") from None
        password_hash = _text(row.fields, "password_hash")
        if not password_hash:
            raise RowProblem("password_hash is empty")
        salt = _text(row.fields, "salt")
        params = row_hash_params(row.fields, defaults)
        if salt:
            params.setdefault("salt", salt)
        declared = _text(row.fields, "hash_format") or defaults.hash_format
        hash_format = _resolve_format(password_hash, declared, {"login": login, **params})
        profile = {k: v for k, v in row.fields.items() if k not in KNOWN_COLUMNS}
        if "\\u0000" in json.dumps(profile):
            raise RowProblem("a profile column contains a NUL character")
        return UserRecord(
            line=row.line,
            login=login,
            login_key=normalize_login(login),
            email=email,
            first_name=_text(row.fields, "first_name"),
            last_name=_text(row.fields, "last_name"),
            profile=profile,
            password_hash=password_hash,
            hash_format=hash_format,
            salt=salt,
            hash_params={k: v for k, v in params.items() if k != "salt"},
            source=_text(row.fields, "source") or defaults.source,
        )
    except RowProblem as problem:
        return RowError(row.line, login, str(problem))
