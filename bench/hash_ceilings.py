"""What one password check costs at each cost ceiling (legacy_users/hashing/costs.py).

Each family's ceiling is meant to cost about a second of one core at most. This times one
check of a hash exactly at the ceiling (a wrong password: the work is the same), with a
typical 12-character password and with the longest one the hook accepts
(OKTA_HOOK_MAX_PASSWORD_BYTES), beside the one-second budget, and the families' defaults
real systems write for reference.

    .venv/bin/python bench/hash_ceilings.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_portal.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402
from passlib import hash as ph  # noqa: E402

from legacy_users.hashing import check_password  # noqa: E402
from legacy_users.hashing.codecs import CRYPT64  # noqa: E402
from legacy_users.hashing.costs import FAMILIES  # noqa: E402

B64_43 = "Z17AXnnlpzddNUvnC6cZNOSwMA/8oNiKnHTHTwLlBij"


def cases():
    """(family, format, hash at the ceiling, hash at a common real-world setting)."""
    c = {name: family.ceiling for name, family in FAMILIES.items()}
    yield "bcrypt", "bcrypt", ph.bcrypt.using(rounds=c["bcrypt"]).hash("x"), "$2b$10$" + "a" * 53
    yield "phpass", "drupal7", "$S$" + CRYPT64[c["phpass"]] + "C" * 51, "$S$D" + "C" * 51
    yield "phpass", "phpass", "$P$" + CRYPT64[c["phpass"]] + "I" * 30, "$P$B" + "I" * 30
    for fmt, layout in (
        ("django_pbkdf2_sha256", "pbkdf2_sha256${}$salt$" + B64_43 + "="),
        ("hashcat_pbkdf2", "sha512:{}:c2FsdA==:" + B64_43 + "="),
    ):
        yield "pbkdf2", fmt, layout.format(c["pbkdf2"]), layout.format(600_000)
    yield (
        "pbkdf2",
        "sha1_crypt",
        ph.sha1_crypt.using(rounds=c["pbkdf2"]).hash("x"),
        ph.sha1_crypt.using(rounds=480_000).hash("x"),
    )
    for fmt, handler in (("sha512_crypt", ph.sha512_crypt), ("sha256_crypt", ph.sha256_crypt)):
        yield (
            "sha_crypt",
            fmt,
            handler.using(rounds=c["sha_crypt"]).hash("x"),
            handler.using(rounds=5000).hash("x"),
        )
    yield (
        "sun_md5_crypt",
        "sun_md5_crypt",
        ph.sun_md5_crypt.using(rounds=c["sun_md5_crypt"]).hash("x"),
        ph.sun_md5_crypt.using(rounds=5000).hash("x"),
    )
    yield (
        "bsdi_crypt",
        "bsdi_crypt",
        ph.bsdi_crypt.using(rounds=c["bsdi_crypt"] - 1).hash("x"),  # passlib wants odd rounds
        ph.bsdi_crypt.using(rounds=5001).hash("x"),
    )
    # N*r*p at the ceiling, within the 256 MiB memory cap: N=2^17, r=8, p=2.
    yield (
        "scrypt",
        "django_scrypt",
        "scrypt$salt$131072$8$2$" + B64_43 + "=",
        "scrypt$salt$16384$8$1$" + B64_43 + "=",
    )
    salt = "Qeof7nTZR1kT1cFwdlZqd0"
    yield "scrypt", "yescrypt", f"$y$jDT${salt}$" + "B" * 43, f"$y$j9T${salt}$" + "B" * 43
    memory = c["argon2_memory"]
    yield (
        "argon2",
        "argon2",
        ph.argon2.using(memory_cost=memory, rounds=c["argon2"] // memory).hash("x"),
        ph.argon2.using(memory_cost=65536, rounds=3).hash("x"),
    )


def seconds(fmt: str, encoded: str, password: str) -> float:
    started = time.perf_counter()
    result = check_password(password, encoded, format_name=fmt)
    took = time.perf_counter() - started
    assert result.reason.value in ("wrong_password", "verified"), (fmt, result)
    return took


def main() -> None:
    longest = "p" * settings.OKTA_HOOK_MAX_PASSWORD_BYTES
    print(f"One check on one core; budget 1.00 s; longest password {len(longest)} bytes")
    print(
        f"{'family':<14} {'format':<22} {'ceiling':>12} {'12 chars':>9} "
        f"{'longest':>9} {'real-world setting':>18}"
    )
    for family, fmt, at_ceiling, typical in cases():
        ceiling = FAMILIES[family].ceiling
        short = seconds(fmt, at_ceiling, "wrong-pass-1")
        long = seconds(fmt, at_ceiling, longest)
        common = seconds(fmt, typical, "wrong-pass-1")
        print(
            f"{family:<14} {fmt:<22} {ceiling:>12,} {short:>8.2f}s {long:>8.2f}s {common:>17.3f}s"
        )


if __name__ == "__main__":
    main()
