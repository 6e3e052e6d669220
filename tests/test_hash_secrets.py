"""Secret hash parameters given by name: the value read from a file or the environment when a
hash is checked, never on a command line, in a load run or on an admin page."""

import hashlib
import hmac
import json
from pathlib import Path

import pytest

from legacy_users.models import LegacyUser, LoadRun
from tests.conftest import import_request, verdict
from tests.conftest import run_command as run

PEPPER = "pepper-4f1c2a9e7d"


def hmac_hex(password: str) -> str:
    return hmac.new(PEPPER.encode(), password.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(f"login,password_hash\nada@example.com,{hmac_hex('right-1')}\n")
    return path


@pytest.fixture
def secrets_dir(tmp_path, settings):
    folder = tmp_path / "secrets"
    folder.mkdir()
    (folder / "shop-pepper").write_text(PEPPER + "\n")
    settings.HASH_SECRETS_DIR = str(folder)
    return folder


@pytest.mark.django_db
def test_a_literal_secret_on_the_command_line_is_refused(export):
    _, _, failure = run(
        "load_legacy_users",
        str(export),
        hash_format="hmac_sha256",
        hash_params=json.dumps({"key": PEPPER, "encoding": "hex"}),
    )

    assert failure.startswith("--hash-params key: give a secret by name")
    assert "HASH_SECRET_MY_PEPPER" in failure and PEPPER not in failure
    assert LegacyUser.objects.count() == 0 and LoadRun.objects.count() == 0


@pytest.mark.django_db
def test_a_secret_by_name_is_used_and_only_its_name_is_kept(
    export, secrets_dir, admin_client, client, post_hook
):
    params = json.dumps({"key": "secret:shop-pepper", "encoding": "hex"})

    _, _, failure = run(
        "load_legacy_users", str(export), hash_format="hmac_sha256", hash_params=params
    )

    assert failure == ""
    user = LegacyUser.objects.get()
    assert user.hash_params == {"key": "secret:shop-pepper", "encoding": "hex"}
    run_record = LoadRun.objects.get()
    assert run_record.options["hash_params"]["key"] == "secret:shop-pepper"
    page = admin_client.get(f"/admin/legacy_users/loadrun/{run_record.pk}/change/").content
    assert PEPPER.encode() not in page and b"secret:shop-pepper" in page
    assert verdict(post_hook(import_request("ada@example.com", "right-1"))) == "VERIFIED"


@pytest.mark.django_db
def test_from_the_environment_and_a_missing_secret_named(export, monkeypatch, settings, post_hook):
    settings.HASH_SECRETS_DIR = ""
    params = json.dumps({"key": "secret:shop-pepper", "encoding": "hex"})

    _, _, failure = run(
        "load_legacy_users", str(export), hash_format="hmac_sha256", hash_params=params
    )
    assert failure == (
        "--hash-params: the hash secret 'shop-pepper' is not set (HASH_SECRET_SHOP_PEPPER)"
    )

    monkeypatch.setenv("HASH_SECRET_SHOP_PEPPER", PEPPER)
    _, _, failure = run(
        "load_legacy_users", str(export), hash_format="hmac_sha256", hash_params=params
    )
    assert failure == ""
    assert verdict(post_hook(import_request("ada@example.com", "right-1"))) == "VERIFIED"

    # A deployment that lost the secret answers UNVERIFIED with the reason, not a 500.
    monkeypatch.delenv("HASH_SECRET_SHOP_PEPPER")
    from legacy_users.hashing.secrets import secret_value

    secret_value.cache_clear()
    response = post_hook(import_request("ada@example.com", "right-1"))
    assert response.status_code == 200 and verdict(response) == "UNVERIFIED"
    assert LegacyUser.objects.get().verification_attempts.first().reason == "verification_error"


@pytest.mark.django_db
def test_load_runs_recorded_with_a_secret_value_are_scrubbed():
    from importlib import import_module

    from django.apps import apps

    run_record = LoadRun.objects.create(
        file_name="old.csv",
        options={"hash_params": {"key": PEPPER, "signer_key": "c2lnbmVy", "rounds": 8}},
        outcome="loaded",
        started_at="2026-01-01T00:00:00Z",
        finished_at="2026-01-01T00:00:01Z",
    )

    import_module("legacy_users.migrations.0014_redact_load_run_secrets").redact(apps, None)

    run_record.refresh_from_db()
    assert run_record.options["hash_params"] == {
        "key": "(removed: a secret value)",
        "signer_key": "(removed: a secret value)",
        "rounds": 8,
    }


RUBY = json.loads((Path(__file__).parent / "fixtures" / "real_tools" / "ruby.json").read_text())[
    "hashes"
]


@pytest.mark.django_db
def test_a_devise_pepper_named_once_verifies_every_user(tmp_path, settings, post_hook):
    folder = tmp_path / "secrets"
    folder.mkdir()
    (folder / "devise-pepper").write_text(RUBY[0]["pepper"])
    settings.HASH_SECRETS_DIR = str(folder)
    path = tmp_path / "users.csv"
    rows = [f"user{i}@example.com,{case['hash']}" for i, case in enumerate(RUBY)]
    path.write_text("login,password_hash\n" + "\n".join(rows) + "\n")
    params = json.dumps({"pepper": "secret:devise-pepper", "pepper_position": "suffix"})

    _, _, failure = run("load_legacy_users", str(path), hash_params=params)

    assert failure == ""
    for i, case in enumerate(RUBY):
        login = f"user{i}@example.com"
        assert verdict(post_hook(import_request(login, "x" + case["password"]))) == "UNVERIFIED"
        assert verdict(post_hook(import_request(login, case["password"]))) == "VERIFIED"
    recorded = json.dumps(list(LoadRun.objects.values_list("options", flat=True)))
    assert RUBY[0]["pepper"] not in recorded and "secret:devise-pepper" in recorded


@pytest.mark.django_db
def test_a_pepper_written_into_a_row_is_refused(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(
        "login,password_hash,hash_params\n"
        f'ada@example.com,{RUBY[0]["hash"]},"{{""pepper"": ""{RUBY[0]["pepper"]}""}}"\n'
    )

    _, err, failure = run("load_legacy_users", str(path))

    assert "hash_params pepper: give it by name (secret:<name>)" in err
    assert failure.startswith("1 bad rows")
