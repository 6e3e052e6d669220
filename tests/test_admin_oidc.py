"""Operators sign in through a real OpenID Provider (the npm package oidc-provider, OpenID
Certified, started here on loopback), in Chromium: their role comes from the provider's
groups, nobody else gets in, a tampered ID token is refused, sign-out ends both sessions,
and what they do is recorded under their identity."""

import base64
import copy
import importlib
import json
import os
import shutil
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from django.urls import clear_url_caches
from django.utils import timezone

import migration_portal.urls
from legacy_users.models import AdminAction, LegacyUser, OperatorIdentity
from migration_portal import oidc_discovery
from tests.browser_support import require_chromium, shot
from tests.live_portal import answers

require_chromium()
pytestmark = pytest.mark.django_db(transaction=True)

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID, CLIENT_SECRET = "migration-portal", "a-client-secret-for-the-tests-only"
PEOPLE = {
    "viola": {"email": "viola@example.com", "groups": ["Everyone", "portal-viewers"]},
    "otto": {"email": "otto@example.com", "groups": ["portal-operators"]},
    "nora": {"email": "nora@example.com", "groups": ["Everyone"]},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def node_modules():
    if not (HERE / "node_modules" / "oidc-provider").exists():
        if not shutil.which("npm"):
            pytest.fail("npm is needed to install the test OpenID Provider (tests/oidc)")
        npm = shutil.which("npm") or "npm"
        subprocess.run([npm, "ci", "--silent"], cwd=HERE, check=True, timeout=300)
    return HERE / "node_modules"


@pytest.fixture
def provider(node_modules, live_server, tmp_path, settings):
    """The provider running, and the portal configured to sign operators in through it."""
    people = tmp_path / "people.json"
    people.write_text(json.dumps(PEOPLE))
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "OP_PORT": str(port),
        "OP_CLIENT_ID": CLIENT_ID,
        "OP_CLIENT_SECRET": CLIENT_SECRET,
        "OP_REDIRECT_URI": f"{live_server.url}/admin/oidc/callback/",
        "OP_POST_LOGOUT_URI": f"{live_server.url}/admin/login/",
        "OP_PEOPLE_FILE": str(people),
    }
    process = subprocess.Popen(
        [shutil.which("node") or "node", str(HERE / "provider.mjs")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        if not answers(f"{issuer}/.well-known/openid-configuration"):
            pytest.fail("the test OpenID Provider did not start")
        _configure(settings, issuer)
        yield {"issuer": issuer, "people": people}
    finally:
        process.terminate()
        process.wait(timeout=10)
        _configure(settings, "")


def _configure(settings, issuer: str) -> None:
    """The settings migration_portal/settings.py makes from ADMIN_OIDC_* (empty: off)."""
    oidc_discovery.discovery.cache_clear()
    settings.ADMIN_OIDC_ISSUER = issuer
    settings.ADMIN_OIDC_CLIENT_ID = CLIENT_ID if issuer else ""
    settings.ADMIN_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.ADMIN_OIDC_VIEWER_GROUPS = ["portal-viewers"]
    settings.ADMIN_OIDC_OPERATOR_GROUPS = ["portal-operators"]
    settings.ADMIN_OIDC_SUPERUSER_GROUPS = ["portal-admins"]
    settings.ADMIN_PASSWORD_LOGIN = not issuer
    backends = ["axes.backends.AxesStandaloneBackend"]
    backends.append(
        "migration_portal.oidc.OperatorBackend"
        if issuer
        else "django.contrib.auth.backends.ModelBackend"
    )
    settings.AUTHENTICATION_BACKENDS = backends
    if issuer:
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_RP_SCOPES = "openid email profile groups"
        settings.OIDC_RP_SIGN_ALGO = "RS256"
        for name, key in (
            ("OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
            ("OIDC_OP_TOKEN_ENDPOINT", "token_endpoint"),
            ("OIDC_OP_USER_ENDPOINT", "userinfo_endpoint"),
            ("OIDC_OP_JWKS_ENDPOINT", "jwks_uri"),
        ):
            setattr(settings, name, oidc_discovery.lazy_endpoint(key))
        settings.OIDC_USE_PKCE = True
        settings.OIDC_STORE_ID_TOKEN = True
        settings.OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
        settings.LOGIN_REDIRECT_URL = "admin:index"
        settings.LOGIN_REDIRECT_URL_FAILURE = "/admin/oidc/refused/"
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"] = ["'self'", issuer]
        settings.CONTENT_SECURITY_POLICY = policy
    importlib.reload(migration_portal.urls)
    clear_url_caches()


def sign_in(page, live_server, login: str, *, expect: str = "#dashboard") -> None:
    """Through the portal's "Sign in with Okta", the provider's own sign-in and consent."""
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("#id_password").count() == 0  # no password form
    page.click("#oidc-sign-in")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password: the provider's dev sign-in")
    page.click("button[type=submit]")
    if page.locator("button[type=submit]").count() and "/interaction/" in page.url:
        page.click("button[type=submit]")  # consent
    page.wait_for_selector(expect)


def test_a_viewer_reads_and_an_operator_acts_each_under_their_identity(
    page, provider, live_server, make_user
):
    locked = make_user(login="locked.out@example.com", password="x")
    LegacyUser.objects.filter(pk=locked.pk).update(
        locked_until=timezone.now() + timezone.timedelta(minutes=15)
    )

    sign_in(page, live_server, "viola")
    page.goto(f"{live_server.url}/admin/legacy_users/legacyuser/?locked=yes")
    assert "locked.out@example.com" in page.locator("#result_list").inner_text()
    assert page.locator("select[name=action]").count() == 0  # a Viewer reads only
    identity = OperatorIdentity.objects.get(subject="viola")
    assert identity.issuer == provider["issuer"] and identity.email == "viola@example.com"
    assert list(identity.user.groups.values_list("name", flat=True)) == ["Viewer"]
    assert not identity.user.has_usable_password()
    shot(page, "oidc-viewer")

    page.context.clear_cookies()
    sign_in(page, live_server, "otto")
    page.goto(f"{live_server.url}/admin/legacy_users/legacyuser/?locked=yes")
    page.check("#result_list tbody input.action-select")
    page.select_option("select[name=action]", "unlock_users")
    with page.expect_navigation():
        page.click("button[name=index]")

    assert "Unlocked locked.out@example.com." in page.locator(".messagelist").inner_text()
    action = AdminAction.objects.get(action="unlock")
    assert (action.subject, action.email, action.count) == ("otto", "otto@example.com", 1)


def test_no_group_no_access_and_a_role_taken_away_is_gone_at_the_next_sign_in(
    page, provider, live_server
):
    sign_in(page, live_server, "nora", expect=".oidc-refused")
    assert "in none of the groups" in page.inner_text(".oidc-refused")
    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url  # not signed in

    page.context.clear_cookies()
    sign_in(page, live_server, "viola")
    people = {**PEOPLE, "viola": {"email": "viola@example.com", "groups": ["Everyone"]}}
    provider["people"].write_text(json.dumps(people))  # removed from the group in Okta
    page.context.clear_cookies()
    sign_in(page, live_server, "viola", expect=".oidc-refused")
    user = OperatorIdentity.objects.get(subject="viola").user
    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url
    assert user.groups.count() == 1  # kept until the refused sign-in; never used again


def test_the_password_form_is_off_with_oidc(client, provider):
    from django.contrib.auth.models import User

    User.objects.create_superuser("break-glass", "bg@example.com", "a-long-password-123")

    page = client.get("/admin/login/").content.decode()
    posted = client.post(
        "/admin/login/", {"username": "break-glass", "password": "a-long-password-123"}
    )

    assert "Sign in with Okta" in page and 'name="password"' not in page
    assert posted.status_code == 403


class _Tampering(BaseHTTPRequestHandler):
    """A token endpoint in front of the provider's that changes one claim of the ID token
    it passes on (its signature no longer matches)."""

    upstream = ""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = httpx.post(
            self.upstream, content=body, headers={"Content-Type": self.headers["Content-Type"]}
        ).json()
        head, payload, signature = answer["id_token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["groups"] = ["portal-admins"]
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        answer["id_token"] = f"{head}.{forged}.{signature}"
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_a_tampered_id_token_is_refused(page, provider, live_server, settings):
    _Tampering.upstream = oidc_discovery.endpoint("token_endpoint")
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), _Tampering)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{proxy.server_port}/token"
    try:
        sign_in(page, live_server, "nora", expect=".oidc-refused")
    finally:
        proxy.shutdown()

    assert "could not be verified" in page.inner_text(".oidc-refused")
    assert not OperatorIdentity.objects.exists()


def test_sign_out_ends_the_portal_s_session_and_the_provider_s(page, provider, live_server):
    sign_in(page, live_server, "viola")

    page.click("#logout-form button")
    page.wait_for_url(f"{provider['issuer']}/session/end**")
    page.click("button[autofocus], button[type=submit]")  # the provider asks to confirm
    page.wait_for_url(f"{live_server.url}/admin/login/**")

    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url
    page.click("#oidc-sign-in")
    page.wait_for_selector("input[name=login]")  # the provider asks again: its session ended
