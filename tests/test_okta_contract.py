"""Every request the Okta client sends, held to Okta's own Management API description
(`tests/okta_contract.py`), and every answer of the fake Okta held to it too: the fake must
answer as Okta's description says, or the other tests prove nothing."""

import time

import pytest
from django.utils import timezone

from legacy_users.hashing.okta_import import okta_hash_credential
from legacy_users.models import LegacyUser
from okta_api import HookTarget, OktaClient, OktaError
from okta_api.client import password_import_request
from okta_api.hooks import event_hook_body, inline_hook_create_body, inline_hook_replace_body
from tests import okta_contract
from tests.conftest import okta_profile
from tests.conftest import run_command as run


def assert_okta_would_take(calls) -> None:
    """Each request valid against Okta's description (strictly: no undefined or read-only
    field, no undefined query parameter), each successful answer in Okta's shapes."""
    assert calls
    for call in calls:
        problems = okta_contract.request_problems(call.method, call.path, call.body)
        problems += okta_contract.query_problems(call.method, call.path, call.query)
        assert not problems, f"{call.method} {call.path}: {problems}"
        if 200 <= call.status < 300:
            problems = okta_contract.answer_problems(
                call.method, call.path, call.status, call.answer
            )
            assert not problems, f"answer to {call.method} {call.path}: {problems}"


TARGET = HookTarget("Portal hook", "https://portal.example.com/hooks/x", "Authorization")
EVENTS = HookTarget(
    "Portal events", "https://portal.example.com/hooks/y", "X-Secret", ("user.import.password",)
)


def _hash_users(client):
    for fmt, encoded in [
        ("bcrypt", "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"),
        (
            "pbkdf2_sha256",
            "$pbkdf2-sha256$29000$N2bMOQfAmDNGqBWi9J5T6g$2BDXSIrkZTzhjwSJiyxl1Ck2ZD9Zq4NnfZl/rY8QrCQ",
        ),
        ("ldap_salted_sha1", "{SSHA}pKqkNr1tq3wtQqk+UcPyA3HnA2NsU5NJ"),
    ]:
        credential = okta_hash_credential(fmt, encoded)
        assert credential is not None, fmt
        client.create_user(okta_profile(f"{fmt}@example.com"), password_hash=credential)


CLIENT_CALLS = {
    "create_user (hook)": lambda c: c.create_user(okta_profile("a@example.com")),
    "create_user (imported hashes)": _hash_users,
    "get_user": lambda c: c.get_user(c.create_user(okta_profile("b@example.com")).login),
    "current_user": lambda c: c.current_user(),
    "expire_password": lambda c: c.expire_password(c.create_user(okta_profile("e@example.com")).id),
    "user_schema": lambda c: c.user_schema(),
    "inline hooks": lambda c: (
        c.replace_inline_hook(
            c.create_inline_hook(inline_hook_create_body(TARGET, "s1")).id,
            inline_hook_replace_body(TARGET, "s2"),
        ),
        c.password_import_hooks(),
        [c.deactivate_inline_hook(h.id) for h in c.password_import_hooks()],
        [c.activate_inline_hook(h.id) for h in c.password_import_hooks()],
    ),
    "event hooks": lambda c: (
        c.replace_event_hook(
            c.create_event_hook(event_hook_body(EVENTS, "s1")).id, event_hook_body(EVENTS, "s2")
        ),
        [c.activate_event_hook(h.id) for h in c.event_hooks()],
    ),
    "system_log": lambda c: list(
        c.system_log(
            event_type="user.import.password",
            since=timezone.now() - timezone.timedelta(days=1),
            until=timezone.now(),
        )
    ),
}


@pytest.mark.parametrize("method", CLIENT_CALLS)
def test_each_client_call_is_what_okta_s_description_allows(fake_okta, method):
    with OktaClient(fake_okta.url, fake_okta.token) as client:
        CLIENT_CALLS[method](client)

    assert_okta_would_take(fake_okta.calls)


def test_a_hook_call_sent_through_okta_execute_is_an_okta_request(fake_okta):
    with OktaClient(fake_okta.url, fake_okta.token) as client:
        hook = client.create_inline_hook(inline_hook_create_body(TARGET, "s"))
        body = password_import_request("a@example.com", "pw")
        with pytest.raises(OktaError):  # nobody listens at the hook's URL: Okta says 400
            client.execute_inline_hook(hook.id, body)
        verify = client.create_event_hook(event_hook_body(EVENTS, "s"))
        with pytest.raises(OktaError):
            client.verify_event_hook(verify.id)

    assert_okta_would_take(fake_okta.calls)


@pytest.mark.parametrize(
    ("method", "path", "body", "why"),
    [
        (
            "POST",
            "/api/v1/eventHooks",
            {
                "name": "n",
                "events": {"type": "EVENT_TYPE", "items": ["user.import.password"]},
                "channel": {
                    "type": "HTTP",
                    "version": "1.0.0",
                    "config": {"uri": "https://x.example", "method": "POST"},
                },
            },
            "read-only",
        ),
        (
            "PUT",
            "/api/v1/inlineHooks/cal123",
            {"name": "n", "type": "com.okta.user.credential.password.import", "version": "1.0.0"},
            "not a field",
        ),
        (
            "POST",
            "/api/v1/users",
            {"profile": {"login": "jdoe", "email": ""}, "credentials": {"password": {}}},
            "too short",
        ),
        (
            "POST",
            "/api/v1/users",
            {"profile": {"login": "jdoe@example.com"}, "credential": {}},
            "not a field",
        ),
    ],
)
def test_the_contract_check_refuses_what_okta_s_description_refuses(method, path, body, why):
    problems = okta_contract.request_problems(method, path, body)

    assert any(why in problem for problem in problems), problems


def test_the_contract_check_refuses_a_secret_in_a_hook_answer():
    answer = {
        "id": "who1",
        "name": "n",
        "events": {"type": "EVENT_TYPE", "items": ["user.import.password"]},
        "channel": {
            "type": "HTTP",
            "version": "1.0.0",
            "config": {
                "uri": "https://x",
                "authScheme": {"type": "HEADER", "key": "A", "value": "s"},
            },
        },
    }

    problems = okta_contract.answer_problems("GET", "/api/v1/eventHooks/who1", 200, answer)

    assert any("write-only" in problem for problem in problems), problems


@pytest.mark.django_db(transaction=True)
def test_the_whole_migration_against_okta_as_its_description_says(
    fake_okta, live_server, make_user
):
    """Register, check, push users lacking an email or with names Okta cannot take, sign
    in, sync, purge: every request held to Okta's description on the way."""
    make_user(login="john.doe", email="", first_name="John", last_name="Doe", password="pw-1")
    make_user(login="long@example.com", email="long@example.com", first_name="L" * 51)
    make_user(login="ada@example.com", email="ada@example.com", password="pw-2")
    make_user(login="kim@example.com", email="", first_name="Kim", last_name="Lee", password="pw-3")

    run("okta_register_hooks", public_url=live_server.url)
    writes = len(fake_okta.writes)
    again, _, _ = run("okta_register_hooks", public_url=live_server.url)
    assert len(fake_okta.writes) == writes and "already points at" in again

    checked, _, failure = run("okta_check", public_url=live_server.url)
    assert failure == "1 problem(s) to fix before go-live."
    assert "FAIL  4 profiles still to push, logins must be an email address" in checked
    assert "Okta would refuse 2: " in checked and "firstName: too long for Okta (1)" in checked
    assert "fix: run okta_check_profiles for the list" in checked
    _, before, _ = run("okta_check_profiles")
    assert "john.doe: login: not an email address" in before
    assert "long@example.com: firstName: 51 characters, Okta takes at most 50" in before

    pushed, _, failure = run("okta_push_users")
    assert failure == "" and "Created with the password hook: 2" in pushed
    # kim has no email: the login stands in for it, as the map says.
    kim = next(u for u in fake_okta.users.values() if u["profile"]["login"] == "kim@example.com")
    assert kim["profile"]["email"] == "kim@example.com"

    assert fake_okta.sign_in("ada@example.com", "pw-2")
    assert fake_okta.sign_in("kim@example.com", "pw-3")
    started = time.monotonic()
    synced, _, failure = run("okta_sync_imports")
    assert failure == "" and time.monotonic() - started < 10
    assert "confirmed, legacy hash purged" in synced
    statuses = dict(LegacyUser.objects.values_list("login", "status"))
    assert statuses == {
        "john.doe": "pending",
        "long@example.com": "pending",
        "ada@example.com": "purged",
        "kim@example.com": "purged",
    }

    assert_okta_would_take(fake_okta.calls)
