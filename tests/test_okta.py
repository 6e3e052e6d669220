"""Driving Okta from the portal, against the local fake Okta (tests/fake_okta.py)."""

import base64
import csv
import hashlib
import io
import json
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import hashers
from django.core.management import call_command
from django.utils import timezone
from passlib import hash as ph

from legacy_users.hashing.okta_import import okta_hash_credential
from legacy_users.models import EventEffect, LegacyUser, OktaEvent, SyncCursor
from okta_api import HookTarget, OktaClient, OktaError
from okta_api.hooks import inline_hook_create_body
from tests.conftest import okta_example
from tests.conftest import okta_profile as profile
from tests.conftest import run_command as run
from tests.fake_okta import okta_accepts_hash

DEMO = str(Path(settings.BASE_DIR) / "demo" / "legacy_users.csv")


def load_demo():
    call_command("load_legacy_users", DEMO, source="demo", stdout=StringIO(), stderr=StringIO())


# --- the API client ----------------------------------------------------------------------------


def last_hour_of_imports(client, **options):
    """A bounded System Log read of the last hour's password imports."""
    now = timezone.now()
    return client.system_log(
        event_type="user.import.password",
        since=now - timezone.timedelta(hours=1),
        until=now + timezone.timedelta(seconds=1),
        **options,
    )


def test_client_waits_for_the_rate_limit_reset_on_429(fake_okta):
    fake_okta.rate_limit, fake_okta.window = 2, 1.0
    now = [1_900_000_000.25]  # one clock for the org and the client; sleeping moves it
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    fake_okta.clock = lambda: now[0]
    client = OktaClient(fake_okta.url, fake_okta.token, sleep=sleep, clock=lambda: now[0])
    fake_okta.fail_next = []
    for i in range(4):
        client.create_user(profile(f"u{i}@example.com"))

    assert len(fake_okta.users) == 4
    assert slept and all(0 < s <= 3 for s in slept)  # waited for X-Rate-Limit-Reset
    assert client.waited > 0


def test_client_retries_server_errors_and_maps_okta_errors(fake_okta):
    slept = []
    client = OktaClient(fake_okta.url, fake_okta.token, sleep=slept.append)
    created = client.create_user(profile("a@example.com"))
    fake_okta.fail_next = [503, 500]

    found = client.get_user("A@example.com")

    assert found.id == created.id and created.id.startswith("00u")
    assert created.provider == "IMPORT"
    assert len(slept) == 2
    with pytest.raises(OktaError) as failure:
        client.create_user(profile("A@example.com"))
    error = failure.value
    assert (error.status, error.code) == (400, "E0000001")
    assert error.error_id.startswith("oae")
    assert "already exists" in error.causes[0] and error.login_taken
    assert "E0000001" in str(error) and error.error_id in str(error)


def test_client_never_sends_a_create_twice_after_an_unclear_failure(fake_okta):
    slept = []
    client = OktaClient(fake_okta.url, fake_okta.token, sleep=slept.append)
    fake_okta.lose_create_answers = [502]

    with pytest.raises(OktaError) as failure:
        client.create_user(profile("a@example.com"))

    assert failure.value.unanswered and slept == []
    assert [c.method for c in fake_okta.calls] == ["POST"]  # not sent again
    assert len(fake_okta.users) == 1  # Okta made it: only the caller's record can say so


@pytest.mark.parametrize(
    ("selector", "reason"),
    [
        ({"uuid": 'x" or eventType ne "y'}, "not an Okta event uuid"),
        ({"event_type": 'user.import.password" or true'}, "not an Okta event type"),
        ({}, "one event type or one uuid"),
    ],
)
def test_a_system_log_read_never_sends_a_filter_built_from_other_text(fake_okta, selector, reason):
    client = OktaClient(fake_okta.url, fake_okta.token)
    now = timezone.now()

    with pytest.raises(ValueError, match=reason):
        list(client.system_log(since=now - timezone.timedelta(hours=1), until=now, **selector))

    assert not any(target.startswith("/api/v1/logs") for _, target in fake_okta.requests)


def test_client_follows_link_pagination(fake_okta):
    user = {"id": "00u1", "profile": {"login": "x@example.com"}}
    for _ in range(7):
        fake_okta.emit_import_event(user, "SUCCESS")
    client = OktaClient(fake_okta.url, fake_okta.token)

    events = list(last_hour_of_imports(client, limit=3))

    assert len(events) == 7
    assert len({e["uuid"] for e in events}) == 7
    assert sum(1 for m, t in fake_okta.requests if t.startswith("/api/v1/logs")) == 3


def test_client_refuses_plain_http_orgs():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="https"):
        OktaClient("http://example.okta.com", "token")


# --- hash conversion ---------------------------------------------------------------------------


def test_okta_contract_example_bcrypt_converts_exactly():
    # The contract's users-create-with-hash.json example and its bcrypt string.
    example = json.loads(
        (Path(__file__).parent / "okta_examples" / "users-create-with-hash.json").read_text()
    )
    expected = example["credentials"]["password"]["hash"]

    converted = okta_hash_credential(
        "bcrypt", "$2a$10$rwh3vH166HCH/NT9XV5FYuqaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"
    )

    assert converted == expected


@pytest.mark.parametrize(
    ("fmt", "encoded", "params", "password", "recompute"),
    [
        # passlib tests' {SSHA} vector: digest(password + salt)
        (
            "ldap_salted_sha1",
            "{SSHA}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr",
            {},
            "testing123",
            lambda pw, salt, order: hashlib.sha1(pw + salt).digest(),
        ),
        # hashcat 1711 {SSHA512}
        (
            "ldap_salted_sha512",
            "{SSHA512}Bz8w5q6qEtB1Nnc8b1jfTvTXVTwohWag33oghQGOtLChnkZTw/cuJaHQlLJEI3AWKZGCRyLA6Phujdxo+is7AjA2MDcyNjY1Mg==",
            {},
            "hashcat",
            lambda pw, salt, order: hashlib.sha512(pw + salt).digest(),
        ),
        # hashcat 20 in Magento 1's hash:salt (md5(salt + password))
        (
            "magento1",
            "57ab8499d08c59a7211c77f557bf9425:4247",
            {},
            "hashcat",
            lambda pw, salt, order: hashlib.md5(salt + pw).digest(),
        ),
        # hashcat 1410: sha256(password + salt), salt in its column
        (
            "raw_sha256",
            "c73d08de890479518ed60cf670d17faa26a4a71f995c1dcc978165399401a6c4",
            {"salt": "53743528", "salt_position": "suffix"},
            "hashcat",
            lambda pw, salt, order: hashlib.sha256(pw + salt).digest(),
        ),
        # passlib tests' Django legacy salted SHA-1: sha1(salt + password)
        (
            "django_salted_sha1",
            "sha1$54123$893cf12e134c3c215f3a76bd50d13f92404a54d3",
            {},
            "MyPassword",
            lambda pw, salt, order: hashlib.sha1(salt + pw).digest(),
        ),
    ],
)
def test_salted_digests_convert_to_okta_fields_that_recompute(
    fmt, encoded, params, password, recompute
):
    converted = okta_hash_credential(fmt, encoded, params)

    salt = base64.b64decode(converted["salt"])
    value = base64.b64decode(converted["value"])
    assert value == recompute(password.encode(), salt, converted["saltOrder"])
    expected_order = {
        "ldap_salted_sha1": "POSTFIX",
        "ldap_salted_sha512": "POSTFIX",
        "raw_sha256": "POSTFIX",
    }.get(fmt, "PREFIX")
    assert converted["saltOrder"] == expected_order


#: Importable formats, each written by its real generator (libpass, Django).
GENERATED = {
    "bcrypt": lambda pw: ph.bcrypt.using(rounds=4).hash(pw),
    "spring_bcrypt": lambda pw: "{bcrypt}" + ph.bcrypt.using(rounds=4).hash(pw),
    "django_bcrypt": lambda pw: ph.django_bcrypt.using(rounds=4).hash(pw),
    "pbkdf2_sha256": lambda pw: ph.pbkdf2_sha256.using(rounds=5000).hash(pw),
    "pbkdf2_sha512": lambda pw: ph.pbkdf2_sha512.using(rounds=5000).hash(pw),
    "ldap_pbkdf2_sha256": lambda pw: ph.ldap_pbkdf2_sha256.using(rounds=5000).hash(pw),
    "ldap_pbkdf2_sha512": lambda pw: ph.ldap_pbkdf2_sha512.using(rounds=5000).hash(pw),
    "django_pbkdf2_sha256": lambda pw: hashers.PBKDF2PasswordHasher().encode(pw, "s4lt", 5000),
    "ldap_salted_sha1": lambda pw: ph.ldap_salted_sha1.hash(pw),
    "ldap_salted_sha256": lambda pw: ph.ldap_salted_sha256.hash(pw),
    "ldap_salted_sha512": lambda pw: ph.ldap_salted_sha512.hash(pw),
    "ldap_salted_md5": lambda pw: ph.ldap_salted_md5.hash(pw),
    "django_salted_sha1": lambda pw: ph.django_salted_sha1.hash(pw),
    "django_salted_md5": lambda pw: ph.django_salted_md5.hash(pw),
}


@pytest.mark.parametrize("fmt", GENERATED)
def test_imported_hashes_let_okta_accept_the_password_and_only_it(fmt):
    password = "pässwörd 日本"
    encoded = GENERATED[fmt](password)

    credential = okta_hash_credential(fmt, encoded)

    assert credential is not None
    assert okta_accepts_hash(credential, password)
    assert not okta_accepts_hash(credential, "x" + password)


def test_pbkdf2_converts_with_iterations_key_size_and_digest():
    # Django 1.4's vector via passlib tests; aspnetcore's v3 test vector.
    django = okta_hash_credential(
        "django_pbkdf2_sha256",
        "pbkdf2_sha256$10000$kjVJaVz6qsnJ$5yPHw3rwJGECpUf70daLGhOrQ5+AMxIJdz1c3bqK1Rs=",
    )
    aspnet = okta_hash_credential(
        "aspnet_identity_v3",
        "AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg+yWU7rLgUwPZb1Itsmra7cbxw2EFpwpVFIEtP+JIuUEw==",
    )

    for converted, password in ((django, b"not a password"), (aspnet, b"my password")):
        assert converted["algorithm"] == "PBKDF2"
        assert converted["digestAlgorithm"] == "SHA256_HMAC"
        assert converted["iterationCount"] == 10000
        assert converted["keySize"] == 32
        recomputed = hashlib.pbkdf2_hmac(
            "sha256", password, base64.b64decode(converted["salt"]), 10000, 32
        )
        assert base64.b64encode(recomputed).decode() == converted["value"]


@pytest.mark.parametrize(
    ("fmt", "encoded", "params"),
    [
        (
            "pbkdf2_sha256",
            "$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
            {},
        ),  # < 4096
        (
            "pbkdf2_sha1",
            "$pbkdf2$1212$OB.dtnSEXZK8U5cgxU/GYQ$y5LKPOplRmok7CZp/aqVDVg8zGI",
            {},
        ),  # SHA-1
        ("raw_md5", "5f4dcc3b5aa765d61d8327deb882cf99", {}),  # unsalted
        (
            "argon2",
            "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$IMit9qkFULCMA/ViizL57cnTLOa5DiVM9eMwpAvPwr4",
            {},
        ),
        (
            "raw_md5",
            "3d83c8e717ff0e7ecfe187f088d69954",
            {"salt": "x", "salt_position": "suffix", "password_encoding": "latin-1"},
        ),
    ],
)
def test_hashes_okta_cannot_take_use_the_hook(fmt, encoded, params):
    assert okta_hash_credential(fmt, encoded, params) is None


# --- pushing users -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_push_with_the_hook_creates_every_pending_user(fake_okta):
    load_demo()

    out, _, failure = run("okta_push_users", strategy="hook")

    assert failure == ""
    assert "Created with the password hook: 8" in out
    assert len(fake_okta.users) == 8
    created = next(iter(fake_okta.users.values()))
    assert created["credentials"]["provider"]["type"] == "IMPORT"
    assert set(LegacyUser.objects.values_list("okta_push_state", flat=True)) == {"hook"}
    assert all(LegacyUser.objects.values_list("okta_id", flat=True))


@pytest.mark.django_db
def test_push_auto_sends_importable_hashes_and_confirms_those_users(fake_okta):
    load_demo()

    out, _, failure = run("okta_push_users", strategy="auto")

    assert failure == ""
    states = dict(LegacyUser.objects.values_list("login_key", "okta_push_state"))
    # bcrypt (Isaac), Django PBKDF2 600k (Grace), LDAP {SSHA} (Linus): hashes; the rest: hook.
    assert states["isaac.brock@example.com"] == "imported_hash"
    assert states["grace.hopper@example.com"] == "imported_hash"
    assert states["linus.pauling@example.com"] == "imported_hash"
    assert states["ada.lovelace@example.com"] == "hook"  # argon2: Okta cannot take it
    assert states["barbara.liskov@example.com"] == "hook"  # unsalted SHA-256
    isaac = next(
        u for u in fake_okta.users.values() if u["profile"]["login"] == "isaac.brock@example.com"
    )
    assert isaac["_hash"]["algorithm"] == "BCRYPT"
    # Okta shows IMPORT for a hash-imported user too, until its first sign-in.
    assert isaac["credentials"]["provider"]["type"] == "IMPORT"
    user = LegacyUser.objects.get(login_key="isaac.brock@example.com")
    assert user.status == "purged" and user.password_hash == ""  # Okta holds it now
    assert "Created with the imported hash: 3" in out


@pytest.mark.django_db
def test_push_judges_logins_okta_already_holds_from_its_own_records(fake_okta):
    load_demo()
    # Okta answers nothing to this create, though it made the user: ours, on our record.
    fake_okta.lose_create_answers = [502]
    LegacyUser.objects.exclude(login_key="ada.lovelace@example.com").update(okta_push_state="x")
    _, _, failure = run("okta_push_users")
    assert LegacyUser.objects.get(login_key="ada.lovelace@example.com").okta_push_state == (
        "unanswered_hook"
    )
    assert "run again" in failure
    LegacyUser.objects.filter(okta_push_state="x").update(okta_push_state="")
    client = OktaClient(fake_okta.url, fake_okta.token)
    # Created elsewhere: a hook user of another tool, and a user with its own password.
    client.create_user(profile("grace.hopper@example.com"))
    fake_okta.create_user(
        {
            "profile": profile("Alan.Turing@example.com"),
            "credentials": {"password": {"value": "own-password"}},
        },
        {},
    )

    _, err, failure = run("okta_push_users")

    users = {u.login_key: u for u in LegacyUser.objects.all()}
    assert users["ada.lovelace@example.com"].okta_push_state == "linked"
    assert users["ada.lovelace@example.com"].okta_id in fake_okta.users
    # Okta shows IMPORT for it, as for ours: only our record can say whose it is.
    assert users["grace.hopper@example.com"].okta_push_state == "conflict"
    assert "this portal did not set up" in users["grace.hopper@example.com"].okta_push_error
    assert users["alan.turing@example.com"].okta_push_state == "conflict"
    assert "with its own password (provider OKTA)" in err
    assert failure == ""
    assert len(fake_okta.users) == 8


@pytest.mark.django_db
def test_push_is_resumable_and_retries_failures(fake_okta):
    load_demo()
    fake_okta.fail_creates = [400]  # the first user fails once (a non-retryable error)

    _, _, failure = run("okta_push_users")
    assert failure == "1 users failed and Okta did not answer for 0; run again to retry them."
    second, _, failure = run("okta_push_users")

    assert failure == ""
    assert "Created with the password hook: 1" in second
    assert len(fake_okta.users) == 8


@pytest.mark.django_db
def test_push_dry_run_reads_the_schema_and_creates_nobody(fake_okta):
    load_demo()

    out, _, _ = run("okta_push_users", strategy="auto", dry_run=True)

    assert "Would push 8 users" in out
    assert fake_okta.requests == [("GET", "/api/v1/meta/schemas/user/default")]
    assert set(LegacyUser.objects.values_list("okta_push_state", flat=True)) == {""}


# --- the event hook endpoint ------------------------------------------------------------------


def event(
    login, okta_id="00u-unknown", result="SUCCESS", event_type="user.import.password", uid=None
):
    example = json.loads(
        (
            Path(__file__).parent / "okta_examples" / "event-hook-user-import-password.json"
        ).read_text()
    )
    item = example["data"]["events"][0]
    item.update(eventType=event_type, uuid=uid or f"uuid-{login}-{result}-{event_type}")
    item["outcome"]["result"] = result
    item["target"][0].update(id=okta_id, alternateId=login)
    example["data"]["events"] = [item]
    return example


def post_events(client, body, headers):
    return client.post(
        "/hooks/okta-events", data=body, content_type="application/json", headers=headers
    )


@pytest.mark.django_db
def test_event_hook_verification_handshake(client, event_headers):
    response = client.get(
        "/hooks/okta-events", headers={**event_headers, "x-okta-verification-challenge": "abc123"}
    )

    assert response.json() == {"verification": "abc123"}
    assert client.get("/hooks/okta-events", headers=event_headers).status_code == 400
    assert (
        client.get(
            "/hooks/okta-events", headers={"x-okta-verification-challenge": "abc"}
        ).status_code
        == 401
    )


@pytest.mark.django_db
def test_each_hook_refuses_the_other_hooks_secret(client, auth_headers, event_headers, make_user):
    user = make_user(login="isaac.brock@example.com", password="Okta")
    LegacyUser.objects.filter(pk=user.pk).update(status="verified")
    body = okta_example("event-hook-user-import-password.json")
    password_secret_as_event_header = {
        settings.OKTA_EVENT_HOOK_AUTH_HEADER: settings.OKTA_HOOK_AUTH_VALUES[0]
    }

    with_password_secret = post_events(client, body, auth_headers)
    in_the_event_header = post_events(client, body, password_secret_as_event_header)
    event_secret_on_the_password_hook = client.post(
        "/hooks/password-import",
        data=okta_example("password-import-request.json"),
        content_type="application/json",
        headers={settings.OKTA_HOOK_AUTH_HEADER: settings.OKTA_EVENT_HOOK_AUTH_VALUES[0]},
    )

    assert with_password_secret.status_code == 401
    assert in_the_event_header.status_code == 401
    assert event_secret_on_the_password_hook.status_code == 401
    assert OktaEvent.objects.count() == 0
    user.refresh_from_db()
    assert (user.status, bool(user.password_hash)) == ("verified", True)


@pytest.mark.django_db
def test_a_secret_configured_on_both_hooks_opens_neither(client, settings, make_user):
    shared = "the-same-secret-on-both-hooks"
    settings.OKTA_HOOK_AUTH_VALUES = [shared]
    settings.OKTA_EVENT_HOOK_AUTH_VALUES = [shared]
    settings.OKTA_EVENT_HOOK_AUTH_HEADER = settings.OKTA_HOOK_AUTH_HEADER
    make_user(login="isaac.brock@example.com", password="Okta")
    headers = {settings.OKTA_HOOK_AUTH_HEADER: shared}

    events = post_events(client, okta_example("event-hook-user-import-password.json"), headers)
    hook = client.post(
        "/hooks/password-import",
        data=okta_example("password-import-request.json"),
        content_type="application/json",
        headers=headers,
    )

    assert (events.status_code, hook.status_code) == (401, 401)


@pytest.mark.django_db
def test_without_an_event_secret_the_endpoint_does_not_exist(client, settings, auth_headers):
    settings.OKTA_EVENT_HOOK_AUTH_VALUES = []

    response = post_events(client, okta_example("event-hook-user-import-password.json"), {})
    with_password_secret = post_events(
        client, okta_example("event-hook-user-import-password.json"), auth_headers
    )

    assert response.status_code == 404
    assert with_password_secret.status_code == 404
    assert OktaEvent.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["pending", "purged"])
def test_an_event_for_a_user_never_verified_or_purged_changes_nothing(
    client, event_headers, make_user, status
):
    user = make_user(login="isaac.brock@example.com", password="Okta")
    LegacyUser.objects.filter(pk=user.pk).update(status=status)

    response = post_events(
        client, okta_example("event-hook-user-import-password.json"), event_headers
    )

    assert response.json() == {"received": 1, "applied": 1, "rejected": 0}
    user.refresh_from_db()
    assert (user.status, bool(user.password_hash)) == (status, True)
    assert (
        OktaEvent.objects.get().effect
        == {
            "pending": EventEffect.PENDING_USER,
            "purged": EventEffect.ALREADY_PURGED,
        }[status]
    )


@pytest.mark.django_db
def test_without_okta_api_an_event_confirms_but_never_purges(client, event_headers, make_user):
    user = make_user(login="isaac.brock@example.com", password="Okta")
    LegacyUser.objects.filter(pk=user.pk).update(status="verified")
    body = okta_example("event-hook-user-import-password.json")

    first = post_events(client, body, event_headers)
    again = post_events(client, body, event_headers)

    assert first.json() == {"received": 1, "applied": 1, "rejected": 0}
    assert again.json() == {"received": 1, "applied": 0, "rejected": 0}  # same uuid: once
    user.refresh_from_db()
    assert (user.status, bool(user.password_hash)) == ("confirmed", True)
    assert OktaEvent.objects.get().effect == EventEffect.CONFIRMED_UNCHECKED
    out, _, _ = run("purge_legacy_hashes", confirmed_before="2100-01-01")
    assert "Purged the hashes of 1 confirmed users." in out  # the operator's decision


@pytest.mark.django_db
def test_a_forged_event_awaits_okta_and_is_refused_when_okta_has_no_record(
    client, event_headers, make_user, fake_okta
):
    user = make_user(login="isaac.brock@example.com", password="Okta")
    LegacyUser.objects.filter(pk=user.pk).update(status="verified")

    response = post_events(
        client, okta_example("event-hook-user-import-password.json"), event_headers
    )
    out, _, failure = run("okta_sync_imports")

    assert response.status_code == 200 and failure == ""
    assert "still awaiting Okta's record: 1" in out
    user.refresh_from_db()
    assert (user.status, bool(user.password_hash)) == ("verified", True)
    record = OktaEvent.objects.get()
    assert (record.effect, record.okta_record) == (EventEffect.AWAITING, "awaiting")

    OktaEvent.objects.update(received_at=timezone.now() - timezone.timedelta(minutes=20))
    out, _, _ = run("okta_sync_imports")

    assert "refused: not in Okta's System Log: 1" in out
    record.refresh_from_db()
    assert (record.effect, record.okta_record) == (EventEffect.NOT_IN_SYSTEM_LOG, "missing")
    user.refresh_from_db()
    assert (user.status, bool(user.password_hash)) == ("verified", True)


@pytest.mark.django_db
def test_an_event_okta_has_on_record_confirms_and_purges_at_the_next_sync(
    client, event_headers, make_user, fake_okta
):
    user = make_user(login="isaac.brock@example.com", password="Okta")
    LegacyUser.objects.filter(pk=user.pk).update(status="verified", okta_id="00uREAL")
    real = fake_okta.emit_import_event(
        {"id": "00uREAL", "profile": {"login": "isaac.brock@example.com"}}, "SUCCESS"
    )
    delivered = okta_example("event-hook-user-import-password.json")
    delivered["data"]["events"][0].update(uuid=real["uuid"])
    delivered["data"]["events"][0]["target"][0]["id"] = "00uREAL"

    post_events(client, delivered, event_headers)
    user.refresh_from_db()
    assert user.status == "verified"  # nothing purged on the delivery's word
    out, _, _ = run("okta_sync_imports", since="2000-01-01T00:00:00.000Z")

    assert "confirmed, legacy hash purged: 1" in out
    user.refresh_from_db()
    assert (user.status, user.password_hash) == ("purged", "")
    record = OktaEvent.objects.get()
    assert (record.okta_record, record.effect) == ("found", EventEffect.CONFIRMED_PURGED)


@pytest.mark.django_db
def test_one_bad_event_in_a_batch_is_rejected_and_the_rest_applied(
    client, event_headers, make_user, settings
):
    settings.PURGE_HASH_ON_CONFIRM = False
    user = make_user(login="ada@example.com", password="x")
    LegacyUser.objects.filter(pk=user.pk).update(status="verified")
    good = event("ada@example.com")["data"]["events"][0]
    bad = [
        {**good, "uuid": "lone-\ud800-surrogate"},
        {**good, "uuid": "string-outcome", "outcome": "SUCCESS"},
        {**good, "uuid": "bad-date", "published": "2026-13-45T99:00:00Z"},
        {**good, "uuid": "not-a-date", "published": "yesterday"},
        {**good, "uuid": 42},
        {**good, "uuid": "target-id", "target": [{"type": "User", "id": 7}]},
        "not an event",
    ]
    body = json.dumps({"data": {"events": [*bad, good]}})

    response = post_events(client, body, event_headers)

    assert response.status_code == 200
    assert response.json() == {"received": 8, "applied": 1, "rejected": 7}
    effects = sorted(OktaEvent.objects.values_list("effect", "problem"))
    assert effects == sorted(
        [
            (EventEffect.REJECTED, "uuid is not valid Unicode"),
            (EventEffect.REJECTED, "outcome is not an object"),
            (EventEffect.REJECTED, "published is not an ISO 8601 time"),
            (EventEffect.REJECTED, "published is not an ISO 8601 time"),
            (EventEffect.REJECTED, "uuid is not a string"),
            (EventEffect.REJECTED, "target.id is not a string"),
            (EventEffect.REJECTED, "the event is not an object"),
            (EventEffect.CONFIRMED_UNCHECKED, ""),
        ]
    )
    user.refresh_from_db()
    assert user.status == "confirmed"


@pytest.mark.django_db
def test_failures_unknown_users_and_other_events_are_recorded_and_ignored(
    client, event_headers, make_user, settings
):
    user = make_user(login="ada@example.com", password="x")
    LegacyUser.objects.filter(pk=user.pk).update(status="verified")
    bodies = [
        event("ada@example.com", result="FAILURE"),
        event("ghost@example.com"),
        event("ada@example.com", event_type="user.session.start"),
    ]

    for body in bodies:
        assert post_events(client, body, event_headers).status_code == 200
    effects = list(OktaEvent.objects.order_by("id").values_list("effect", flat=True))

    assert effects == [
        EventEffect.IMPORT_UNSUCCESSFUL,
        EventEffect.NO_SUCH_USER,
        EventEffect.NOT_IMPORT_EVENT,
    ]
    user.refresh_from_db()
    assert user.status == "verified" and user.password_hash


@pytest.mark.django_db
def test_event_hook_needs_authentication_and_a_list(client, event_headers):
    assert (
        client.post("/hooks/okta-events", data={}, content_type="application/json").status_code
        == 401
    )
    bad = post_events(client, {"data": {"events": "x"}}, event_headers)
    assert bad.status_code == 400


# --- System Log, purge, weak passwords, end game ---------------------------------------------


@pytest.mark.django_db
def test_sync_imports_from_the_system_log_with_a_cursor(fake_okta, make_user):
    for i in range(5):
        user = make_user(login=f"u{i}@example.com", password="x")
        LegacyUser.objects.filter(pk=user.pk).update(status="verified", okta_id=f"00uid{i:014d}")
        fake_okta.emit_import_event(
            {"id": f"00uid{i:014d}", "profile": {"login": f"u{i}@example.com"}}, "SUCCESS"
        )

    out, _, failure = run("okta_sync_imports")
    again, _, _ = run("okta_sync_imports")

    assert failure == ""
    assert "Read 5 events" in out and "confirmed, legacy hash purged: 5" in out
    assert set(LegacyUser.objects.values_list("status", flat=True)) == {"purged"}
    assert "Read 0 events from 20" in again  # the cursor moved past them


def _log_calls(fake):
    return [c for c in fake.calls if c.path == "/api/v1/logs"]


@pytest.mark.django_db
def test_sync_imports_ends_against_okta_s_polling_next_links(fake_okta, make_user):
    user = {"id": "00uMANY", "profile": {"login": "many@example.com"}}
    for _ in range(2100):
        fake_okta.emit_import_event(user, "SUCCESS")

    out, _, failure = run("okta_sync_imports")

    assert failure == ""
    assert "Read 2100 events" in out
    reads = _log_calls(fake_okta)
    assert len(reads) == 3  # 1000 + 1000 + 100, then no next link: a bounded request
    assert all("until" in c.query and "since" in c.query for c in reads)


def test_the_client_stops_at_an_empty_page_whatever_the_next_link(fake_okta):
    # Okta answers a polling request with a next link on every page, empty ones too.
    fake_okta.next_link = f"{fake_okta.url}/api/v1/logs?after=MA%3D%3D&limit=5"
    client = OktaClient(fake_okta.url, fake_okta.token)

    events = list(last_hour_of_imports(client))

    assert events == [] and len(_log_calls(fake_okta)) == 1


@pytest.mark.django_db
def test_the_cursor_never_passes_what_was_not_read(fake_okta, make_user, settings):
    for i in range(3):
        user = make_user(login=f"u{i}@example.com", password="x")
        LegacyUser.objects.filter(pk=user.pk).update(status="verified", okta_id=f"00uid{i:014d}")
    first = fake_okta.emit_import_event(
        {"id": f"00uid{0:014d}", "profile": {"login": "u0@example.com"}},
        "SUCCESS",
        published=timezone.now() - timezone.timedelta(minutes=5),
    )
    settings.OKTA_SYSTEM_LOG_LAG_SECONDS = 60
    fresh = fake_okta.emit_import_event(
        {"id": f"00uid{1:014d}", "profile": {"login": "u1@example.com"}}, "SUCCESS"
    )

    out, _, _ = run("okta_sync_imports")

    # Okta may not have written events of the last minute yet: the read stops before them.
    assert "Read 1 events" in out
    (read,) = _log_calls(fake_okta)
    until = timezone.datetime.fromisoformat(read.query["until"][0].replace("Z", "+00:00"))
    assert until <= timezone.now() - timezone.timedelta(seconds=59)
    assert first["published"] < read.query["until"][0] < fresh["published"]

    settings.OKTA_SYSTEM_LOG_LAG_SECONDS = 0
    for _ in range(1000):
        fake_okta.log.append({**fake_okta.log[-1], "uuid": str(uuid.uuid4())})
    fake_okta.fail_log_after = len(_log_calls(fake_okta)) + 1  # the second page fails
    _, _, failure = run("okta_sync_imports")
    assert "Okta 500" in failure
    cursor = SyncCursor.objects.get().value
    assert cursor == fresh["published"]  # moved to the newest event read, no further

    fake_okta.fail_log_after = None
    out, _, failure = run("okta_sync_imports")
    assert failure == "" and "Read 1001 events" in out  # re-read from there; applied once
    assert LegacyUser.objects.get(login="u1@example.com").status == "purged"


@pytest.mark.django_db
def test_purge_only_ever_touches_confirmed_users(make_user):
    confirmed = make_user(login="c@example.com", password="x")
    verified = make_user(login="v@example.com", password="x")
    LegacyUser.objects.filter(pk=confirmed.pk).update(
        status="confirmed", confirmed_at=timezone.now() - timezone.timedelta(days=3)
    )
    LegacyUser.objects.filter(pk=verified.pk).update(status="verified")

    dry, _, _ = run("purge_legacy_hashes", confirmed_before="2100-01-01", dry_run=True)
    out, _, _ = run("purge_legacy_hashes", confirmed_before="2100-01-01")

    assert "Would purge the hashes of 1" in dry
    assert "Purged the hashes of 1 confirmed users." in out
    assert LegacyUser.objects.get(pk=confirmed.pk).password_hash == ""
    assert LegacyUser.objects.get(pk=verified.pk).password_hash != ""
    _, _, failure = run("purge_legacy_hashes", confirmed_before="not-a-date")
    assert "is not a date" in failure


@pytest.mark.django_db
def test_expire_weak_passwords_in_okta(fake_okta, make_user):
    client = OktaClient(fake_okta.url, fake_okta.token)
    okta_user = client.create_user(profile("weak@example.com"))
    weak = make_user(login="weak@example.com", password="x")
    LegacyUser.objects.filter(pk=weak.pk).update(
        status="confirmed", weak_password=True, okta_id=okta_user.id
    )

    out, _, _ = run("okta_expire_weak_passwords")
    again, _, _ = run("okta_expire_weak_passwords")

    assert "expired: 1" in out
    assert "No confirmed user has a weak password left to expire." in again
    assert fake_okta.users[okta_user.id]["status"] == "PASSWORD_EXPIRED"


@pytest.mark.django_db
def test_finish_migration_exports_expires_and_switches_the_hook_off(fake_okta, tmp_path):
    load_demo()
    run("okta_push_users")
    client = OktaClient(fake_okta.url, fake_okta.token)
    hook = client.create_inline_hook(
        inline_hook_create_body(HookTarget("x", "https://x.example/hook", "A"), "s")
    )
    LegacyUser.objects.filter(login_key="isaac.brock@example.com").update(status="confirmed")
    export = tmp_path / "never.csv"

    out, _, failure = run(
        "okta_finish_migration",
        cutoff="2100-01-01",
        export=str(export),
        expire_passwords=True,
        deactivate_hook=True,
    )

    assert failure == ""
    assert "7 users loaded before 2100-01-01 00:00 never signed in" in out
    rows = list(csv.reader(export.open()))
    assert rows[0][0] == "login" and len(rows) == 8
    assert "isaac.brock@example.com" not in {r[0] for r in rows}
    assert "Okta passwords expired: 7" in out
    assert fake_okta.inline_hooks[hook.id]["status"] == "INACTIVE"


@pytest.mark.django_db
def test_finish_migration_with_an_unwritable_export_says_so(tmp_path):
    load_demo()
    target = tmp_path / "no-such-folder" / "never.csv"

    out, _, failure = run("okta_finish_migration", cutoff="2100-01-01", export=str(target))

    assert failure.startswith(f"cannot write {str(target)!r}")
    assert "never signed in" not in out


# --- hooks registration, preview, and the whole journey (live server) -------------------------


@pytest.mark.django_db(transaction=True)
def test_register_hooks_is_idempotent_and_okta_verifies_the_event_hook(fake_okta, live_server):
    out, _, failure = run("okta_register_hooks", public_url=live_server.url)
    written = len(fake_okta.writes)
    again, _, _ = run("okta_register_hooks", public_url=live_server.url)

    assert failure == ""
    assert "created the inline hook" in out and "created the event hook" in out
    assert "Okta verified the event hook" in out
    # Okta answers the hooks without their secrets and with the header name lower-cased;
    # the second run still finds them as wanted and writes nothing.
    assert "already points at" in again and "created" not in again and "updated" not in again
    assert len(fake_okta.writes) == written
    (inline,) = fake_okta.inline_hooks.values()
    (events,) = fake_okta.event_hooks.values()
    assert inline["status"] == "ACTIVE"
    assert inline["channel"]["config"]["uri"] == f"{live_server.url}/hooks/password-import"
    assert inline["channel"]["config"]["authScheme"] == {"type": "HEADER", "key": "Authorization"}
    assert inline["_secret"] == settings.OKTA_HOOK_AUTH_VALUES[0]
    assert events["verificationStatus"] == "VERIFIED"
    assert events["events"] == {"type": "EVENT_TYPE", "items": ["user.import.password"]}
    assert events["_secret"] == settings.OKTA_EVENT_HOOK_AUTH_VALUES[0]
    _, _, refused = run("okta_register_hooks", public_url="http://portal.example.com")
    assert "must be https" in refused


@pytest.mark.django_db(transaction=True)
def test_register_hooks_sends_secrets_only_to_create_change_or_rotate(
    fake_okta, live_server, settings
):
    run("okta_register_hooks", public_url=live_server.url)
    (inline,) = fake_okta.inline_hooks.values()
    settings.OKTA_HOOK_AUTH_VALUES = ["Basic bmV3OnNlY3JldA==", *settings.OKTA_HOOK_AUTH_VALUES]

    quiet, _, _ = run("okta_register_hooks", public_url=live_server.url)
    assert inline["_secret"] != settings.OKTA_HOOK_AUTH_VALUES[0]  # nothing to tell it apart
    rotated, _, failure = run("okta_register_hooks", public_url=live_server.url, rotate_secret=True)

    assert failure == ""
    assert "already points at" in quiet
    assert "updated the inline hook" in rotated and "rotating its secret" in rotated
    assert inline["_secret"] == settings.OKTA_HOOK_AUTH_VALUES[0]
    replace = [c for c in fake_okta.writes if c.method == "PUT"]
    assert replace and all("type" not in c.body for c in replace if "inlineHooks" in c.path)

    fake_okta.inline_hooks[inline["id"]]["channel"]["config"]["uri"] = "https://old.example/x"
    moved, _, _ = run("okta_register_hooks", public_url=live_server.url)
    assert "updated the inline hook" in moved and "URI https://old.example/x" in moved
    assert inline["channel"]["config"]["uri"] == f"{live_server.url}/hooks/password-import"


@pytest.mark.django_db
def test_register_hooks_without_an_event_secret_registers_the_inline_hook_only(fake_okta, settings):
    settings.OKTA_EVENT_HOOK_AUTH_VALUES = []

    out, _, failure = run("okta_register_hooks", public_url="https://portal.example.com")

    assert failure == ""
    assert "no event hook: OKTA_EVENT_HOOK_AUTH_VALUES is not set" in out
    assert len(fake_okta.inline_hooks) == 1 and fake_okta.event_hooks == {}


def test_pagination_never_follows_a_next_link_to_another_origin(fake_okta):
    fake_okta.emit_import_event({"id": "00u1", "profile": {"login": "a@example.com"}}, "SUCCESS")
    client = OktaClient(fake_okta.url, fake_okta.token)
    fake_okta.next_link = "https://attacker.example/api/v1/logs?after=1"
    seen = []

    with pytest.raises(OktaError, match="another origin"):
        for item in last_hour_of_imports(client):
            seen.append(item)

    assert len(seen) == 1  # the org's own page, then nothing from elsewhere
    assert [path.split("?")[0] for _, path in fake_okta.requests] == ["/api/v1/logs"]


@pytest.mark.django_db(transaction=True)
def test_hook_preview_against_a_deployment_and_through_okta(fake_okta, live_server, monkeypatch):
    load_demo()
    monkeypatch.setattr(sys, "stdin", io.StringIO("Okta\n"))
    direct, _, failure = run(
        "hook_preview", url=live_server.url, login="isaac.brock@example.com", password_stdin=True
    )
    assert failure == ""
    assert direct.startswith("VERIFIED in ")

    run("okta_register_hooks", public_url=live_server.url)
    (hook_id,) = fake_okta.inline_hooks
    monkeypatch.setattr(sys, "stdin", io.StringIO("wrong\n"))
    via_okta, _, failure = run(
        "hook_preview", okta_hook_id=hook_id, login="isaac.brock@example.com", password_stdin=True
    )
    assert failure == ""
    assert via_okta.startswith("UNVERIFIED in ")


@pytest.mark.django_db(transaction=True)
def test_the_whole_journey_push_sign_in_confirm_purge(fake_okta, live_server):
    """The issue's done-when: push a mixed-format file with --strategy auto, sign users in
    through the hook, Okta's events confirm them and their hashes are purged."""
    load_demo()
    run("okta_register_hooks", public_url=live_server.url)
    _, _, failure = run("okta_push_users", strategy="auto")
    assert failure == ""

    passwords = {
        "ada.lovelace@example.com": "analytical-engine",
        "alan.turing@example.com": "enigma-bombe",
        "margaret.hamilton@example.com": "apollo-11",
        "ken.thompson@example.com": "unix-v1",
        "barbara.liskov@example.com": "substitution",
    }
    assert not fake_okta.sign_in("ada.lovelace@example.com", "wrong password")
    for login, password in passwords.items():
        assert fake_okta.sign_in(login, password), login
    assert fake_okta.sign_in("ada.lovelace@example.com", "analytical-engine")  # Okta's own now
    delivered = dict(LegacyUser.objects.values_list("login_key", "status"))
    assert {delivered[login] for login in passwords} == {"verified"}  # awaiting Okta's record

    _, _, failure = run("okta_sync_imports")
    assert failure == ""
    statuses = dict(LegacyUser.objects.values_list("login_key", "status"))
    assert set(statuses.values()) == {"purged"}
    assert set(LegacyUser.objects.values_list("password_hash", flat=True)) == {""}
    hashed = set(
        LegacyUser.objects.filter(okta_push_state="imported_hash").values_list(
            "login_key", flat=True
        )
    )
    assert hashed == {
        "isaac.brock@example.com",
        "grace.hopper@example.com",
        "linus.pauling@example.com",
    }
    assert OktaEvent.objects.filter(effect=EventEffect.CONFIRMED_PURGED).count() == 5
    assert set(OktaEvent.objects.values_list("via", "okta_record")) == {("event_hook", "found")}


@pytest.mark.django_db
def test_the_admin_lists_deliveries_awaiting_okta_s_record(
    admin_client, client, event_headers, make_user, fake_okta
):
    user = make_user(login="isaac.brock@example.com", password="Okta")
    LegacyUser.objects.filter(pk=user.pk).update(status="verified")
    post_events(client, okta_example("event-hook-user-import-password.json"), event_headers)

    html = admin_client.get(
        "/admin/legacy_users/oktaevent/?okta_record__exact=awaiting"
    ).content.decode()

    assert "isaac.brock@example.com" in html
    assert "Awaiting Okta&#x27;s record" in html or "Awaiting Okta's record" in html


def test_hook_paths_are_the_hooks_own_urls():
    from django.urls import reverse

    from hooks.urls import hook_path

    assert hook_path("password-import") == reverse("hooks:password-import")
    assert hook_path("okta-events") == reverse("hooks:okta-events")
    assert hook_path("password-import") == "/hooks/password-import"


def test_hook_preview_never_sends_a_secret_over_plain_http_to_another_host(monkeypatch):
    sent = []
    monkeypatch.setattr("httpx.post", lambda *a, **k: sent.append((a, k)))
    monkeypatch.setattr(sys, "stdin", io.StringIO("pw\n"))

    _, _, failure = run(
        "hook_preview", url="http://portal.example.com", login="a@example.com", password_stdin=True
    )

    assert failure.startswith("--url must be https://")
    assert sent == []


@pytest.mark.django_db(transaction=True)
def test_effects_stored_as_sentences_become_choices_and_reasons():
    """Events recorded before effects were a fixed set keep their meaning."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("legacy_users", "0022_new_user_defaults_in_the_database")]
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("legacy_users")
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("legacy_users", "OktaEvent")
    sentences = {
        "u-1": "confirmed, legacy hash purged",
        "u-2": "rejected: uuid is not a string",
        "u-3": "recorded: Okta's import failure",
        "u-4": "awaiting Okta's record",
    }
    for event_uuid, effect in sentences.items():
        old.objects.create(
            uuid=event_uuid, event_type="user.import.password", via="event_hook", effect=effect
        )

    MigrationExecutor(connection).migrate(latest)

    now = {e.uuid: (e.effect, e.problem) for e in OktaEvent.objects.all()}
    assert now == {
        "u-1": (EventEffect.CONFIRMED_PURGED, ""),
        "u-2": (EventEffect.REJECTED, "uuid is not a string"),
        "u-3": (EventEffect.IMPORT_UNSUCCESSFUL, ""),
        "u-4": (EventEffect.AWAITING, ""),
    }
