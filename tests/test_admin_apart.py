"""The admin away from Okta's path: processes serving only the hook or only the admin, the
admin under a path of the operator's choice, and admin logins throttled by django-axes."""

import importlib

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
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
    other_user = client.post(login, {"username": "nobody", "password": "x"})

    # The form again, with an error; the failure that reaches the limit locks at once.
    assert failures == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert hashed_while_guessing == settings.AXES_FAILURE_LIMIT
    assert locked.status_code == 429  # even the right password, from this address
    assert other_user.status_code == 429
    assert len(count_admin_hashing) == hashed_while_guessing  # refused without hashing
    elsewhere = client.post(
        login,
        {"username": "operator", "password": "right-password-123"},
        REMOTE_ADDR="198.51.100.20",
    )
    assert elsewhere.status_code == 302  # the operator, from another address
