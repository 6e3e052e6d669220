"""Turn a legacy hash into Okta's `credentials.password.hash`, where Okta can import it.

Okta imports BCRYPT, salted SHA-1/SHA-256/SHA-512/MD5 (salt before or after the password)
and PBKDF2-HMAC-SHA256/512 with at least 4096 iterations (the Users API's hashed password
object, `credentials.password.hash`, when creating a user). A user
whose hash converts is created in Okta with it and never reaches the hook; any other user
is created with the password hook. The conversion is exact or it does not happen: `None`
means "use the hook".
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from legacy_users.hashing.base import MalformedHash, Parsed
from legacy_users.hashing.catalog import FORMATS

MIN_PBKDF2_ITERATIONS = 4096
_FORMATS = {fmt.name: fmt for fmt in FORMATS}
_DIGEST_NAMES = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256", "sha512": "SHA-512"}
_HMAC_NAMES = {"sha256": "SHA256_HMAC", "sha512": "SHA512_HMAC"}
#: Okta's hashed password object (`credentials.password.hash`).
Credential = dict[str, Any]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def bcrypt_credential(cost: int, salt: str, value: str) -> Credential | None:
    if not 1 <= cost <= 20 or len(salt) != 22 or len(value) != 31:
        return None
    return {"algorithm": "BCRYPT", "workFactor": cost, "salt": salt, "value": value}


def pbkdf2_credential(digest: str, salt: bytes, key: bytes, iterations: int) -> Credential | None:
    if digest not in _HMAC_NAMES or iterations < MIN_PBKDF2_ITERATIONS or not salt:
        return None
    return {
        "algorithm": "PBKDF2",
        "salt": _b64(salt),
        "value": _b64(key),
        "iterationCount": iterations,
        "keySize": len(key),
        "digestAlgorithm": _HMAC_NAMES[digest],
    }


def salted_digest_credential(
    digest: str, salt: bytes, value: bytes, order: str
) -> Credential | None:
    if digest not in _DIGEST_NAMES or not salt:
        return None  # Okta takes these digests with a salt only
    return {
        "algorithm": _DIGEST_NAMES[digest],
        "salt": _b64(salt),
        "saltOrder": order,
        "value": _b64(value),
    }


#: Builds Okta's payload from what the format's `decode` read, and the row's parameters.
Build = Callable[[Parsed, Mapping[str, Any]], "Credential | None"]


@dataclass(frozen=True, slots=True)
class OktaImport:
    """How Okta imports one format: what the format table says, and the payload builder."""

    label: str
    build: Build


def _bcrypt(parsed: Parsed, params: Mapping[str, Any]) -> Credential | None:
    # A bcrypt string's salt and digest are bcrypt-base64 text: Okta takes them as written.
    return bcrypt_credential(parsed.iterations, parsed.salt.decode(), parsed.digest.decode())


def _pbkdf2(digest: str = "") -> Build:
    """PBKDF2 with this HMAC digest, or the one the string names (`extra["hash"]`)."""

    def build(parsed: Parsed, params: Mapping[str, Any]) -> Credential | None:
        algorithm = digest or parsed.extra["hash"]
        return pbkdf2_credential(algorithm, parsed.salt, parsed.digest, parsed.iterations)

    return build


def _salted(order: str, digest: str = "", *, lower_salt: bool = False) -> Build:
    """A salted digest, salt first (PREFIX) or last (POSTFIX), with this algorithm or the
    one the string names (`extra["algorithm"]`: Magento writes MD5 or SHA-256 under one
    name)."""

    def build(parsed: Parsed, params: Mapping[str, Any]) -> Credential | None:
        salt = parsed.salt.lower() if lower_salt else parsed.salt
        algorithm = digest or parsed.extra["algorithm"]
        return salted_digest_credential(algorithm, salt, parsed.digest, order)

    return build


def _raw(digest: str) -> Build:
    """A bare digest: importable only with a salt whose side the row states."""

    def build(parsed: Parsed, params: Mapping[str, Any]) -> Credential | None:
        if params.get("salt_position") not in ("prefix", "suffix"):
            return None
        order = "PREFIX" if parsed.extra["position"] == "prefix" else "POSTFIX"
        return salted_digest_credential(digest, parsed.salt, parsed.digest, order)

    return build


_PBKDF2 = "PBKDF2 (>= 4096 rounds)"
_PBKDF2_NAMED = "PBKDF2 (SHA-256/512, >= 4096 rounds)"
#: Every format Okta can import, by name. Whether one stored hash imports is decided by
#: `okta_hash_credential`: its payload must build from that hash.
IMPORTS: dict[str, OktaImport] = {
    "bcrypt": OktaImport("BCRYPT", _bcrypt),
    "django_bcrypt": OktaImport("BCRYPT", _bcrypt),
    "spring_bcrypt": OktaImport("BCRYPT", _bcrypt),
    "pbkdf2_sha256": OktaImport(_PBKDF2, _pbkdf2("sha256")),
    "pbkdf2_sha512": OktaImport(_PBKDF2, _pbkdf2("sha512")),
    "ldap_pbkdf2_sha256": OktaImport(_PBKDF2, _pbkdf2("sha256")),
    "ldap_pbkdf2_sha512": OktaImport(_PBKDF2, _pbkdf2("sha512")),
    "django_pbkdf2_sha256": OktaImport(_PBKDF2, _pbkdf2("sha256")),
    "hashcat_pbkdf2": OktaImport(_PBKDF2_NAMED, _pbkdf2()),
    "aspnet_identity_v3": OktaImport(_PBKDF2_NAMED, _pbkdf2()),
    "keycloak_pbkdf2": OktaImport(_PBKDF2_NAMED, _pbkdf2()),
    "perl_pbkdf2": OktaImport(_PBKDF2_NAMED, _pbkdf2()),
    "gitea_pbkdf2": OktaImport(_PBKDF2_NAMED, _pbkdf2()),
    "grafana_pbkdf2": OktaImport(_PBKDF2_NAMED, _pbkdf2()),
    "perl_pbkdf2_crypt": OktaImport(_PBKDF2_NAMED, _pbkdf2()),
    "mediawiki_pbkdf2": OktaImport(_PBKDF2_NAMED, _pbkdf2()),
    "mediawiki_bcrypt": OktaImport("BCRYPT", _bcrypt),
    "ldap_salted_sha1": OktaImport("SHA-1", _salted("POSTFIX", "sha1")),
    "ldap_salted_sha256": OktaImport("SHA-256", _salted("POSTFIX", "sha256")),
    "ldap_salted_sha512": OktaImport("SHA-512", _salted("POSTFIX", "sha512")),
    "ldap_salted_md5": OktaImport("MD5", _salted("POSTFIX", "md5")),
    "django_salted_sha1": OktaImport("SHA-1", _salted("PREFIX", "sha1")),
    "django_salted_md5": OktaImport("MD5", _salted("PREFIX", "md5")),
    "raw_md5": OktaImport("MD5 (when salted)", _raw("md5")),
    "raw_sha1": OktaImport("SHA-1 (when salted)", _raw("sha1")),
    "raw_sha256": OktaImport("SHA-256 (when salted)", _raw("sha256")),
    "raw_sha512": OktaImport("SHA-512 (when salted)", _raw("sha512")),
    "joomla": OktaImport("MD5", _salted("POSTFIX")),
    "magento1": OktaImport("MD5 / SHA-256", _salted("PREFIX")),
    "magento2": OktaImport("SHA-256 / MD5", _salted("PREFIX")),
    # SMF hashes sha1(lower(username) + password): the salt Okta needs is the lowered name.
    "smf": OktaImport("SHA-1", _salted("PREFIX", lower_salt=True)),
}
#: What Okta imports each format as (per-hash conditions in brackets): the format table's
#: column and the audit's.
OKTA_LABELS = {name: entry.label for name, entry in IMPORTS.items()}


def okta_hash_credential(
    format_name: str, encoded: str, params: Mapping[str, Any] | None = None
) -> Credential | None:
    """Okta's `password.hash` object for this stored hash, or None (use the hook).

    Built from the format's own `decode` of the string, the same reading its cost ceiling
    (and, for the formats written here, its verification) uses.
    """
    params = params or {}
    entry = IMPORTS.get(format_name)
    if (
        entry is None
        or params.get("password_encoding")
        or params.get("key")
        or params.get("pepper")
    ):
        return None  # a non-UTF-8 or peppered legacy hash is not what Okta would compute
    if encoded.startswith("$2$"):
        return None  # bcrypt's original variant: Okta's bcrypt ($2a$/$2b$) differs from it
    try:
        return entry.build(_FORMATS[format_name].decode(encoded, params), params)
    except (MalformedHash, ValueError, TypeError, KeyError):
        return None
