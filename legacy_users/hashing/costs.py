"""Ceilings on a stored hash's work factor, per family of algorithms.

A hash's parameters say how much work checking a password against it takes, and they come
from an export file: `$2b$31$...` or PBKDF2 with 2^31 iterations would hold a worker for
minutes to days at one sign-in. Each ceiling is chosen so that one check at the ceiling costs
about a second on one core (measured by `bench/hash_ceilings.py`, which prints the figures),
while staying far above what real systems write (bcrypt 10-12, PBKDF2 up to 1,000,000, scrypt
N=2^14..2^17, argon2 up to 100 MiB). The loader refuses a row above a ceiling with its line
and reason; a check refuses such a hash without running it.
"""

from __future__ import annotations

from dataclasses import dataclass

from legacy_users.hashing.base import MalformedHash


class OverCost(MalformedHash):
    """The hash is well formed, but checking a password against it costs more than its
    family's ceiling allows. The message names the parameter and the ceiling."""


@dataclass(frozen=True, slots=True)
class CostFamily:
    """Algorithms whose cost one number measures, and that number's ceiling."""

    name: str
    measure: str
    ceiling: int
    formats: str


FAMILIES: dict[str, CostFamily] = {
    family.name: family
    for family in (
        CostFamily("bcrypt", "bcrypt cost (log2 rounds)", 14, "bcrypt and its wrappings"),
        # The password is hashed again every round: the longest accepted one costs ~4x.
        CostFamily("phpass", "log2 rounds", 19, "phpass ($P$, $H$), Drupal 7 ($S$)"),
        CostFamily(
            "pbkdf2",
            "iterations",
            2_000_000,
            "every PBKDF2 layout, SCRAM, FSHP, ASP.NET Identity, Keycloak, $sha1$",
        ),
        # Above passlib's own default (656,000); cost grows with the password's length.
        CostFamily("sha_crypt", "rounds", 700_000, "SHA-256/512 crypt ($5$, $6$)"),
        CostFamily("sun_md5_crypt", "rounds", 200_000, "Solaris MD5 crypt ($md5$)"),
        CostFamily("bsdi_crypt", "rounds", 100_000, "BSDi extended DES crypt"),
        CostFamily("scrypt", "N·r·p", 2**21, "scrypt in every layout, yescrypt, Firebase scrypt"),
        CostFamily("argon2", "m·t (KiB x passes)", 2**21, "argon2 in every layout"),
        CostFamily("argon2_memory", "m (KiB)", 2**19, "argon2 in every layout"),
    )
}


def check_cost(family: str, amount: int) -> None:
    """Raise `OverCost` when `amount` is over `family`'s ceiling."""
    limit = FAMILIES[family]
    if amount > limit.ceiling:
        raise OverCost(f"{limit.measure} {amount:,} is over the ceiling of {limit.ceiling:,}")


def check_work(
    family: str, *, rounds: int = 0, memory_kib: int = 0, n: int = 0, r: int = 1, p: int = 1
) -> None:
    """Hold a hash's parameters to its family's ceilings: argon2 by m and m·t (`memory_kib`,
    `rounds`), scrypt by N·r·p, every other family by `rounds` (its own measure)."""
    if family == "argon2":
        check_cost("argon2_memory", memory_kib)
        check_cost("argon2", memory_kib * rounds)
    elif family == "scrypt":
        check_cost("scrypt", n * r * p)
    else:
        check_cost(family, rounds)
