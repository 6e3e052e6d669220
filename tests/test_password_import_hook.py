"""The password import hook, exactly as Okta calls it and authenticates to it."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from legacy_users.models import LegacyUser, VerificationAttempt
from tests.conftest import import_request, okta_example, verdict

pytestmark = pytest.mark.django_db


def test_okta_example_request_is_verified_with_okta_example_response(make_user, post_hook):
    make_user(login="isaac.brock@example.com", password="Okta")

    response = post_hook(okta_example("password-import-request.json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == okta_example("password-import-response-verified.json")


def test_wrong_password_gets_okta_example_unverified_response(make_user, post_hook):
    make_user(login="isaac.brock@example.com", password="Okta")

    response = post_hook(import_request("isaac.brock@example.com", "okta"))

    assert response.json() == okta_example("password-import-response-unverified.json")


def test_unknown_user_is_unverified(db, post_hook):
    response = post_hook(import_request("nobody@example.com", "whatever"))

    assert verdict(response) == "UNVERIFIED"
    attempt = VerificationAttempt.objects.get()
    assert (attempt.reason, attempt.user) == ("unknown_user", None)


def test_username_matches_case_insensitively(make_user, post_hook):
    make_user(login="isaac.brock@example.com", password="Okta")

    response = post_hook(import_request("  Isaac.Brock@EXAMPLE.com", "Okta"))

    assert verdict(response) == "VERIFIED"


def test_unknown_and_reordered_fields_are_ignored(make_user, post_hook):
    make_user(login="isaac.brock@example.com", password="Okta")
    body = import_request("isaac.brock@example.com", "Okta")
    body["somethingNew"] = {"nested": [1, 2, 3]}
    body["data"]["context"]["credential"]["extra"] = "ignored"
    reordered = dict(reversed(list(body.items())))

    assert verdict(post_hook(reordered)) == "VERIFIED"


def test_rotated_secret_second_value_is_accepted(make_user, post_hook, settings):
    make_user(password="Okta")
    header = settings.OKTA_HOOK_AUTH_HEADER

    response = post_hook(
        import_request("isaac.brock@example.com", "Okta"),
        headers={header: settings.OKTA_HOOK_AUTH_VALUES[1]},
    )

    assert verdict(response) == "VERIFIED"


def test_custom_auth_header_name(make_user, post_hook, settings):
    settings.OKTA_HOOK_AUTH_HEADER = "X-Okta-Hook-Secret"
    settings.OKTA_HOOK_AUTH_VALUES = ["a-long-random-secret-value"]
    make_user(password="Okta")

    ok = post_hook(
        import_request("isaac.brock@example.com", "Okta"),
        headers={"X-Okta-Hook-Secret": "a-long-random-secret-value"},
    )
    wrong_header = post_hook(
        import_request("isaac.brock@example.com", "Okta"),
        headers={"Authorization": "a-long-random-secret-value"},
    )

    assert verdict(ok) == "VERIFIED"
    assert wrong_header.status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic YWRtaW46c3VwZXJzZWNyZXQ="},
        {"Authorization": ""},
        {"Authorization": "Basic dGVzdDp0ZXN0LXNlY3JldC0x "},
        {"X-Other": "Basic dGVzdDp0ZXN0LXNlY3JldC0x"},
    ],
    ids=["missing", "wrong", "empty", "trailing-space", "other-header"],
)
def test_missing_or_wrong_secret_is_401_without_database_work(make_user, post_hook, headers):
    make_user(password="Okta")

    with CaptureQueriesContext(connection) as queries:
        response = post_hook(import_request("isaac.brock@example.com", "Okta"), headers=headers)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert len(queries) == 0
    assert VerificationAttempt.objects.count() == 0


def test_no_configured_secret_refuses_every_call(make_user, post_hook, settings):
    settings.OKTA_HOOK_AUTH_VALUES = []
    make_user(password="Okta")

    response = post_hook(
        import_request("isaac.brock@example.com", "Okta"), headers={"Authorization": ""}
    )

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "code", "message_part"),
    [
        ("{not json", "invalid_json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "invalid_json", "not valid JSON"),
        ("[" * 50000, "invalid_json", "not valid JSON"),
        ("[1, 2]", "invalid_body", "JSON object"),
        (
            json.dumps(import_request("a@example.com", "pw", eventType="com.okta.other")),
            "wrong_event_type",
            "eventType",
        ),
        (json.dumps({"data": {}}), "wrong_event_type", "eventType"),
    ],
    ids=["broken", "binary", "deep", "array", "other-event", "no-event-type"],
)
def test_unparseable_body_is_400_with_reason(db, post_hook, body, code, message_part):
    response = post_hook(body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert message_part in error["message"]
    assert VerificationAttempt.objects.count() == 0


def _without(path):
    body = import_request("isaac.brock@example.com", "Okta")
    *parents, last = path.split(".")
    node = body
    for key in parents:
        node = node[key]
    del node[last]
    return body


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (_without("data.context.credential.username"), "username", "missing_field"),
        (_without("data.context.credential.password"), "password", "missing_field"),
        (_without("data.context.credential"), "username", "missing_field"),
        (_without("data"), "username", "missing_field"),
        (import_request(12345, "Okta"), "username", "invalid_field"),
        (import_request("isaac.brock@example.com", None), "password", "missing_field"),
        (import_request("isaac.brock@example.com", ["Okta"]), "password", "invalid_field"),
        (import_request("isaac.brock@example.com", {"v": "Okta"}), "password", "invalid_field"),
        (import_request("   ", "Okta"), "username", "invalid_field"),
        (import_request("a\x00b@example.com", "Okta"), "username", "invalid_field"),
    ],
    ids=[
        "no-username",
        "no-password",
        "no-credential",
        "no-data",
        "number-username",
        "null-password",
        "list-password",
        "object-password",
        "blank-username",
        "nul-username",
    ],
)
def test_missing_or_mistyped_credential_is_400_naming_the_field(
    make_user, post_hook, body, field, code
):
    make_user(password="Okta")

    response = post_hook(body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert f"data.context.credential.{field}" in error["message"]


def test_lone_surrogate_in_password_is_400_not_500(make_user, post_hook):
    make_user(password="Okta")
    raw = json.dumps(import_request("isaac.brock@example.com", "x")).replace('"x"', '"\\ud800"')

    response = post_hook(raw)

    assert response.status_code == 400
    assert "data.context.credential.password" in response.json()["error"]["message"]


def test_body_over_the_cap_is_413(make_user, post_hook, settings):
    make_user(password="Okta")
    body = import_request("isaac.brock@example.com", "Okta")
    body["padding"] = "x" * settings.OKTA_HOOK_MAX_BODY_BYTES

    response = post_hook(body)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert VerificationAttempt.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_other_methods_are_405_with_allow_header(client, hook_url, auth_headers, method):
    response = getattr(client, method)(hook_url, headers=auth_headers)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_verified_call_is_audited_with_okta_ids_and_ip(make_user, post_hook):
    user = make_user(login="isaac.brock@example.com", password="Okta")

    post_hook(okta_example("password-import-request.json"))

    attempt = VerificationAttempt.objects.get()
    assert attempt.event_id == "3o9jBzq1SmOGmmsDsqyyeQ"
    assert attempt.request_id == "XiIl6wn7005Rr@fjYqeC7AAABxw"
    assert attempt.login == "isaac.brock@example.com"
    assert attempt.user == user
    assert (attempt.outcome, attempt.reason) == ("VERIFIED", "verified")
    assert attempt.hash_format == "bcrypt"
    assert attempt.ip_address == "98.124.153.138"
    assert attempt.duration_ms >= 0


def test_audit_keeps_login_as_typed_and_tolerates_a_bad_ip(make_user, post_hook):
    make_user(login="isaac.brock@example.com", password="Okta")
    body = import_request("Isaac.Brock@Example.com", "nope")
    body["data"]["context"]["request"]["ipAddress"] = "not-an-ip"

    assert verdict(post_hook(body)) == "UNVERIFIED"

    attempt = VerificationAttempt.objects.get()
    assert attempt.login == "Isaac.Brock@Example.com"
    assert (attempt.reason, attempt.ip_address) == ("wrong_password", None)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (
            {
                "password_hash": "$2a$05$CCCCCCCCCCCCCCCCCCC!C.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "hash_format": "bcrypt",
            },
            "malformed_hash",
        ),
        ({"password_hash": "%%not-a-hash%%", "hash_format": ""}, "unsupported_hash"),
        ({"password_hash": "abc", "hash_format": "no_such_format"}, "unsupported_hash"),
        ({"password_hash": "", "hash_format": ""}, "no_hash"),
    ],
    ids=["malformed", "undetectable", "unknown-declared", "empty"],
)
def test_unusable_hash_is_unverified_with_its_reason_and_no_failure_counted(
    make_user, post_hook, fields, reason
):
    user = make_user(**fields)

    assert verdict(post_hook(import_request(user.login, "Okta"))) == "UNVERIFIED"

    user.refresh_from_db()
    assert VerificationAttempt.objects.get().reason == reason
    assert user.failed_attempts == 0
    assert user.last_attempt_at is not None
    assert user.status == "pending"


def test_hot_path_query_count_is_bounded(make_user, post_hook, django_assert_max_num_queries):
    make_user(password="Okta")

    # retry lookup, user lookup, state update, audit insert (+ savepoint bookkeeping in tests)
    with django_assert_max_num_queries(6):
        response = post_hook(import_request("isaac.brock@example.com", "Okta"))

    assert verdict(response) == "VERIFIED"
    assert LegacyUser.objects.get().status == "verified"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("eventId", "\ud800", "eventId is not valid Unicode."),
        ("eventId", 12, "eventId must be a string."),
        ("request.id", "a\udfffb", "data.context.request.id is not valid Unicode."),
        ("request.id", ["x"], "data.context.request.id must be a string."),
    ],
)
def test_malformed_ids_are_a_precise_400(make_user, post_hook, field, value, message):
    make_user(password="Okta")
    body = import_request("isaac.brock@example.com", "Okta")
    if field == "eventId":
        body["eventId"] = value
    else:
        body["data"]["context"]["request"]["id"] = value

    response = post_hook(json.dumps(body))

    assert response.status_code == 400
    assert response.json()["error"] == {"code": "invalid_field", "message": message}
    assert VerificationAttempt.objects.count() == 0
