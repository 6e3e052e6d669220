"""Dovecot's `{SCHEME}`-prefixed password hashes, as `doveadm pw` writes them and as mail
server migrations export them (passwd-file, SQL `password` columns).

Most schemes are a known format behind a prefix (`{SHA512-CRYPT}$6$...`,
`{BLF-CRYPT}$2y$...`, `{ARGON2ID}$argon2id$...`), so a `SchemePrefix` strips the prefix and
hands the rest to that format (OpenLDAP's `{ARGON2}` is one too); Dovecot's own layouts
(`{PBKDF2}`, `{SCRAM-SHA-1}`, `{SCRAM-SHA-256}`) are formats here. Schemes that LDAP
shares with the same meaning (`{SSHA}`, `{SSHA256}`, `{SSHA512}`, `{SMD5}`) are the LDAP
formats' and never reach this one; `{MD5}` differs (Dovecot means MD5-crypt, LDAP a base64
MD5 digest) and comes here when it holds `$1$`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

from legacy_users.hashing.base import HashFormat, MalformedHash, Parsed
from legacy_users.hashing.codecs import as_int, b64decode, hexdecode
from legacy_users.hashing.structured import DelegatingFormat, StructuredFormat, split_exact

#: scheme -> the format the rest of the string is in. Digest schemes take base64 by default
#: and hex with `.HEX` (`{SHA256.HEX}`); the raw digest formats read either.
SCHEMES = {
    "SHA": "raw_sha1",
    "SHA1": "raw_sha1",
    "SHA256": "raw_sha256",
    "SHA512": "raw_sha512",
    "LDAP-MD5": "raw_md5",
    "PLAIN-MD5": "raw_md5",
    "PLAIN-MD4": "raw_md4",
    "PLAIN": "plaintext",
    "CLEAR": "plaintext",
    "CLEARTEXT": "plaintext",
    "MD5": "md5_crypt",
    "MD5-CRYPT": "md5_crypt",
    "SHA256-CRYPT": "sha256_crypt",
    "SHA512-CRYPT": "sha512_crypt",
    "BLF-CRYPT": "bcrypt",
    "DES-CRYPT": "des_crypt",
    "ARGON2I": "argon2",
    "ARGON2ID": "argon2",
    "PBKDF2": "dovecot_pbkdf2",
    "SCRAM-SHA-1": "dovecot_scram_sha1",
    "SCRAM-SHA-256": "dovecot_scram_sha256",
}
_PREFIX = re.compile(r"^\{(?P<scheme>[A-Z0-9-]+)(?:\.(?P<encoding>HEX|B64|BASE64))?\}")


class SchemePrefix(DelegatingFormat):
    """A `{SCHEME}` prefix in front of a format this registry knows (`schemes`: scheme ->
    that format's name). A `DelegatingFormat` whose marker names the inner format."""

    def __init__(
        self,
        name: str,
        description: str,
        schemes: Mapping[str, str],
        formats: Mapping[str, HashFormat],
    ) -> None:
        missing = set(schemes.values()) - set(formats)
        if missing:
            raise ValueError(f"{name}: schemes need formats that are not registered: {missing}")
        super().__init__(name, "{SCHEME}", [], description)
        self.schemes = {scheme: formats[inner] for scheme, inner in schemes.items()}

    def __repr__(self) -> str:
        return f"<SchemePrefix {self.name}>"

    def identify(self, encoded: str) -> bool:
        found = _PREFIX.match(encoded)
        return found is not None and found["scheme"] in self.schemes

    def _unwrap(self, encoded: str) -> tuple[HashFormat, str]:
        found = _PREFIX.match(encoded)
        if found is None or found["scheme"] not in self.schemes:
            raise MalformedHash(f"not a {self.name} {{SCHEME}} hash")
        return self.schemes[found["scheme"]], encoded[found.end() :]


def dovecot_scheme(formats: Mapping[str, HashFormat]) -> SchemePrefix:
    """Dovecot's `{SCHEME}` hashes (`doveadm pw`)."""
    return SchemePrefix(
        "dovecot",
        "Dovecot {SCHEME} hashes: {SHA512-CRYPT} {SHA256-CRYPT} {MD5-CRYPT} {BLF-CRYPT} "
        "{DES-CRYPT} {ARGON2I} {ARGON2ID} {PBKDF2} {SCRAM-SHA-1} {SCRAM-SHA-256} {SHA1} "
        "{SHA256} {SHA512} {LDAP-MD5} {PLAIN-MD5} {PLAIN-MD4} {PLAIN} {CLEAR} {CLEARTEXT}",
        SCHEMES,
        formats,
    )


def openldap_argon2(formats: Mapping[str, HashFormat]) -> SchemePrefix:
    """OpenLDAP's argon2 module: `{ARGON2}` before a PHC argon2 string (slappasswd)."""
    return SchemePrefix(
        "ldap_argon2",
        "OpenLDAP {ARGON2} (the argon2 module; slappasswd -h {ARGON2})",
        {"ARGON2": "argon2"},
        formats,
    )


class DovecotPbkdf2(StructuredFormat):
    """Dovecot `{PBKDF2}$1$salt$rounds$hex`: PBKDF2-HMAC-SHA1 over the salt's characters."""

    name = "dovecot_pbkdf2"
    family = "pbkdf2"
    detectable = False
    description = "Dovecot PBKDF2 without its {PBKDF2} prefix ($1$salt$rounds$hex)"

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        empty, version, salt, rounds, digest = split_exact(encoded, "$", 5)
        if empty or version != "1":
            raise MalformedHash("expected $1$salt$rounds$hex")
        return Parsed(hexdecode(digest, "the digest"), salt.encode(), as_int(rounds, "rounds"))

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return hashlib.pbkdf2_hmac(
            "sha1", secret, parsed.salt, parsed.iterations, len(parsed.digest)
        )


class DovecotScram(StructuredFormat):
    """Dovecot `{SCRAM-SHA-*}iterations,salt,StoredKey,ServerKey` (base64 fields)."""

    family = "pbkdf2"
    detectable = False

    def __init__(self, name: str, digest: str) -> None:
        self.name, self.digest = name, digest
        self.size = hashlib.new(digest).digest_size
        self.description = f"Dovecot SCRAM-{digest.upper()} without its prefix (i,salt,keys)"

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        iterations, salt, stored, server = split_exact(encoded, ",", 4)
        stored_key, server_key = b64decode(stored, "StoredKey"), b64decode(server, "ServerKey")
        if len(stored_key) != self.size or len(server_key) != self.size:
            raise MalformedHash(f"SCRAM-{self.digest.upper()} keys are {self.size} bytes")
        return Parsed(
            stored_key + server_key,
            salt=b64decode(salt, "the salt"),
            iterations=as_int(iterations, "iterations"),
        )

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        salted = hashlib.pbkdf2_hmac(self.digest, secret, parsed.salt, parsed.iterations)
        client_key = hmac.new(salted, b"Client Key", self.digest).digest()
        server_key = hmac.new(salted, b"Server Key", self.digest).digest()
        return hashlib.new(self.digest, client_key).digest() + server_key
