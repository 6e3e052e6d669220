"""Turn a legacy hash into Okta's `credentials.password.hash`, where Okta can import it.

Okta imports BCRYPT, salted SHA-1/SHA-256/SHA-512/MD5 (salt before or after the password)
and PBKDF2-HMAC-SHA256/512 with at least 4096 iterations (CONTRACT.md section 3). A user
whose hash converts is created in Okta with it and never reaches the hook; any other user
is created with the password hook. The conversion is exact or it does not happen: `None`
means "use the hook".
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any

from passlib import hash as ph

from legacy_users.hashing.base import MalformedHash
from legacy_users.hashing.catalog import FORMATS
from legacy_users.hashing.codecs import b64decode, digest_decode, hexdecode

MIN_PBKDF2_ITERATIONS = 4096
_FORMATS = {fmt.name: fmt for fmt in FORMATS}
_BCRYPT = re.compile(r"^\$2[aby]\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$")
_DIGEST_NAMES = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256", "sha512": "SHA-512"}
_HMAC_NAMES = {"sha256": "SHA256_HMAC", "sha512": "SHA512_HMAC"}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def bcrypt_credential(encoded: str) -> dict | None:
    match = _BCRYPT.match(encoded)
    if not match:
        return None
    cost = int(match.group(1))
    if not 1 <= cost <= 20:
        return None
    return {
        "algorithm": "BCRYPT",
        "workFactor": cost,
        "salt": match.group(2),
        "value": match.group(3),
    }


def pbkdf2_credential(digest: str, salt: bytes, key: bytes, iterations: int) -> dict | None:
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


def salted_digest_credential(digest: str, salt: bytes, value: bytes, order: str) -> dict | None:
    if digest not in _DIGEST_NAMES or not salt:
        return None  # Okta takes these digests with a salt only
    return {
        "algorithm": _DIGEST_NAMES[digest],
        "salt": _b64(salt),
        "saltOrder": order,
        "value": _b64(value),
    }


def _passlib_pbkdf2(handler, digest):
    def convert(encoded, params):
        parsed = handler.from_string(encoded)
        return pbkdf2_credential(digest, parsed.salt, parsed.checksum, parsed.rounds)

    return convert


def _django_pbkdf2(encoded, params):
    _, rounds, salt, value = encoded.split("$")
    return pbkdf2_credential("sha256", salt.encode(), b64decode(value), int(rounds))


def _hashcat_pbkdf2(encoded, params):
    digest, rounds, salt, value = encoded.split(":")
    return pbkdf2_credential(digest, b64decode(salt), b64decode(value), int(rounds))


def _decoded(format_name, to_credential):
    """Convert what the registered format's own `decode` reads from the stored string (its
    salt, digest, iterations), so the two never disagree on a layout."""

    def convert(encoded, params):
        return to_credential(_FORMATS[format_name].decode(encoded, params))

    return convert


def _structured_pbkdf2(parsed):
    return pbkdf2_credential(parsed.extra["hash"], parsed.salt, parsed.digest, parsed.iterations)


def _salted_hex(order, *, lower_salt=False):
    """A salted recipe's digest, in the algorithm its `decode` found (Magento 1 writes MD5
    or SHA-256 under one name)."""

    def to_credential(parsed):
        salt = parsed.salt.lower() if lower_salt else parsed.salt
        return salted_digest_credential(parsed.extra["algorithm"], salt, parsed.digest, order)

    return to_credential


def _ldap_salted(digest):
    size = hashlib.new(digest).digest_size

    def convert(encoded, params):
        raw = b64decode(encoded.split("}", 1)[1])
        return salted_digest_credential(digest, raw[size:], raw[:size], "POSTFIX")

    return convert


def _django_salted(digest):
    def convert(encoded, params):
        _, salt, value = encoded.split("$")
        return salted_digest_credential(digest, salt.encode(), hexdecode(value), "PREFIX")

    return convert


def _raw(digest):
    size = hashlib.new(digest).digest_size

    def convert(encoded, params):
        salt = str(params.get("salt") or "")
        position = params.get("salt_position")
        if not salt or position not in ("prefix", "suffix"):
            return None
        value = digest_decode(encoded.strip(), size, str(params.get("encoding") or ""))
        order = "PREFIX" if position == "prefix" else "POSTFIX"
        return salted_digest_credential(digest, salt.encode(), value, order)

    return convert


def _prefixed(prefix, convert):
    def unwrap(encoded, params):
        return convert(encoded[len(prefix) :], params) if encoded.startswith(prefix) else None

    return unwrap


def _bcrypt(encoded, params):
    return bcrypt_credential(encoded)


CONVERTERS: dict[str, Callable[[str, Mapping[str, Any]], dict | None]] = {
    "bcrypt": _bcrypt,
    "django_bcrypt": _prefixed("bcrypt$", _bcrypt),
    "spring_bcrypt": _prefixed("{bcrypt}", _bcrypt),
    "pbkdf2_sha256": _passlib_pbkdf2(ph.pbkdf2_sha256, "sha256"),
    "pbkdf2_sha512": _passlib_pbkdf2(ph.pbkdf2_sha512, "sha512"),
    "ldap_pbkdf2_sha256": _prefixed(
        "{PBKDF2-SHA256}",
        lambda e, p: _passlib_pbkdf2(ph.pbkdf2_sha256, "sha256")("$pbkdf2-sha256$" + e, p),
    ),
    "ldap_pbkdf2_sha512": _prefixed(
        "{PBKDF2-SHA512}",
        lambda e, p: _passlib_pbkdf2(ph.pbkdf2_sha512, "sha512")("$pbkdf2-sha512$" + e, p),
    ),
    "django_pbkdf2_sha256": _django_pbkdf2,
    "hashcat_pbkdf2": _hashcat_pbkdf2,
    "aspnet_identity_v3": _decoded("aspnet_identity_v3", _structured_pbkdf2),
    "keycloak_pbkdf2": _decoded("keycloak_pbkdf2", _structured_pbkdf2),
    "ldap_salted_sha1": _ldap_salted("sha1"),
    "ldap_salted_sha256": _ldap_salted("sha256"),
    "ldap_salted_sha512": _ldap_salted("sha512"),
    "ldap_salted_md5": _ldap_salted("md5"),
    "django_salted_sha1": _django_salted("sha1"),
    "django_salted_md5": _django_salted("md5"),
    "raw_md5": _raw("md5"),
    "raw_sha1": _raw("sha1"),
    "raw_sha256": _raw("sha256"),
    "raw_sha512": _raw("sha512"),
    "joomla": _decoded("joomla", _salted_hex("POSTFIX")),
    "magento1": _decoded("magento1", _salted_hex("PREFIX")),
    # SMF hashes sha1(lower(username) + password): the salt Okta needs is the lowered name.
    "smf": _decoded("smf", _salted_hex("PREFIX", lower_salt=True)),
    "magento2": _decoded(
        "magento2",
        lambda parsed: salted_digest_credential(
            parsed.extra["algorithm"], parsed.salt, parsed.digest, "PREFIX"
        ),
    ),
}


_PBKDF2 = "PBKDF2 (>= 4096 rounds)"
#: What Okta imports each format as (per-hash conditions in brackets): the format table's
#: column and the audit's. Whether one stored hash imports is `okta_hash_credential`'s call.
OKTA_LABELS = {
    "bcrypt": "BCRYPT",
    "django_bcrypt": "BCRYPT",
    "spring_bcrypt": "BCRYPT",
    "pbkdf2_sha256": _PBKDF2,
    "pbkdf2_sha512": _PBKDF2,
    "ldap_pbkdf2_sha256": _PBKDF2,
    "ldap_pbkdf2_sha512": _PBKDF2,
    "django_pbkdf2_sha256": _PBKDF2,
    "hashcat_pbkdf2": "PBKDF2 (SHA-256/512, >= 4096 rounds)",
    "aspnet_identity_v3": "PBKDF2 (SHA-256/512, >= 4096 rounds)",
    "keycloak_pbkdf2": "PBKDF2 (SHA-256/512, >= 4096 rounds)",
    "ldap_salted_sha1": "SHA-1",
    "ldap_salted_sha256": "SHA-256",
    "ldap_salted_sha512": "SHA-512",
    "ldap_salted_md5": "MD5",
    "django_salted_sha1": "SHA-1",
    "django_salted_md5": "MD5",
    "raw_md5": "MD5 (when salted)",
    "raw_sha1": "SHA-1 (when salted)",
    "raw_sha256": "SHA-256 (when salted)",
    "raw_sha512": "SHA-512 (when salted)",
    "joomla": "MD5",
    "magento1": "MD5 / SHA-256",
    "magento2": "SHA-256 / MD5",
    "smf": "SHA-1",
}


def okta_hash_credential(
    format_name: str, encoded: str, params: Mapping[str, Any] | None = None
) -> dict | None:
    """Okta's `password.hash` object for this stored hash, or None (use the hook)."""
    params = params or {}
    convert = CONVERTERS.get(format_name)
    if convert is None or params.get("password_encoding") or params.get("key"):
        return None  # a non-UTF-8 or peppered legacy hash is not what Okta would compute
    try:
        return convert(encoded, params)
    except (MalformedHash, ValueError, TypeError, KeyError):
        return None
