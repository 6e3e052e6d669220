"""Ceilings on a hash's work factor: refused at load with a line and a reason, refused at
sign-in without hashing, reported by the audit and documented by `list_hash_formats`."""

import base64
import json
import struct
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from legacy_users.hashing import CheckReason, check_password, classify_hash
from legacy_users.hashing.costs import FAMILIES
from legacy_users.models import LegacyUser, VerificationAttempt
from tests.conftest import import_request, run_command, verdict

B64_43 = "Z17AXnnlpzddNUvnC6cZNOSwMA/8oNiKnHTHTwLlBij"
CRYPT_53 = "Z17AXnnlpzddNUvnC6cZNOSwMA/8oNiKnHTHTwLlBijfucQQlHjaG"
CRYPT_86 = "svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"


def aspnet_v3(iterations: int) -> str:
    blob = b"\x01" + struct.pack(">III", 1, iterations, 16) + b"s" * 16 + b"k" * 32
    return base64.b64encode(blob).decode()


#: (format, a hash whose work factor is over its family's ceiling, declared params)
OVER = [
    ("bcrypt", f"$2b$31${CRYPT_53}", {}),
    ("bcrypt", f"$2b$15${CRYPT_53}", {}),
    ("wordpress_bcrypt", f"$wp$2y$31${CRYPT_53}", {}),
    ("django_bcrypt", f"bcrypt$$2b$20${CRYPT_53}", {}),
    ("django_pbkdf2_sha256", f"pbkdf2_sha256$999999999$salt${B64_43}=", {}),
    ("pbkdf2_sha256", f"$pbkdf2-sha256$2147483647$c2FsdA${B64_43}", {}),
    ("ldap_pbkdf2_sha256", f"{{PBKDF2-SHA256}}2147483647$4vjV83LKPjQzk31VI4E0Vw${B64_43}", {}),
    ("werkzeug_pbkdf2", "pbkdf2:sha256:2000001$salt$" + "ab" * 32, {}),
    ("aspnet_identity_v3", aspnet_v3(5_000_000), {}),
    (
        "argon2",
        "$argon2id$v=19$m=4000000000,t=3,p=4$c2FsdHNhbHRzYWx0$" + "A" * 22,
        {},
    ),
    ("argon2", "$argon2id$v=19$m=262144,t=9,p=4$c2FsdHNhbHRzYWx0$" + "A" * 22, {}),
    ("sha512_crypt", f"$6$rounds=999999999$saltstring${CRYPT_86}", {}),
    ("drupal7", "$S$S" + "C" * 51, {}),
    ("phpass", "$P$S" + "I" * 30, {}),
    ("scrypt", f"$scrypt$ln=30,r=8,p=1$TmFDbA${B64_43}", {}),
    ("django_scrypt", f"scrypt$1048576$NaCl$8$4${B64_43}=", {}),
    ("yescrypt", "$y$jFT$Qeof7nTZR1kT1cFwdlZqd0$" + "B" * 43, {}),
    ("scrypt_crypt", "$7$S6..../....SodiumChloride$" + "k" * 43, {}),
    (
        "firebase_scrypt",
        B64_43 + "=",
        {"salt": "c2FsdA==", "signer_key": "a2V5", "rounds": 8, "mem_cost": 20},
    ),
    ("spring_pbkdf2", "{pbkdf2}" + "ab" * 48, {"iterations": 9_000_000}),
    ("keycloak_pbkdf2", B64_43 + "=", {"salt": "c2FsdA==", "iterations": 3_000_000}),
]

#: The same layouts at a work factor real systems use: accepted.
WITHIN = [
    ("bcrypt", f"$2b$14${CRYPT_53}", {}),
    ("django_pbkdf2_sha256", f"pbkdf2_sha256$1000000$salt${B64_43}=", {}),
    ("argon2", "$argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHRzYWx0$" + "A" * 22, {}),
    ("sha512_crypt", f"$6$rounds=656000$saltstring${CRYPT_86}", {}),
    ("drupal7", "$S$D" + "C" * 51, {}),
    ("yescrypt", "$y$j9T$Qeof7nTZR1kT1cFwdlZqd0$" + "B" * 43, {}),
]


@pytest.mark.parametrize(("fmt", "encoded", "params"), OVER)
def test_hashes_over_a_ceiling_are_refused_with_the_reason(fmt, encoded, params):
    verdict_ = classify_hash(encoded, fmt, params)

    assert "over the ceiling" in verdict_.problem, verdict_
    assert verdict_.format_name == fmt


@pytest.mark.parametrize(("fmt", "encoded", "params"), OVER)
def test_a_check_against_an_over_cost_hash_refuses_without_hashing(fmt, encoded, params):
    started = time.monotonic()

    result = check_password("whatever", encoded, format_name=fmt, params=params)

    assert (result.verified, result.reason) == (False, CheckReason.OVER_COST)
    assert time.monotonic() - started < 0.05


@pytest.mark.parametrize(("fmt", "encoded", "params"), WITHIN)
def test_real_world_work_factors_are_within_the_ceilings(fmt, encoded, params):
    assert classify_hash(encoded, fmt, params).ok


def test_detection_names_the_over_cost_format_too():
    verdict_ = classify_hash(f"$2b$31${CRYPT_53}")

    assert verdict_.format_name == "bcrypt"
    assert verdict_.problem == (
        "the hash's cost is over the ceiling: bcrypt cost (log2 rounds) 31 is over the "
        "ceiling of 14"
    )


@pytest.mark.django_db
def test_the_loader_refuses_over_cost_rows_with_line_and_reason(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(
        "login,password_hash,hash_format,hash_params\n"
        f"fine@example.com,$2b$12${CRYPT_53},,\n"
        f"slow@example.com,$2b$31${CRYPT_53},,\n"
        f'kdf@example.com,{B64_43}=,keycloak_pbkdf2,"{{""salt"": ""c2FsdA=="", '
        f'""iterations"": 3000000}}"\n',
        encoding="utf-8",
    )
    err = StringIO()

    with pytest.raises(CommandError, match="2 bad rows"):
        call_command("load_legacy_users", str(path), stdout=StringIO(), stderr=err)

    assert (
        "line 3 (slow@example.com): the hash's cost is over the ceiling: bcrypt cost "
        "(log2 rounds) 31 is over the ceiling of 14" in err.getvalue()
    )
    assert (
        "line 4 (kdf@example.com): the hash's cost is over the ceiling: iterations "
        "3,000,000 is over the ceiling of 2,000,000" in err.getvalue()
    )
    assert LegacyUser.objects.count() == 0


@pytest.mark.django_db
def test_a_user_with_an_over_cost_hash_is_answered_at_once(make_user, post_hook):
    user = make_user(password_hash=f"$2b$31${CRYPT_53}", hash_format="bcrypt")

    started = time.monotonic()
    answer = post_hook(import_request(user.login, "Okta"))

    assert verdict(answer) == "UNVERIFIED"
    assert time.monotonic() - started < 0.5
    attempt = VerificationAttempt.objects.get()
    assert (attempt.reason, attempt.hash_format) == ("over_cost", "bcrypt")


@pytest.mark.django_db
def test_the_audit_reports_over_cost_hashes(tmp_path):
    path = tmp_path / "users.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"login": login, "password_hash": encoded})
            for login, encoded in [
                ("a@example.com", f"$2b$12${CRYPT_53}"),
                ("b@example.com", f"$6$rounds=999999999$saltstring${CRYPT_86}"),
            ]
        ),
        encoding="utf-8",
    )

    _, err, failure = run_command("audit_hashes", str(path))

    assert failure == "1 of 2 hashes cannot be verified."
    assert "rounds 999,999,999 is over the ceiling of 700,000" in err


def test_list_hash_formats_documents_every_ceiling():
    out, _, _ = run_command("list_hash_formats")

    for family in FAMILIES.values():
        assert f"{family.measure}: at most {family.ceiling:,}" in out


def test_a_passphrase_crypt3_refuses_is_a_wrong_password_not_a_malformed_hash():
    yescrypt = "$y$j9T$Qeof7nTZR1kT1cFwdlZqd0$B5.LdYzAcE8IwmEjeOUR9RwIwpalyyj/oxaiDqnryZ/"

    result = check_password("p" * 600, yescrypt, format_name="yescrypt")

    assert (result.verified, result.reason) == (False, CheckReason.WRONG_PASSWORD)
