"""Hashes written by the real tools legacy systems use, verified as the loader and the hook
see them: detected without a declared format, right password VERIFIED, wrong one not.

Generators installable from PyPI are called here (Django's hashers, libpass). The outputs
of npm packages (argon2, bcryptjs) and Debian tools (doveadm) are fixtures under
tests/fixtures/real_tools/, made by scripts/fixtures/node_hashes.js and debian_tools.py,
with each tool's version in its entries. Every generator gets the same five kinds of
password (scripts/fixtures/passwords.json): ASCII, non-Latin Unicode, accented Latin,
quotes/backslash/spaces, and 100 characters.
"""

import json
from pathlib import Path

import argon2
import pytest
from django.contrib.auth import hashers
from passlib import hash as ph

from legacy_users.hashing import check_password, classify_hash
from legacy_users.hashing.generators import TESTED_WITH
from legacy_users.hashing.okta_import import okta_hash_credential
from tests.fake_okta import okta_accepts_hash

HERE = Path(__file__).resolve().parent
PASSWORDS = json.loads((HERE.parent / "scripts" / "fixtures" / "passwords.json").read_text())
NODE = json.loads((HERE / "fixtures" / "real_tools" / "node.json").read_text())["hashes"]
NODE += json.loads((HERE / "fixtures" / "real_tools" / "scrypt_kdf.json").read_text())["hashes"]
DEBIAN = json.loads((HERE / "fixtures" / "real_tools" / "debian.json").read_text())["hashes"]
MEDIAWIKI = json.loads((HERE / "fixtures" / "real_tools" / "mediawiki.json").read_text())["hashes"]
GO = json.loads((HERE / "fixtures" / "real_tools" / "go.json").read_text())["hashes"]
WORDPRESS = json.loads((HERE / "fixtures" / "real_tools" / "wordpress.json").read_text())["hashes"]
PERL = json.loads((HERE / "fixtures" / "real_tools" / "perl.json").read_text())["hashes"]
WERKZEUG = json.loads((HERE / "fixtures" / "real_tools" / "werkzeug.json").read_text())["hashes"]


#: Tools whose strings carry no marker (13 characters of crypt64 are DES or nothing): the
#: operator declares these, as the loader asks them to.
DECLARED = {"mkpasswd -m descrypt": "des_crypt"}


def _verifies(password: str, encoded: str, declared: str = "") -> tuple[str, bool, bool]:
    """(format or problem, right password verified, wrong password verified); detected
    unless `declared`."""
    verdict = classify_hash(encoded, declared)
    if not verdict.ok:
        return verdict.problem, False, False
    right = check_password(password, encoded, format_name=verdict.format_name).verified
    # Changed at the front: bcrypt reads only a password's first 72 bytes, DES-crypt 8.
    wrong = check_password("x" + password, encoded, format_name=verdict.format_name).verified
    return verdict.format_name, right, wrong


@pytest.mark.parametrize(
    "case", NODE, ids=[f"{c['tool']}-{i % len(PASSWORDS)}" for i, c in enumerate(NODE)]
)
def test_node_packages_hashes_verify(case):
    detected, right, wrong = _verifies(case["password"], case["hash"])

    assert (right, wrong) == (True, False), detected


def _tool_id(case: dict, i: int) -> str:
    """The tool's label without its version, and which password."""
    label = case["tool"].split(" (")[0]
    return f"{label}{case['tool'].split(')')[-1]}-{i % len(PASSWORDS)}"


@pytest.mark.parametrize("case", DEBIAN, ids=[_tool_id(c, i) for i, c in enumerate(DEBIAN)])
def test_debian_tools_hashes_verify(case):
    declared = DECLARED.get(case["tool"].split(" (")[0], "")

    detected, right, wrong = _verifies(case["password"], case["hash"], declared)

    assert (right, wrong) == (True, False), detected


@pytest.mark.parametrize(
    "case", WERKZEUG, ids=[f"{c['tool'].split('(')[1]}-{i % 5}" for i, c in enumerate(WERKZEUG)]
)
def test_old_werkzeug_hashes_verify(case):
    detected, right, wrong = _verifies(case["password"], case["hash"])

    assert (right, wrong) == (True, False), detected


@pytest.mark.parametrize(
    "case", MEDIAWIKI, ids=[f"{c['tool'].split(' (')[0]}-{i // 5}" for i, c in enumerate(MEDIAWIKI)]
)
def test_mediawiki_layouts_verify(case):
    detected, right, wrong = _verifies(case["password"], case["hash"])

    assert (right, wrong) == (True, False), detected


@pytest.mark.parametrize("case", WORDPRESS, ids=[str(i) for i in range(len(WORDPRESS))])
def test_wordpress_6_8_hashes_verify(case):
    detected, right, wrong = _verifies(case["password"], case["hash"])

    assert (right, wrong) == (True, False), detected


@pytest.mark.parametrize(
    "case", PERL, ids=[f"{c['tool'].split(' (')[0]}-{i % 5}" for i, c in enumerate(PERL)]
)
def test_perl_crypt_pbkdf2_hashes_verify(case):
    detected, right, wrong = _verifies(case["password"], case["hash"])

    assert (right, wrong) == (True, False), detected


@pytest.mark.parametrize(
    "case", GO, ids=[f"{c['tool'].split(':')[0]}-{i % 5}" for i, c in enumerate(GO)]
)
def test_gitea_and_grafana_hashes_verify_as_declared(case):
    params = {"salt": case["salt"], **(case.get("hash_params") or {})}
    verdict = classify_hash(case["hash"], case["hash_format"], params)
    right = check_password(
        case["password"], case["hash"], format_name=case["hash_format"], params=params
    )
    wrong = check_password(
        "x" + case["password"], case["hash"], format_name=case["hash_format"], params=params
    )

    assert verdict.ok and (right.verified, wrong.verified) == (True, False)


@pytest.mark.parametrize("source", ["mediawiki", "perl", "werkzeug"])
def test_real_tools_hashes_okta_can_import_let_okta_accept_the_password_only(source):
    """Where Okta can take a real tool's hash itself, the payload built from it is one Okta
    checks the right password against, and refuses a wrong one with."""
    cases = {"mediawiki": MEDIAWIKI, "perl": PERL, "werkzeug": WERKZEUG}[source]
    imported = 0
    for case in cases:
        name = classify_hash(case["hash"]).format_name
        credential = okta_hash_credential(name, case["hash"])
        if credential is None:
            continue
        imported += 1
        assert okta_accepts_hash(credential, case["password"]), case["tool"]
        assert not okta_accepts_hash(credential, "x" + case["password"]), case["tool"]
    assert imported or source != "mediawiki"  # MediaWiki's :pbkdf2: and :bcrypt: import


DJANGO_HASHERS = [
    hashers.PBKDF2PasswordHasher,
    hashers.PBKDF2SHA1PasswordHasher,
    hashers.Argon2PasswordHasher,
    hashers.BCryptSHA256PasswordHasher,
    hashers.ScryptPasswordHasher,
    hashers.MD5PasswordHasher,
]


class _Quick:
    """Django's hashers at their lowest work factors: the layout is what is tested."""

    iterations = 1000
    time_cost, memory_cost, parallelism = 1, 64, 1
    rounds = 4
    work_factor = 2**10


def _quick(hasher_class):
    overrides = {
        name: getattr(_Quick, name)
        for name in ("iterations", "time_cost", "memory_cost", "parallelism", "rounds")
        if hasattr(hasher_class, name)
    }
    if hasher_class is hashers.ScryptPasswordHasher:
        overrides = {"work_factor": _Quick.work_factor}
    return type(f"Quick{hasher_class.__name__}", (hasher_class,), overrides)()


@pytest.mark.parametrize("hasher_class", DJANGO_HASHERS, ids=lambda h: h.algorithm)
@pytest.mark.parametrize("password", PASSWORDS, ids=range(len(PASSWORDS)))
def test_djangos_own_hashers_verify(hasher_class, password):
    hasher = _quick(hasher_class)
    encoded = hasher.encode(password, hasher.salt())

    detected, right, wrong = _verifies(password, encoded)

    assert (right, wrong) == (True, False), (detected, encoded)


def test_djangos_scrypt_is_read_in_its_own_field_order():
    """Django writes scrypt$N$salt$r$p$hash (N before the salt)."""
    encoded = _quick(hashers.ScryptPasswordHasher).encode("pw", "NaClNaClNaCl")

    assert encoded.startswith("scrypt$1024$NaClNaClNaCl$8$")
    assert classify_hash(encoded).format_name == "django_scrypt"


class _FirstBytes:
    """A generator that hashes only a password's first bytes, as bcrypt always did (the
    bcrypt 5 library under libpass refuses longer passwords instead of cutting them)."""

    def __init__(self, handler, size: int) -> None:
        self.handler, self.size = handler, size

    def hash(self, password: str) -> str:
        return self.handler.hash(password.encode()[: self.size])


PASSLIB = {
    "fshp sha1": lambda: ph.fshp.using(variant=0, rounds=1000),
    "fshp sha256": lambda: ph.fshp.using(variant=1, rounds=1000),
    "fshp sha384": lambda: ph.fshp.using(variant=2, rounds=1000),
    "fshp sha512": lambda: ph.fshp.using(variant=3, rounds=1000),
    "sha512_crypt": lambda: ph.sha512_crypt.using(rounds=1000),
    "sha256_crypt": lambda: ph.sha256_crypt.using(rounds=1000),
    "md5_crypt": lambda: ph.md5_crypt,
    "bcrypt": lambda: _FirstBytes(ph.bcrypt.using(rounds=4), 72),
    "pbkdf2_sha256": lambda: ph.pbkdf2_sha256.using(rounds=1000),
    "ldap_salted_sha1": lambda: ph.ldap_salted_sha1,
    "ldap_salted_sha256": lambda: ph.ldap_salted_sha256,
    "phpass": lambda: ph.phpass.using(rounds=8),
    "argon2": lambda: ph.argon2.using(rounds=1, memory_cost=64),
}


@pytest.mark.parametrize("scheme", PASSLIB)
@pytest.mark.parametrize("password", PASSWORDS, ids=range(len(PASSWORDS)))
def test_libpass_hashes_verify(scheme, password):
    encoded = PASSLIB[scheme]().hash(password)

    detected, right, wrong = _verifies(password, encoded)

    assert (right, wrong) == (True, False), (detected, encoded)


@pytest.mark.parametrize("hash_len", [16, 32, 64])
@pytest.mark.parametrize("password", PASSWORDS, ids=range(len(PASSWORDS)))
def test_argon2_cffi_hashes_of_any_length_verify_bare_and_in_djangos_layout(hash_len, password):
    writer = argon2.PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, hash_len=hash_len)
    encoded = writer.hash(password)

    for stored in (encoded, "argon2" + encoded):
        detected, right, wrong = _verifies(password, stored)
        assert (right, wrong) == (True, False), (detected, stored)


def _generator(tool: str) -> str:
    """A fixture's tool as the format table names it: the command, without its options and
    version (`mkpasswd -m nt (whois 5.5.17)` -> `mkpasswd`)."""
    command = tool.split(" (")[0]
    if command.startswith("PostgreSQL"):
        return "PostgreSQL"
    return command.split(" -")[0]


def _tested_generators() -> dict[str, set[str]]:
    """Per format, the generators whose hashes this module verifies as that format."""
    found: dict[str, set[str]] = {}

    def saw(encoded: str, generator: str, declared: str = "", password: str = "pw") -> None:
        verdict = classify_hash(encoded, declared)
        assert verdict.ok, (generator, verdict.problem)
        # A shape several systems write is the candidate that verifies.
        name = check_password(password, encoded, format_name=verdict.format_name).format_name
        found.setdefault(name, set()).add(generator)

    for case in NODE:
        saw(case["hash"], "npm " + case["tool"].split()[0])
    for case in DEBIAN:
        saw(case["hash"], _generator(case["tool"]), DECLARED.get(case["tool"].split(" (")[0], ""))
    for hasher_class in DJANGO_HASHERS:
        hasher = _quick(hasher_class)
        saw(hasher.encode("pw", hasher.salt()), "Django")
    for scheme in PASSLIB:
        saw(PASSLIB[scheme]().hash("pw"), "libpass")
    for case in WERKZEUG:
        saw(case["hash"], "Werkzeug 2.2", password=case["password"])
    for case in MEDIAWIKI:
        saw(case["hash"], "PHP 8.2 (MediaWiki layouts)", password=case["password"])
    for case in PERL:
        saw(case["hash"], "Perl Crypt::PBKDF2", password=case["password"])
    for case in WORDPRESS:
        saw(case["hash"], "PHP 8.2 (WordPress 6.8)", password=case["password"])
    for case in GO:
        found.setdefault(case["hash_format"], set()).add("Go x/crypto/pbkdf2")
    saw(argon2.PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash("pw"), "argon2-cffi")
    return found


def test_the_format_table_names_the_generators_each_format_was_tested_against():
    observed = {name: tuple(sorted(tools)) for name, tools in _tested_generators().items()}

    assert observed == TESTED_WITH
