"""Hash formats backed by libpass (the maintained `passlib`) handlers."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from typing import Any

from django.views.decorators.debug import sensitive_variables
from passlib.crypto.digest import lookup_hash
from passlib.exc import PasswordValueError
from passlib.utils.handlers import PrefixWrapper, StaticHandler

from legacy_users.hashing.base import HashFormat, MalformedHash, Parsed
from legacy_users.hashing.codecs import CRYPT64, b64decode, hexdecode, password_bytes
from legacy_users.hashing.costs import check_work

#: SHA-crypt's rounds when the string names none (the specification's default).
SHA_CRYPT_IMPLICIT_ROUNDS = 5000
#: A digest passlib holds as text, to bytes, by how it is written.
_TEXT_DIGESTS = {
    "": lambda text: text.encode("ascii"),
    "hex": hexdecode,
    "base64": b64decode,
}


class PasslibFormat(HashFormat):
    """A format verified by one passlib handler.

    `truncate_bytes` cuts the UTF-8 password before hashing, the way the legacy system did
    (bcrypt only ever saw 72 bytes; the bcrypt 5 library raises instead of cutting).
    `family` names the cost ceiling (see `costs.py`) the handler's work factor is held to;
    formats with a `shape` read it through `cost_pattern`'s named groups (`rounds`,
    `log2char`, `memory`), the others from the parsed handler object.
    """

    def __init__(
        self,
        name: str,
        handler: Any,
        description: str,
        *,
        detectable: bool = True,
        truncate_bytes: int | None = None,
        context: dict[str, tuple[str, ...]] | None = None,
        shape: str = "",
        family: str = "",
        cost_pattern: str = "",
        digest_text: str = "",
    ) -> None:
        self.name = name
        self.handler = handler
        self.description = description
        self.detectable = detectable
        self.truncate_bytes = truncate_bytes
        # A full-match regex that accepts exactly the well-formed strings lets the loader
        # check a million rows without building a passlib object per row.
        self.shape = re.compile(shape) if shape else None
        self.family = family
        self.cost_pattern = re.compile(cost_pattern) if cost_pattern else None
        # How passlib keeps a digest it holds as text: "hex" or "base64" (decoded to the
        # digest's bytes), or "" (crypt-style text, kept as its ASCII bytes).
        self.digest_text = digest_text
        if self.shape is not None and family and self.cost_pattern is None:
            raise ValueError(f"{name}: a shape-checked format with a cost needs cost_pattern")
        # handler keyword -> the parameters that can supply it, in order (e.g. the role name
        # PostgreSQL salts md5 with comes from `username`, else the user's login).
        self.context = context or {}
        self.params = tuple(names[0] for names in self.context.values())

    def _context(self, params: Mapping[str, Any]) -> dict[str, str]:
        values = {}
        for keyword, names in self.context.items():
            value = next((params[n] for n in names if params.get(n)), None)
            if value is None:
                raise MalformedHash(f"this format needs the {names[0]!r} parameter")
            values[keyword] = str(value)
        return values

    def __repr__(self) -> str:
        return f"<PasslibFormat {self.name}>"

    def identify(self, encoded: str) -> bool:
        try:
            return bool(self.handler.identify(encoded))
        except (ValueError, TypeError):
            return False

    def parse(self, encoded: str, params: Mapping[str, Any]) -> None:
        self._context(params)
        if self.shape is not None:
            if not self.shape.match(encoded):
                raise MalformedHash(f"not a well-formed {self.name} hash")
            self._check_cost(encoded, None)
            return
        self._check_cost(encoded, self._parsed(encoded))

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        """The parts passlib's own parser (the one its `verify` runs) reads from `encoded`."""
        parsed = self._parsed(encoded)
        digest, salt = parsed.checksum, getattr(parsed, "salt", None) or b""
        if isinstance(digest, str):
            digest = _TEXT_DIGESTS[self.digest_text](digest)
        return Parsed(
            digest,
            salt=salt.encode("utf-8") if isinstance(salt, str) else salt,
            iterations=int(getattr(parsed, "rounds", 0) or 0),
        )

    def _parsed(self, encoded: str, *, exact_digest: bool = True) -> Any:
        """The handler's object for `encoded` (through any prefix wrappers), or MalformedHash.

        `exact_digest` also holds the digest to the handler's nominal size (load time); the
        cost check before a verification only needs the parameters.
        """
        handler, inner = self.handler, encoded
        # Wrappers (LDAP `{CRYPT}`, Django `argon2$`...) add a prefix to an inner format.
        while isinstance(handler, PrefixWrapper):
            if not inner.startswith(handler.prefix):
                raise MalformedHash(f"does not start with {handler.prefix!r}")
            inner = handler.orig_prefix + inner[len(handler.prefix) :]
            handler = handler.wrapped
        # Static digests (LDAP {SHA}, {MD5}) only check their exact shape in this regex.
        shape = getattr(handler, "_hash_regex", None)
        if issubclass(handler, StaticHandler) and shape is not None and not shape.match(inner):
            raise MalformedHash(f"not a well-formed {self.name} hash")
        try:
            parsed = handler.from_string(inner)
        except (ValueError, TypeError, NotImplementedError):
            raise MalformedHash(f"not a well-formed {self.name} hash") from None
        # Some handlers (LDAP digests) accept a digest of the wrong length when parsing. The
        # size is read from the parsed hash: for some (fshp) it depends on the variant.
        size = getattr(parsed, "checksum_size", None)
        checksum = getattr(parsed, "checksum", None)
        wrong_size = isinstance(size, int) and checksum is not None and len(checksum) != size
        if exact_digest and wrong_size:
            raise MalformedHash(
                f"the digest is {len(checksum or '')} long where {self.name} has {size}"
            )
        return parsed

    def _check_cost(self, encoded: str, parsed: Any) -> None:
        """Raise `OverCost` when the hash's work factor is over its family's ceiling."""
        if not self.family:
            return
        if parsed is None:
            if self.cost_pattern is None:
                parsed = self._parsed(encoded, exact_digest=False)
            else:
                found = self.cost_pattern.match(encoded)
                if found is None:
                    raise MalformedHash(f"not a well-formed {self.name} hash")
                values = found.groupdict()
                rounds = values.get("rounds")
                log2 = values.get("log2char")
                memory = values.get("memory")
                if log2 is not None:
                    rounds = CRYPT64.index(log2)
                elif rounds is None:
                    rounds = SHA_CRYPT_IMPLICIT_ROUNDS  # the one format whose cost is optional
                check_work(self.family, rounds=int(rounds), memory_kib=int(memory or 0))
                return
        rounds = int(parsed.rounds)
        if self.family == "scrypt":  # passlib's scrypt rounds are log2(N)
            r, p = int(parsed.block_size), int(parsed.parallelism)
            check_work("scrypt", n=1 << min(rounds, 64), r=r, p=p)
        else:
            memory = int(getattr(parsed, "memory_cost", 0) or 0)
            check_work(self.family, rounds=rounds, memory_kib=memory)

    @sensitive_variables()
    def verify(self, password: str, encoded: str, params: Mapping[str, Any]) -> bool:
        secret: str | bytes | None = password
        if self.truncate_bytes is not None or params.get("password_encoding"):
            secret = password_bytes(password, params)
            if secret is None:
                return False
            if self.truncate_bytes is not None:
                secret = secret[: self.truncate_bytes]
        context = self._context(params)
        self._check_cost(encoded, None)
        try:
            return bool(self.handler.verify(secret, encoded, **context))
        except PasswordValueError:
            # The password itself is unacceptable to the algorithm (too long, NUL byte):
            # it cannot be the one the legacy system stored.
            return False
        except (ValueError, TypeError, NotImplementedError):
            # `from None`: passlib's own message is not carried along.
            raise MalformedHash(f"not a well-formed {self.name} hash") from None


#: A PHC argon2 string's parts: the prefix (variant, version), the three parameters in
#: whatever order, and the rest (salt, digest).
_ARGON2_PARAMETERS = re.compile(
    r"^(?P<head>\$argon2(?:id|i|d)\$(?:v=\d+\$)?)(?P<params>[mtp]=\d+,[mtp]=\d+,[mtp]=\d+)"
    r"(?P<tail>\$.*)$"
)
#: The reference order already.
_ARGON2_CANONICAL = re.compile(r"^\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+\$")


class Argon2Format(PasslibFormat):
    """Argon2 in PHC form, with its three parameters in any order.

    The reference implementation, argon2-cffi and passlib write `m=,t=,p=`; Node's `argon2`
    package (through `@phc/format`) writes them sorted, `m=,p=,t=`. Both mean the same hash:
    it is put in the reference order before passlib reads it.
    """

    @staticmethod
    def canonical(encoded: str) -> str:
        if _ARGON2_CANONICAL.match(encoded):  # most hashes: one regex, nothing rebuilt
            return encoded
        found = _ARGON2_PARAMETERS.match(encoded)
        if found is None:
            return encoded
        values = dict(part.split("=", 1) for part in found["params"].split(","))
        if set(values) != {"m", "t", "p"}:
            return encoded
        params = f"m={values['m']},t={values['t']},p={values['p']}"
        return f"{found['head']}{params}{found['tail']}"

    def identify(self, encoded: str) -> bool:
        return super().identify(self.canonical(encoded))

    def parse(self, encoded: str, params: Mapping[str, Any]) -> None:
        super().parse(self.canonical(encoded), params)

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        return super().decode(self.canonical(encoded), params)

    @sensitive_variables()
    def verify(self, password: str, encoded: str, params: Mapping[str, Any]) -> bool:
        return super().verify(password, self.canonical(encoded), params)


class BsdNtHash(PasslibFormat):
    """FreeBSD's `$3$$hex` NT hash, as both writers compute it.

    Windows (and passlib) hash the password's UTF-16LE; FreeBSD's crypt-nthash and
    libxcrypt (`mkpasswd -m nt`) widen each UTF-8 byte to 16 bits instead. The two agree on
    ASCII; for any other password the string says nothing of its writer, so both readings
    are checked (two MD4s: the chance that a wrong password matches either stays nil).
    """

    @sensitive_variables()
    def verify(self, password: str, encoded: str, params: Mapping[str, Any]) -> bool:
        if super().verify(password, encoded, params):
            return True
        if password.isascii():
            return False
        widened = b"".join(bytes((byte, 0)) for byte in password.encode("utf-8"))
        digest = lookup_hash("md4").const(widened).hexdigest()
        return hmac.compare_digest(digest, encoded[len("$3$$") :].lower())
