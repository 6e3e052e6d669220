"""The admin away from Okta's path: processes serving only the hook or only the admin, the
admin under a path of the operator's choice, and admin logins throttled by django-axes."""

import importlib

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.test import Client
from django.urls import clear_url_caches

import migration_portal.urls
from tests.conftest import import_request, verdict

pytestmark = pytest.mark.django_db

FACES = ("ADMIN_ENABLED", "HOOKS_ENABLED", "ADMIN_URL")


@pytest.fixture
def serve(settings):
    """Serve with some of FACES changed, as a process started with them would."""
    original = {name: getattr(settings, name) for name in FACES}

    def apply(**faces):
        for name, value in faces.items():
            setattr(settings, name, value)
        importlib.reload(migration_portal.urls)
        clear_url_caches()

    yield apply
    apply(**original)


def test_a_hook_only_process_has_no_admin(serve, client, post_hook, make_user):
    serve(ADMIN_ENABLED=False)
    make_user(password="Okta")

    assert client.get("/admin/login/").status_code == 404
    assert client.post("/admin/login/", {"username": "a", "password": "b"}).status_code == 404
    assert verdict(post_hook(import_request("isaac.brock@example.com", "Okta"))) == "VERIFIED"
    assert client.get("/healthz").status_code == 200


def test_an_admin_only_process_has_no_hooks(serve, client, post_hook, admin_client):
    serve(HOOKS_ENABLED=False)

    assert post_hook(import_request("isaac.brock@example.com", "Okta")).status_code == 404
    assert client.get("/hooks/okta-events").status_code == 404
    assert admin_client.get("/admin/").status_code == 200


def test_the_admin_path_is_configurable(serve, client, admin_client):
    serve(ADMIN_URL="ops-7f3a/")

    assert client.get("/admin/login/").status_code == 404
    assert client.get("/ops-7f3a/login/").status_code == 200
    assert admin_client.get("/ops-7f3a/").status_code == 200
    assert client.get("/")["Location"] == "/ops-7f3a/"


def test_the_front_door_leads_to_the_admin_and_nothing_links_elsewhere(client, admin_client):
    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    page = admin_client.get("/admin/").content.decode()
    assert "View site" not in page


def test_a_hook_only_process_has_no_front_door(serve, client):
    serve(ADMIN_ENABLED=False)

    assert client.get("/").status_code == 404


@pytest.fixture
def count_admin_hashing(monkeypatch):
    calls = []
    original = PBKDF2PasswordHasher.encode

    def counting(self, password, salt, iterations=None):
        calls.append(1)
        return original(self, password, salt, iterations)

    monkeypatch.setattr(PBKDF2PasswordHasher, "encode", counting)
    return calls


def test_admin_logins_are_throttled_before_any_hashing(client, settings, count_admin_hashing):
    User.objects.create_superuser("operator", "ops@example.com", "right-password-123")
    count_admin_hashing.clear()
    login = "/admin/login/?next=/admin/"

    failures = [
        client.post(login, {"username": "operator", "password": f"guess-{i}"}).status_code
        for i in range(settings.AXES_FAILURE_LIMIT)
    ]
    hashed_while_guessing = len(count_admin_hashing)
    locked = client.post(login, {"username": "operator", "password": "right-password-123"})
    hashed_when_locked = len(count_admin_hashing)
    other_user = client.post(login, {"username": "nobody", "password": "x"})

    # The form again, with an error; the failure that reaches the limit locks at once.
    assert failures == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert hashed_while_guessing == settings.AXES_FAILURE_LIMIT
    assert locked.status_code == 429  # even the right password, from this address
    assert other_user.status_code == 200  # failures for one username lock only that one
    assert hashed_when_locked == hashed_while_guessing  # refused without hashing
    elsewhere = client.post(
        login,
        {"username": "operator", "password": "right-password-123"},
        REMOTE_ADDR="198.51.100.20",
    )
    assert elsewhere.status_code == 302  # the operator, from another address


def test_guesses_through_the_proxy_lock_only_the_guesser(client, settings, count_admin_hashing):
    """Behind a TLS proxy every request comes from the proxy's address: the client is the
    address the proxy appended to X-Forwarded-For, never one the client wrote there."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    settings.AXES_IPWARE_PROXY_COUNT = 0  # ADMIN_PROXY_COUNT=1
    settings.IPWARE_STRICT = False
    User.objects.create_superuser("operator", "ops@example.com", "right-password-123")
    login = "/admin/login/?next=/admin/"
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    for i in range(settings.AXES_FAILURE_LIMIT + 2):
        # The attacker also forges a header entry of the operator's address.
        client.post(
            login,
            {"username": "operator", "password": f"guess-{i}"},
            HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.66",
            **proxy,
        )
        client.post(
            login,
            {"username": f"made-up-{i}", "password": "x"},
            HTTP_X_FORWARDED_FOR="203.0.113.66",
            **proxy,
        )
    operator = client.post(
        login,
        {"username": "operator", "password": "right-password-123"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    attacker = Client().post(
        login,
        {"username": "operator", "password": "right-password-123"},
        HTTP_X_FORWARDED_FOR="203.0.113.66",
        **proxy,
    )

    assert operator.status_code == 302  # signed in: the guesses were not made from there
    assert attacker.status_code == 429


def test_production_serves_no_admin_unless_asked(settings):
    import subprocess
    import sys
    from pathlib import Path

    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "migration_portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8o9p0z1x2c3v4b5n6m7-production",
        "OKTA_HOOK_AUTH_VALUES": "a-long-random-shared-secret-for-okta",
    }
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.ADMIN_ENABLED, s.HOOKS_ENABLED, getattr(s, 'AXES_IPWARE_PROXY_COUNT', None))"
    root = Path(__file__).resolve().parent.parent

    def faces(**more):
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env={**env, **more},
            capture_output=True,
            text=True,
            timeout=60,
        )
        return result.stdout.strip()

    assert faces() == "False True None"
    assert faces(ADMIN_ENABLED="true", HOOKS_ENABLED="false") == "True False None"
    assert faces(DEBUG="true") == "True True None"
    # Two proxies append to X-Forwarded-For: ipware counts the one listed before Django's.
    assert faces(ADMIN_ENABLED="true", ADMIN_PROXY_COUNT="2") == "True True 1"
