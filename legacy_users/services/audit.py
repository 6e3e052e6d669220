"""The pre-flight hash audit: which formats an export (or the loaded table) holds, what the
portal cannot verify, and how many users Okta could take as hashes instead of the hook."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from legacy_users.hashing import classify_hash, hash_check_params
from legacy_users.hashing.okta_import import okta_hash_credential
from legacy_users.hashing.secrets import MissingSecret, resolve_secrets
from legacy_users.loading.readers import iter_rows, open_source
from legacy_users.loading.validation import LoadDefaults, RowError, RowProblem, row_hash_params
from legacy_users.models import LegacyUser

MAX_PROBLEMS_KEPT = 1000


@dataclass(slots=True)
class HashAudit:
    """Counts per format; the unverifiable rows; Okta hash import versus the hook."""

    source: str
    total: int = 0
    per_format: Counter[str] = field(default_factory=Counter)
    okta_algorithm: dict[str, str] = field(default_factory=dict)
    #: Per format, how many of its hashes Okta can take as they are (their import payload
    #: builds: salted, enough rounds...), the same test the push applies.
    importable: Counter[str] = field(default_factory=Counter)
    unknown: int = 0
    malformed: int = 0
    over_cost: int = 0
    problems: list[RowError] = field(default_factory=list)

    @property
    def verifiable(self) -> int:
        return sum(self.per_format.values())

    @property
    def okta_importable(self) -> int:
        return sum(self.importable.values())

    @property
    def needs_hook(self) -> int:
        return self.verifiable - self.okta_importable

    def add(
        self, *, line: int, login: str, encoded: str, declared: str, params: Mapping[str, Any]
    ) -> None:
        """Classify one stored hash (`params` as `hash_check_params` makes them, secrets
        still references) and count it."""
        self.total += 1
        try:
            resolved = resolve_secrets(params)
        except MissingSecret as exc:
            self.unknown += 1
            if len(self.problems) < MAX_PROBLEMS_KEPT:
                self.problems.append(RowError(line, login, str(exc)))
            return
        verdict = classify_hash(encoded, declared, resolved)
        if verdict.ok:
            self.per_format[verdict.format_name] += 1
            self.okta_algorithm[verdict.format_name] = verdict.okta_algorithm
            if okta_hash_credential(verdict.format_name, encoded, params) is not None:
                self.importable[verdict.format_name] += 1
            return
        if verdict.over_cost:
            self.over_cost += 1
        elif verdict.format_name:
            self.malformed += 1
        else:
            self.unknown += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(RowError(line, login, verdict.problem))


def audit_file(
    *,
    path: str,
    file_format: str = "",
    hash_format: str = "",
    hash_params: Mapping[str, Any] | None = None,
    delimiter: str = "",
    mapping: Mapping[str, str] | None = None,
) -> HashAudit:
    """Audit the hashes of an export file without loading it (raises SourceError), read as
    the loader reads it: the same `delimiter` and column `mapping`."""
    audit = HashAudit(source=path)
    defaults = LoadDefaults(hash_format=hash_format, hash_params=hash_params or {})
    with open_source(path, file_format) as src:
        rows = iter_rows(src.stream, src.file_format, delimiter=delimiter, mapping=mapping)
        for row in rows:
            login = str(row.fields.get("login") or "").strip()
            try:
                if row.error:
                    raise RowProblem(row.error)
                params = row_hash_params(row.fields, defaults)
            except RowProblem as problem:
                audit.total += 1
                audit.unknown += 1
                audit.problems.append(RowError(row.line, login, str(problem)))
                continue
            salt = str(row.fields.get("salt") or "").strip()
            audit.add(
                line=row.line,
                login=login,
                encoded=str(row.fields.get("password_hash") or "").strip(),
                declared=str(row.fields.get("hash_format") or "").strip() or hash_format,
                params=hash_check_params(login, salt, params, resolve=False),
            )
    return audit


def audit_users(users: Iterable[LegacyUser] | None = None) -> HashAudit:
    """Audit the hashes of the loaded users (all of them by default), in batches."""
    audit = HashAudit(source="the legacy user table")
    if users is None:
        users = (
            LegacyUser.objects.only(*LegacyUser.CHECK_FIELDS)
            .order_by("pk")
            .iterator(chunk_size=5000)
        )
    for user in users:
        audit.add(
            line=0,
            login=user.login,
            encoded=user.password_hash,
            declared=user.hash_format,
            params=user.hash_check_params(resolve=False),
        )
    return audit
