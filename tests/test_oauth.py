"""OAuth 2.0 bearer tokens on the hook, against a local JWKS server (no network)."""

import base64
import functools
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from hooks.oauth import jwks
from tests.conftest import import_request, verdict

pytestmark = pytest.mark.django_db


@functools.cache
def _key(name="signing"):
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwk(private, kid):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


class AuthorizationServer:
    """Serves a discovery document and a JWKS on 127.0.0.1, counting JWKS fetches."""

    def __init__(self):
        self.keys = []
        self.jwks_body = None  # a whole JWKS document to serve instead (tests)
        self.jwks_fetches = 0
        self.jwks_delay = 0.0  # seconds the JWKS takes to answer
        self.redirect_to = None  # answer every request with a redirect there
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if server.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", server.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path == "/oauth2/default/v1/keys" and server.jwks_delay:
                    time.sleep(server.jwks_delay)
                if self.path == "/oauth2/default/.well-known/oauth-authorization-server":
                    body = {"issuer": server.issuer, "jwks_uri": server.issuer + "/v1/keys"}
                elif self.path == "/oauth2/default/v1/keys":
                    server.jwks_fetches += 1
                    body = server.jwks_body or {"keys": server.keys}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.httpd.server_port}/oauth2/default"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def auth_server(settings):
    server = AuthorizationServer()
    signing = _key()
    server.keys = [_jwk(signing, "key-1")]
    settings.OKTA_HOOK_OAUTH_ISSUER = server.issuer
    settings.OKTA_HOOK_OAUTH_AUDIENCE = "api://migration-portal"
    settings.OKTA_HOOK_OAUTH_SCOPE = "okta.hooks.password-import"
    settings.OKTA_HOOK_OAUTH_JWKS_URL = ""
    settings.OKTA_HOOK_OAUTH_CLIENT_IDS = []
    jwks.clear()
    server.signing = signing
    yield server
    jwks.clear()
    server.close()


def token(server, *, key=None, kid="key-1", alg="RS256", **overrides):
    now = int(time.time())
    claims = {
        "iss": server.issuer,
        "aud": "api://migration-portal",
        "iat": now,
        "exp": now + 300,
        "scp": ["okta.hooks.password-import"],
        "cid": "0oa-okta-hooks",
        **overrides,
    }
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key or server.signing, algorithm=alg, headers={"kid": kid})


def call(post_hook, bearer):
    return post_hook(
        import_request("isaac.brock@example.com", "Okta"),
        headers={"Authorization": f"Bearer {bearer}"},
    )


def test_valid_token_is_accepted_through_discovery(auth_server, make_user, post_hook):
    make_user(password="Okta")

    assert verdict(call(post_hook, token(auth_server))) == "VERIFIED"
    assert verdict(call(post_hook, token(auth_server))) == "VERIFIED"
    assert auth_server.jwks_fetches == 1  # cached


def test_scope_as_a_space_separated_string_is_accepted(auth_server, make_user, post_hook):
    make_user(password="Okta")

    bearer = token(auth_server, scp="openid okta.hooks.password-import")

    assert verdict(call(post_hook, bearer)) == "VERIFIED"


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": int(time.time()) - 120},
        {"nbf": int(time.time()) + 600},
        {"aud": "api://something-else"},
        {"iss": "https://evil.example.com/oauth2/default"},
        {"scp": ["okta.users.read"]},
        {"scp": None},
        {"exp": None},
    ],
    ids=[
        "expired",
        "not-yet-valid",
        "wrong-audience",
        "wrong-issuer",
        "wrong-scope",
        "no-scope",
        "no-expiry",
    ],
)
def test_tokens_failing_a_claim_are_401(auth_server, make_user, post_hook, overrides):
    make_user(password="Okta")

    response = call(post_hook, token(auth_server, **overrides))

    assert response.status_code == 401


def test_small_clock_skew_is_tolerated(auth_server, make_user, post_hook):
    make_user(password="Okta")

    bearer = token(auth_server, exp=int(time.time()) - 30)

    assert verdict(call(post_hook, bearer)) == "VERIFIED"


def test_alg_none_and_hmac_tokens_are_refused(auth_server, make_user, post_hook):
    make_user(password="Okta")
    public_pem = auth_server.signing.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = base64.urlsafe_b64encode(b'{"alg":"none","kid":"key-1"}').rstrip(b"=").decode()
    body = (
        base64.urlsafe_b64encode(
            json.dumps(jwt.decode(token(auth_server), options={"verify_signature": False})).encode()
        )
        .rstrip(b"=")
        .decode()
    )
    unsigned = f"{header}.{body}."
    # The classic confusion attack: HS256 with the RSA public key as the shared secret.
    # (PyJWT refuses to make such a token, so it is built by hand.)
    hs_header = (
        base64.urlsafe_b64encode(b'{"alg":"HS256","kid":"key-1","typ":"JWT"}').rstrip(b"=").decode()
    )
    signature = hmac.new(public_pem, f"{hs_header}.{body}".encode(), hashlib.sha256).digest()
    forged_hmac = f"{hs_header}.{body}." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()

    assert call(post_hook, unsigned).status_code == 401
    assert call(post_hook, forged_hmac).status_code == 401


def test_token_signed_by_a_key_not_in_the_jwks_is_refused(auth_server, make_user, post_hook):
    make_user(password="Okta")
    stranger = _key("stranger")

    assert call(post_hook, token(auth_server, key=stranger)).status_code == 401
    assert call(post_hook, token(auth_server, key=stranger, kid="key-2")).status_code == 401


def test_unknown_kid_refetches_at_most_once_a_minute(auth_server, make_user, post_hook):
    make_user(password="Okta")
    assert verdict(call(post_hook, token(auth_server))) == "VERIFIED"
    rotated = _key("rotated")

    for _ in range(5):  # a flood of unknown kids
        assert call(post_hook, token(auth_server, key=rotated, kid="key-9")).status_code == 401
    assert auth_server.jwks_fetches == 1  # the minute since the first fetch has not passed

    auth_server.keys.append(_jwk(rotated, "key-9"))
    jwks._fetched_at -= 61  # a minute later Okta's rotated key is picked up
    assert verdict(call(post_hook, token(auth_server, key=rotated, kid="key-9"))) == "VERIFIED"
    assert auth_server.jwks_fetches == 2


def test_client_id_allow_list(auth_server, make_user, post_hook, settings):
    make_user(password="Okta")
    settings.OKTA_HOOK_OAUTH_CLIENT_IDS = ["0oa-okta-hooks"]

    assert verdict(call(post_hook, token(auth_server))) == "VERIFIED"
    assert call(post_hook, token(auth_server, cid="0oa-someone-else")).status_code == 401


def test_explicit_jwks_url_and_header_secret_side_by_side(
    auth_server, make_user, post_hook, settings, auth_headers
):
    make_user(password="Okta")
    settings.OKTA_HOOK_OAUTH_JWKS_URL = auth_server.issuer + "/v1/keys"

    assert verdict(call(post_hook, token(auth_server))) == "VERIFIED"
    secret = post_hook(import_request("isaac.brock@example.com", "Okta"), headers=auth_headers)
    assert verdict(secret) == "VERIFIED"


@pytest.mark.parametrize("garbage", ["", "x", "a.b.c", "Bearer", "eyJhbGciOi.J9.x"])
def test_garbage_bearer_tokens_are_401(auth_server, make_user, post_hook, garbage):
    make_user(password="Okta")

    assert call(post_hook, garbage).status_code == 401


@pytest.mark.parametrize(
    "url",
    [
        "http://issuer.example.com/.well-known/openid-configuration",
        "http://127.0.0.1.attacker.example/keys",
        "http://localhost.attacker.example/keys",
    ],
)
def test_keys_are_never_fetched_over_plain_http_from_another_machine(url):
    from hooks.oauth import JwksError, _get_json

    with pytest.raises(JwksError, match="must be https"):
        _get_json(url)


@pytest.mark.parametrize("broken", ["unreachable", "not a key set", "keys not a list"])
def test_a_jwks_that_cannot_be_had_is_a_fast_503_not_a_500_or_401(
    auth_server, make_user, post_hook, broken, caplog
):
    make_user(password="Okta")
    good = token(auth_server)
    if broken == "unreachable":
        auth_server.close()
    else:
        auth_server.jwks_body = {"keys": "x"} if broken == "keys not a list" else ["x"]

    started = time.monotonic()
    response = call(post_hook, good)

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert time.monotonic() - started < 2.5
    assert "hook OAuth:" in caplog.text


def test_a_redirect_to_plain_http_is_never_followed(auth_server, make_user, post_hook):
    from hooks.oauth import JwksError, _get_json

    auth_server.redirect_to = "http://issuer.example.com/keys"

    with pytest.raises(JwksError, match="redirects included"):
        _get_json(auth_server.issuer + "/v1/keys")


def test_a_slow_fetch_for_a_new_kid_never_holds_up_tokens_with_known_keys(
    auth_server, make_user, post_hook
):
    make_user(password="Okta")
    assert call(post_hook, token(auth_server)).status_code == 200  # key-1 cached
    rogue = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    auth_server.jwks_delay = 0.8
    jwks._fetched_at = float("-inf")  # as if the last fetch were long ago
    from hooks.oauth import validate_bearer

    unknown = threading.Thread(
        target=validate_bearer, args=(token(auth_server, key=rogue, kid="new"),)
    )
    unknown.start()
    time.sleep(0.1)  # the fetch for "new" is under way
    started = time.monotonic()
    claims = validate_bearer(token(auth_server))
    elapsed = time.monotonic() - started
    unknown.join()

    assert claims is not None
    assert elapsed < 0.3  # served from the cached keys, not after the fetch
    assert auth_server.jwks_fetches == 2
