"""A hash shape two systems write (`sha1$salt$hex`: Django's salted SHA-1, or Werkzeug's
HMAC-SHA1 before 2.3) is never read as one of them in silence: the loader says so, and the
hook tries each candidate, then remembers the answer for the source."""

import importlib
import json
from pathlib import Path

import pytest
from passlib import hash as ph

from legacy_users.models import FormatChoice, LegacyUser
from tests.conftest import import_request, verdict
from tests.conftest import run_command as run

hashing_registry = importlib.import_module("legacy_users.hashing.registry")

pytestmark = pytest.mark.django_db
WERKZEUG = json.loads(
    (Path(__file__).parent / "fixtures" / "real_tools" / "werkzeug.json").read_text()
)["hashes"]
SHA1 = [c for c in WERKZEUG if "'sha1'" in c["tool"]]
CHOICE = "django_salted_sha1|werkzeug_hmac"


@pytest.fixture
def export(tmp_path):
    """A Flask app's users (Werkzeug 2.2's sha1$) and a Django app's (sha1$ as well)."""
    path = tmp_path / "users.csv"
    lines = ["login,password_hash,source"]
    for i, case in enumerate(SHA1[:3]):
        lines.append(f"flask{i}@example.com,{case['hash']},flask-shop")
    lines.append(f"django0@example.com,{ph.django_salted_sha1.hash('dj-pass-0')},django-crm")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def checks(monkeypatch):
    """The formats each hash check was run as."""
    seen = []
    original = hashing_registry.FormatRegistry.check_password

    def counting(self, password, encoded, *, format_name="", params=None):
        if "|" not in format_name:
            seen.append(format_name)
        return original(self, password, encoded, format_name=format_name, params=params)

    monkeypatch.setattr(hashing_registry.FormatRegistry, "check_password", counting)
    return seen


def test_the_loader_and_the_audit_say_the_shape_is_ambiguous(export):
    out, _, failure = run("load_legacy_users", str(export))
    audit, _, _ = run("audit_hashes")

    assert failure == ""
    message = "4 hashes could be django_salted_sha1 or werkzeug_hmac: declare hash_format"
    assert message in out and message in audit
    assert set(LegacyUser.objects.values_list("hash_format", flat=True)) == {CHOICE}


def test_the_hook_finds_which_system_wrote_it_and_remembers_it_for_the_source(
    export, post_hook, checks
):
    run("load_legacy_users", str(export))
    checks.clear()  # the loader times a few checks of its own

    # The first Flask user: both candidates tried, Werkzeug's verifies.
    assert verdict(post_hook(import_request("flask0@example.com", SHA1[0]["password"]))) == (
        "VERIFIED"
    )
    assert checks == ["django_salted_sha1", "werkzeug_hmac"]
    assert LegacyUser.objects.get(login_key="flask0@example.com").hash_format == "werkzeug_hmac"
    assert FormatChoice.objects.get(source="flask-shop", choice=CHOICE).format_name == (
        "werkzeug_hmac"
    )

    # The source's later users go straight to it; a wrong password costs one check.
    checks.clear()
    assert verdict(post_hook(import_request("flask1@example.com", SHA1[1]["password"]))) == (
        "VERIFIED"
    )
    assert verdict(post_hook(import_request("flask2@example.com", "wrong"))) == "UNVERIFIED"
    assert checks == ["werkzeug_hmac", "werkzeug_hmac"]

    # Another source with the same shape decides for itself: Django wrote these.
    checks.clear()
    assert verdict(post_hook(import_request("django0@example.com", "wrong"))) == "UNVERIFIED"
    assert checks == ["django_salted_sha1", "werkzeug_hmac"]  # refused by every candidate
    assert verdict(post_hook(import_request("django0@example.com", "dj-pass-0"))) == "VERIFIED"
    assert LegacyUser.objects.get(login_key="django0@example.com").hash_format == (
        "django_salted_sha1"
    )


def test_a_declared_format_is_never_second_guessed(tmp_path, post_hook):
    path = tmp_path / "users.csv"
    path.write_text(f"login,password_hash\nflask0@example.com,{SHA1[0]['hash']}\n")

    out, _, _ = run("load_legacy_users", str(path), hash_format="werkzeug_hmac")

    assert "could be" not in out
    assert LegacyUser.objects.get().hash_format == "werkzeug_hmac"
    assert verdict(post_hook(import_request("flask0@example.com", SHA1[0]["password"]))) == (
        "VERIFIED"
    )
