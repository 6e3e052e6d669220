"""Property-based fuzzing of the hook: bodies, headers and bearer tokens from hypothesis.

Whatever arrives: never a 500, never VERIFIED without valid authentication and the right
password, every rejection a clean 4xx with a JSON error or an UNVERIFIED answer.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import hook_auth_header, import_request

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def check(response, *, authorised: bool, right_password: bool):
    assert response.status_code in (200, 400, 401, 413, 503), response.content
    body = response.json()
    if response.status_code == 200:
        credential = body["commands"][0]["value"]["credential"]
        assert credential in ("VERIFIED", "UNVERIFIED")
        if credential == "VERIFIED":
            assert authorised and right_password
    else:
        assert set(body["error"]) == {"code", "message"}
    if not authorised:
        assert response.status_code in (401,)


@FUZZ
@given(body=json_values)
def test_any_json_body(db, post_hook, body):
    response = post_hook(json.dumps(body))
    check(response, authorised=True, right_password=False)


@FUZZ
@given(raw=st.binary(max_size=300))
def test_any_bytes(db, post_hook, raw):
    check(post_hook(raw), authorised=True, right_password=False)


@FUZZ
@given(
    username=st.one_of(st.text(max_size=60), json_values),
    password=st.one_of(st.text(max_size=60), json_values),
    extra=st.dictionaries(st.text(max_size=10), json_values, max_size=3),
)
def test_okta_shaped_bodies_with_fuzzed_fields(db, post_hook, username, password, extra):
    from legacy_users.models import LegacyUser

    if not LegacyUser.objects.exists():
        from passlib import hash as ph

        from legacy_users.logins import normalize_login

        LegacyUser.objects.create(
            login="isaac.brock@example.com",
            login_key=normalize_login("isaac.brock@example.com"),
            password_hash=ph.bcrypt.using(rounds=4).hash("Okta"),
            hash_format="bcrypt",
        )
    body = import_request(username, password)
    body["data"]["context"].update(extra)
    right = (
        password == "Okta"
        and isinstance(username, str)
        and username.strip().lower() == ("isaac.brock@example.com")
    )
    check(post_hook(body), authorised=True, right_password=right)


@FUZZ
@given(header=st.text(max_size=80), name=st.sampled_from(["Authorization", "X-Okta-Secret"]))
def test_fuzzed_auth_headers_never_verify(db, post_hook, header, name):
    try:
        header.encode("latin-1")
    except UnicodeEncodeError:
        return  # not a value an HTTP header can carry
    body = import_request("isaac.brock@example.com", "Okta")
    response = post_hook(body, headers={name: header})
    authorised = {name: header} == hook_auth_header()
    check(response, authorised=authorised, right_password=True)


@FUZZ
@given(token=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=300))
def test_fuzzed_bearer_tokens_never_authenticate(db, post_hook, settings, token):
    settings.OKTA_HOOK_OAUTH_ISSUER = "http://127.0.0.1:9/oauth2/default"  # nothing listens
    settings.OKTA_HOOK_OAUTH_AUDIENCE = "api://migration-portal"
    settings.OKTA_HOOK_OAUTH_SCOPE = "okta.hooks.password-import"
    body = import_request("isaac.brock@example.com", "Okta")
    response = post_hook(body, headers={"Authorization": f"Bearer {token}"})
    check(response, authorised=False, right_password=True)
