"""Key-derivation layouts no maintained Python library parses: Django and Werkzeug scrypt,
Werkzeug PBKDF2, ASP.NET Identity v2/v3, Keycloak, hashcat's PBKDF2 layout, PostgreSQL
SCRAM-SHA-256 and Firebase's modified scrypt. The primitives are the standard library's
(`hashlib.pbkdf2_hmac`, `hashlib.scrypt`) and `cryptography`'s AES."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import struct
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.views.decorators.debug import sensitive_variables
from passlib.utils import saslprep

from legacy_users.hashing.base import MalformedHash, Parsed
from legacy_users.hashing.codecs import as_int, b64decode, hexdecode, text_param
from legacy_users.hashing.structured import StructuredFormat, split_exact

#: Ceiling for scrypt's memory (128 * N * r bytes), so a hostile hash cannot exhaust RAM.
SCRYPT_MAXMEM = 256 * 1024 * 1024


def _scrypt(secret: bytes, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    if n < 2 or n & (n - 1):
        raise MalformedHash("scrypt N must be a power of two")
    if 128 * n * r * p > SCRYPT_MAXMEM * 4 or 128 * n * r > SCRYPT_MAXMEM:
        raise MalformedHash("scrypt parameters exceed the memory ceiling")
    try:
        return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=SCRYPT_MAXMEM)
    except ValueError:
        raise MalformedHash("scrypt rejected the parameters") from None


class DjangoScrypt(StructuredFormat):
    """Django 4.0+ `ScryptPasswordHasher`: `scrypt$N$salt$r$p$base64` (its `encode` writes the
    work factor before the salt)."""

    name = "django_scrypt"
    family = "scrypt"
    description = "Django scrypt (scrypt$N$salt$r$p$base64)"
    shape = re.compile(r"^scrypt\$\d+\$[^$]+\$\d+\$\d+\$[A-Za-z0-9+/]+=*$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        _, n, salt, r, p, digest = split_exact(encoded, "$", 6)
        raw = b64decode(digest, "the digest")
        return Parsed(
            raw,
            salt=salt.encode(),
            extra={"n": as_int(n, "N"), "r": as_int(r, "r"), "p": as_int(p, "p")},
        )

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        x = parsed.extra
        return _scrypt(secret, parsed.salt, x["n"], x["r"], x["p"], len(parsed.digest))


class WerkzeugHash(StructuredFormat):
    """Werkzeug/Flask `pbkdf2:sha256:600000$salt$hex` and `scrypt:32768:8:1$salt$hex`."""

    def __init__(self, name: str, kind: str, description: str) -> None:
        self.name, self.kind, self.description = name, kind, description
        self.family = kind
        self.shape = re.compile(
            r"^pbkdf2:[a-z0-9]+:\d+\$[^$]*\$[0-9a-f]+$"
            if kind == "pbkdf2"
            else r"^scrypt:\d+:\d+:\d+\$[^$]*\$[0-9a-f]+$"
        )

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        method, salt, digest = split_exact(encoded, "$", 3)
        fields = method.split(":")
        raw = hexdecode(digest, "the digest")
        if self.kind == "pbkdf2":
            if len(fields) != 3 or fields[0] != "pbkdf2":
                raise MalformedHash("expected pbkdf2:<hash>:<iterations>")
            if fields[1] not in hashlib.algorithms_guaranteed:
                raise MalformedHash(f"unknown hash {fields[1]!r}")
            extra = {"hash": fields[1]}
            return Parsed(raw, salt.encode(), as_int(fields[2], "iterations"), extra)
        if len(fields) != 4 or fields[0] != "scrypt":
            raise MalformedHash("expected scrypt:<N>:<r>:<p>")
        n, r, p = (as_int(v, name) for v, name in zip(fields[1:], "Nrp", strict=True))
        return Parsed(raw, salt.encode(), extra={"n": n, "r": r, "p": p})

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        if self.kind == "pbkdf2":
            return hashlib.pbkdf2_hmac(
                parsed.extra["hash"], secret, parsed.salt, parsed.iterations, len(parsed.digest)
            )
        x = parsed.extra
        return _scrypt(secret, parsed.salt, x["n"], x["r"], x["p"], len(parsed.digest))


class WerkzeugLegacy(StructuredFormat):
    """Werkzeug before 2.3: `method$salt$hex` is HMAC(key=salt, password) under `method`
    (any hashlib name), `method$$hex` the plain digest. Django writes `sha1$salt$hex` and
    `md5$salt$hex` too, as a salted digest: those shapes are ambiguous (see catalog)."""

    name = "werkzeug_hmac"
    description = "Werkzeug < 2.3 method$salt$hex (HMAC keyed by the salt; sha1, md5, sha256...)"
    shape = re.compile(r"^(?:md5|sha1|sha224|sha256|sha384|sha512)\$[^$]*\$[0-9a-f]{32,128}$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        method, salt, digest = split_exact(encoded, "$", 3)
        if method not in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512"):
            raise MalformedHash(f"unknown method {method!r}")
        raw = hexdecode(digest, "the digest")
        if len(raw) != hashlib.new(method).digest_size:
            raise MalformedHash(f"a {method} digest has {hashlib.new(method).digest_size} bytes")
        return Parsed(raw, salt.encode("utf-8"), extra={"hash": method})

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        if not parsed.salt:
            return hashlib.new(parsed.extra["hash"], secret).digest()
        return hmac.new(parsed.salt, secret, parsed.extra["hash"]).digest()


class WerkzeugPlain(StructuredFormat):
    """Werkzeug before 2.3, `plain$$password`: the password itself."""

    name = "werkzeug_plain"
    description = "Werkzeug < 2.3 plain$$password (stored in clear)"
    shape = re.compile(r"^plain\$\$.+$", re.DOTALL)

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash("expected plain$$password")
        return Parsed(encoded[len("plain$$") :].encode("utf-8"))

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return secret


class PerlPbkdf2(StructuredFormat):
    """Perl's Crypt::PBKDF2 (Catalyst and Dancer apps), in its two encodings:
    `{X-PBKDF2}HMACSHA2+512:<iterations as 4 base64 bytes>:<salt>:<hash>` ("ldap", the
    default) and `$PBKDF2$HMACSHA2{512}:<iterations>:<salt>$<hash>` ("crypt")."""

    family = "pbkdf2"

    def __init__(self, name: str, encoding: str, description: str) -> None:
        self.name, self.encoding, self.description = name, encoding, description
        kind = r"HMACSHA[123](?:[+{][0-9]{3}}?)?"
        b64 = r"[A-Za-z0-9+/]+={0,2}"
        self.shape = re.compile(
            rf"^\{{X-PBKDF2\}}({kind}):({b64}):({b64}):({b64})$"
            if encoding == "ldap"
            else rf"^\$PBKDF2\$({kind}):(\d+):({b64})\$({b64})$"
        )

    @staticmethod
    def algorithm(kind: str) -> str:
        """hashlib's name for a Crypt::PBKDF2 hash class (`HMACSHA2+512` -> sha512)."""
        size = re.sub(r"\D", "", kind[len("HMACSHA") + 1 :])
        if kind.startswith("HMACSHA1") and not size:
            return "sha1"
        if kind.startswith("HMACSHA2"):
            return f"sha{size or 256}"
        if kind.startswith("HMACSHA3"):
            return f"sha3_{size or 256}"
        raise MalformedHash(f"unknown hash class {kind!r}")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        match = self.shape.match(encoded) if self.shape else None
        if match is None:
            raise MalformedHash(f"expected Crypt::PBKDF2's {self.encoding} encoding")
        kind, rounds, salt, digest = match.groups()
        algorithm = self.algorithm(kind)
        if algorithm not in hashlib.algorithms_available:
            raise MalformedHash(f"unknown hash {algorithm!r}")
        if self.encoding == "ldap":
            packed = b64decode(rounds + "=" * (-len(rounds) % 4), "the iterations")
            if len(packed) != 4:
                raise MalformedHash("the iterations are not 4 bytes")
            iterations = struct.unpack(">I", packed)[0]
        else:
            iterations = as_int(rounds, "iterations")
        raw = b64decode(digest, "the hash")
        return Parsed(raw, b64decode(salt, "the salt"), iterations, {"hash": algorithm})

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return hashlib.pbkdf2_hmac(
            parsed.extra["hash"], secret, parsed.salt, parsed.iterations, len(parsed.digest)
        )


class HexPbkdf2(StructuredFormat):
    """A hex PBKDF2 digest with the salt in its own column, the algorithm and the rounds
    in the application's configuration (Go apps: Gitea, Grafana). Declared, never guessed:
    `iterations` (the app's default otherwise) and `algorithm` (sha256) from hash_params."""

    detectable = False
    family = "pbkdf2"
    params = ("salt", "iterations", "algorithm")

    def __init__(self, name: str, iterations: int, description: str) -> None:
        self.name, self.iterations, self.description = name, iterations, description

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        salt = text_param(params, "salt")
        if not salt:
            raise MalformedHash("needs the salt (salt column)")
        algorithm = str(params.get("algorithm") or "sha256").lower()
        if algorithm not in ("sha1", "sha256", "sha512"):
            raise MalformedHash(f"unknown algorithm {algorithm!r}")
        iterations = as_int(params.get("iterations") or self.iterations, "iterations")
        return Parsed(
            hexdecode(encoded.strip(), "the digest"), salt.encode(), iterations, {"hash": algorithm}
        )

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return hashlib.pbkdf2_hmac(
            parsed.extra["hash"], secret, parsed.salt, parsed.iterations, len(parsed.digest)
        )


class HashcatScrypt(StructuredFormat):
    """scrypt as hashcat writes it (mode 8900): `SCRYPT:<N>:<r>:<p>:<salt>:<hash>`, base64."""

    name = "hashcat_scrypt"
    description = "scrypt in hashcat's layout (SCRYPT:N:r:p:salt:hash, mode 8900)"
    family = "scrypt"
    shape = re.compile(r"^SCRYPT:\d+:\d+:\d+:[A-Za-z0-9+/]*={0,2}:[A-Za-z0-9+/]+={0,2}$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash("expected SCRYPT:N:r:p:salt:hash")
        _, n, r, p, salt, digest = encoded.split(":")
        extra = {"n": as_int(n, "N"), "r": as_int(r, "r"), "p": as_int(p, "p")}
        return Parsed(b64decode(digest, "the hash"), b64decode(salt, "the salt"), extra=extra)

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        x = parsed.extra
        return _scrypt(secret, parsed.salt, x["n"], x["r"], x["p"], len(parsed.digest))


class ScryptKdf(StructuredFormat):
    """Tarsnap's scrypt header, as the npm package scrypt-kdf (and Colin Percival's scrypt
    tool) writes it, base64: "scrypt", version 0, log2 N, r, p (big-endian), a 32-byte salt,
    the first 16 bytes of SHA-256 over those 48, then HMAC-SHA256 of the first 64 bytes keyed
    by the second half of scrypt(password, salt, N, r, p, 64)."""

    name = "scrypt_kdf"
    description = "scrypt-kdf (npm) / Tarsnap scrypt header, base64 (c2NyeXB0...)"
    family = "scrypt"
    shape = re.compile(r"^c2NyeXB0[A-Za-z0-9+/]{120}$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        raw = b64decode(encoded, "the header") if self.has_shape(encoded) else b""
        if len(raw) != 96 or raw[:6] != b"scrypt" or raw[6] != 0:
            raise MalformedHash("expected a 96-byte scrypt header, version 0")
        if hashlib.sha256(raw[:48]).digest()[:16] != raw[48:64]:
            raise MalformedHash("the header's checksum does not match")
        log_n, (r, p) = raw[7], struct.unpack(">II", raw[8:16])
        if not 1 <= log_n <= 40:
            raise MalformedHash("log2 N out of range")
        extra = {"n": 1 << log_n, "r": r, "p": p, "header": raw[:64]}
        return Parsed(raw[64:], raw[16:48], extra=extra)

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        x = parsed.extra
        key = _scrypt(secret, parsed.salt, x["n"], x["r"], x["p"], 64)[32:]
        return hmac.new(key, x["header"], "sha256").digest()


class _Pbkdf2(StructuredFormat):
    """Formats whose digest is PBKDF2 with the HMAC hash in `parsed.extra["hash"]`."""

    family = "pbkdf2"

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return hashlib.pbkdf2_hmac(
            parsed.extra["hash"], secret, parsed.salt, parsed.iterations, len(parsed.digest)
        )


class AspNetIdentity(_Pbkdf2):
    """ASP.NET Identity `PasswordHash` blobs: v2 (0x00, PBKDF2-SHA1 1000) and v3 (0x01)."""

    _PRF = {0: "sha1", 1: "sha256", 2: "sha512"}

    def __init__(self, name: str, version: int, description: str) -> None:
        self.name, self.version, self.description = name, version, description

    def identify(self, encoded: str) -> bool:
        try:
            self.decode(encoded, {})
        except MalformedHash:
            return False
        return True

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not 40 <= len(encoded) <= 400:
            raise MalformedHash("not an ASP.NET Identity hash")
        raw = b64decode(encoded, "the hash")
        if not raw or raw[0] != self.version:
            raise MalformedHash(f"not an ASP.NET Identity v{self.version + 2} hash")
        if self.version == 0:
            if len(raw) != 49:
                raise MalformedHash("a v2 hash is 49 bytes")
            return Parsed(raw[17:], salt=raw[1:17], iterations=1000, extra={"hash": "sha1"})
        if len(raw) < 13:
            raise MalformedHash("a v3 hash is too short")
        prf, iterations, salt_len = struct.unpack(">III", raw[1:13])
        if prf not in self._PRF or not 1 <= iterations <= 10_000_000 or salt_len < 16:
            raise MalformedHash("unknown v3 header")
        salt, subkey = raw[13 : 13 + salt_len], raw[13 + salt_len :]
        if len(salt) != salt_len or len(subkey) < 16:
            raise MalformedHash("a v3 hash is too short")
        return Parsed(subkey, salt=salt, iterations=iterations, extra={"hash": self._PRF[prf]})


class KeycloakPbkdf2(_Pbkdf2):
    """Keycloak credentials: `value` (base64) with `salt` (base64), `iterations`, `algorithm`.

    Keycloak keeps these as separate JSON fields of its credential; the loader takes them in
    `password_hash`, `salt` and `hash_params` (`iterations`, `algorithm`).
    """

    name = "keycloak_pbkdf2"
    description = "Keycloak pbkdf2 / pbkdf2-sha256 / pbkdf2-sha512 credential"
    detectable = False
    params = ("salt", "iterations", "algorithm")
    _ALGORITHMS = {"pbkdf2": "sha1", "pbkdf2-sha256": "sha256", "pbkdf2-sha512": "sha512"}

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        algorithm = str(params.get("algorithm") or "pbkdf2-sha256").lower()
        if algorithm not in self._ALGORITHMS:
            raise MalformedHash(f"unknown Keycloak algorithm {algorithm!r}")
        return Parsed(
            b64decode(encoded, "the value"),
            salt=b64decode(text_param(params, "salt"), "the salt"),
            iterations=as_int(text_param(params, "iterations"), "iterations"),
            extra={"hash": self._ALGORITHMS[algorithm]},
        )


class HashcatPbkdf2(_Pbkdf2):
    """The `sha256:iterations:base64 salt:base64 hash` layout (hashcat 10900, 12000, 12100)."""

    name = "hashcat_pbkdf2"
    description = "PBKDF2 as sha1|sha256|sha512:iterations:salt_b64:hash_b64"
    shape = re.compile(r"^(sha1|sha256|sha512):\d+:[A-Za-z0-9+/]*=*:[A-Za-z0-9+/]+=*$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        algorithm, iterations, salt, digest = split_exact(encoded, ":", 4)
        if algorithm not in ("sha1", "sha256", "sha512"):
            raise MalformedHash(f"unknown hash {algorithm!r}")
        return Parsed(
            b64decode(digest, "the digest"),
            salt=b64decode(salt, "the salt"),
            iterations=as_int(iterations, "iterations"),
            extra={"hash": algorithm},
        )


class PostgresScram(StructuredFormat):
    """PostgreSQL 10+ `SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey` (pg_authid)."""

    name = "postgres_scram_sha256"
    family = "pbkdf2"
    description = "PostgreSQL SCRAM-SHA-256 (SCRAM-SHA-256$4096:salt$StoredKey:ServerKey)"
    shape = re.compile(r"^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash("not a SCRAM-SHA-256 verifier")
        _, rest = encoded.split("$", 1)
        head, keys = rest.split("$")
        iterations, salt = head.split(":")
        stored, server = keys.split(":")
        stored_key, server_key = b64decode(stored), b64decode(server)
        if len(stored_key) != 32 or len(server_key) != 32:
            raise MalformedHash("SCRAM keys are 32 bytes")
        return Parsed(
            stored_key + server_key,
            salt=b64decode(salt, "the salt"),
            iterations=as_int(iterations, "iterations"),
        )

    @sensitive_variables()
    def secret(self, password: str, params: Mapping[str, Any]) -> bytes | None:
        """SASLprep'd first (NFKC and RFC 4013's mappings), as PostgreSQL does; a password
        SASLprep refuses (a control character...) is hashed as it is, as PostgreSQL does."""
        with contextlib.suppress(ValueError):
            password = saslprep(password)
        return super().secret(password, params)

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        salted = hashlib.pbkdf2_hmac("sha256", secret, parsed.salt, parsed.iterations)
        client_key = hmac.new(salted, b"Client Key", "sha256").digest()
        server_key = hmac.new(salted, b"Server Key", "sha256").digest()
        return hashlib.sha256(client_key).digest() + server_key


class FirebaseScrypt(StructuredFormat):
    """Firebase Authentication's modified scrypt (firebase/scrypt).

    The exported `passwordHash` is AES-256-CTR(key = scrypt(password, salt + separator),
    the project's signer key). Parameters come from the project's hash config: `signer_key`,
    `salt_separator` (both base64), `rounds`, `mem_cost`; the per-user `salt` (base64).
    """

    name = "firebase_scrypt"
    family = "scrypt"
    description = "Firebase Auth modified scrypt (export passwordHash + project hash config)"
    detectable = False
    params = ("salt", "signer_key", "salt_separator", "rounds", "mem_cost")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        return Parsed(
            b64decode(encoded, "the passwordHash"),
            salt=b64decode(text_param(params, "salt"), "the salt")
            + b64decode(str(params.get("salt_separator") or ""), "salt_separator"),
            extra={
                "signer_key": b64decode(text_param(params, "signer_key"), "signer_key"),
                # Firebase's rounds are scrypt's r, its mem_cost is log2(N).
                "r": as_int(text_param(params, "rounds"), "rounds", maximum=64),
                "n": 1 << as_int(text_param(params, "mem_cost"), "mem_cost", maximum=20),
                "p": 1,
            },
        )

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        x = parsed.extra
        key = _scrypt(secret, parsed.salt, x["n"], x["r"], x["p"], 32)
        encryptor = Cipher(algorithms.AES(key), modes.CTR(b"\x00" * 16)).encryptor()
        return encryptor.update(x["signer_key"]) + encryptor.finalize()
