"""The pre-flight hash audit an operator runs before go-live."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from legacy_users.models import LegacyUser
from tests.conftest import run_command as run

DEMO = str(Path(settings.BASE_DIR) / "demo" / "legacy_users.csv")


@pytest.mark.django_db
def test_demo_file_audit_counts_formats_and_okta_imports():
    out, _, failure = run("audit_hashes", DEMO)

    assert failure == ""
    assert "Hash audit of" in out and ": 8 users" in out
    for name in (
        "bcrypt",
        "argon2",
        "django_pbkdf2_sha256",
        "sha512_crypt",
        "phpass",
        "ldap_salted_sha1",
        "md5_crypt",
        "raw_sha256",
    ):
        assert name in out
    # bcrypt, Django PBKDF2 and {SSHA}: the demo's raw_sha256 is unsalted, which Okta
    # does not take (its format is importable, that hash is not).
    assert "Okta can import 3 users as hashes; 5 need the password import hook." in out
    assert "Every hash can be verified." in out
    assert LegacyUser.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_the_audit_and_the_push_agree_on_each_users_importability(admin_client):
    """One test per hash, the push's: salted SHA-256 imports, unsalted does not; PBKDF2 at
    600,000 rounds imports, at 1,000 does not (Okta wants 4,096 or more)."""
    from passlib import hash as ph

    from legacy_users.services.okta_push import PushStrategy, _credential

    cases = {
        "salted@example.com": (
            "raw_sha256",
            "a" * 64,
            {"salt": "pepper", "salt_position": "prefix"},
        ),
        "unsalted@example.com": ("raw_sha256", "b" * 64, {}),
        "many.rounds@example.com": ("", ph.pbkdf2_sha256.using(rounds=600_000).hash("x"), {}),
        "few.rounds@example.com": ("", ph.pbkdf2_sha256.using(rounds=1000).hash("x"), {}),
    }
    for login, (fmt, encoded, params) in cases.items():
        LegacyUser.objects.create(
            login=login,
            login_key=login,
            password_hash=encoded,
            hash_format=fmt or "pbkdf2_sha256",
            salt=params.get("salt", ""),
            hash_params={k: v for k, v in params.items() if k != "salt"},
        )

    out, _, _ = run("audit_hashes")
    pushed = {
        user.login: _credential(user, PushStrategy.AUTO) is not None
        for user in LegacyUser.objects.all()
    }
    shown = {
        user.login: admin_client.get(f"/admin/legacy_users/legacyuser/{user.pk}/change/")
        .content.decode()
        .split("Okta can import")[1]
        .split("</div>")[0]
        for user in LegacyUser.objects.all()
    }

    assert pushed == {
        "salted@example.com": True,
        "unsalted@example.com": False,
        "many.rounds@example.com": True,
        "few.rounds@example.com": False,
    }
    assert {login: "icon-yes" in html for login, html in shown.items()} == pushed
    assert "Okta can import 2 users as hashes; 2 need the password import hook." in out


@pytest.mark.django_db
def test_file_with_unknown_and_malformed_hashes_names_each_row(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "login,password_hash,hash_format\n"
        "good@example.com,$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW,\n"
        "mystery@example.com,0123456789abcdef0123456789abcdef,\n"
        "typo@example.com,$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o!,\n"
        "declared@example.com,zzzz,raw_md5\n"
    )

    out, err, failure = run("audit_hashes", str(path))

    assert failure == "3 of 4 hashes cannot be verified."
    assert "line 3 (mystery@example.com): the hash matches no known format" in err
    assert "line 4 (typo@example.com): the hash is not a well-formed md5_crypt hash" in err
    assert "line 5 (declared@example.com): the hash is not a well-formed raw_md5 hash" in err
    assert "(no known format)" in out and "(malformed)" in out


@pytest.mark.django_db
def test_audit_of_loaded_users(tmp_path):
    call_command("load_legacy_users", DEMO, stdout=StringIO())

    out, _, failure = run("audit_hashes")

    assert failure == ""
    assert "Hash audit of the legacy user table: 8 users" in out


@pytest.mark.django_db
def test_loader_audit_only_writes_nothing(tmp_path):
    out, _, failure = run("load_legacy_users", DEMO, audit_only=True)

    assert failure == ""
    assert "Every hash can be verified." in out
    assert LegacyUser.objects.count() == 0


@pytest.mark.django_db
def test_audit_takes_the_declared_format_of_a_file_named_otherwise(tmp_path):
    # The loader's own rule: --format wins over (or stands in for) the file's name.
    path = tmp_path / "export.txt"
    path.write_text(Path(DEMO).read_text())

    out, _, failure = run("audit_hashes", str(path), format="csv")

    assert failure == ""
    assert ": 8 users" in out


def test_a_magento1_sha256_hash_goes_to_okta_as_sha256():
    from legacy_users.hashing.okta_import import okta_hash_credential

    md5 = okta_hash_credential("magento1", "57ab8499d08c59a7211c77f557bf9425:4247")
    sha256 = okta_hash_credential(
        "magento1", "eb368a2dfd38b405f014118c7d9747fcc97f4f0ee75c05963cd9da6ee65ef498:560407001617"
    )

    assert (md5["algorithm"], sha256["algorithm"]) == ("MD5", "SHA-256")
    assert sha256["saltOrder"] == "PREFIX"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "command", [("audit_hashes",), ("load_legacy_users", "--audit-only")], ids=lambda c: c[0]
)
def test_the_audit_reads_the_file_as_the_loader_would(tmp_path, command):
    """--map and --delimiter apply to the audit too: an export with its own column names
    and separator audits as its hashes, not as rows without one."""
    from passlib import hash as ph

    export = tmp_path / "export.csv"
    export.write_text(
        "user_email;pwd\n"
        f"ada@example.com;{ph.bcrypt.using(rounds=4).hash('x')}\n"
        f"bob@example.com;{ph.ldap_salted_sha1.hash('y')}\n"
    )

    out, _, failure = run(
        *command,
        str(export),
        "--delimiter",
        ";",
        "--map",
        "login=user_email",
        "--map",
        "password_hash=pwd",
    )

    assert failure == ""
    assert ": 2 users" in out and "bcrypt" in out and "ldap_salted_sha1" in out
    assert "Every hash can be verified." in out
    assert LegacyUser.objects.count() == 0
