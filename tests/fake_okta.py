"""A local stand-in for an Okta org, following Okta's documented Users, Inline Hooks, Event
Hooks and System Log APIs and their rate-limit headers (never the internet).

An HTTP server on 127.0.0.1 with the management API calls this project makes: users (create
with the hook or an imported hash, get, expire the password), inline and event hooks (create,
list, update, activate, deactivate, execute, verify), and the System Log. It sends rate-limit
headers and 429s, paginates with `Link: rel="next"`, answers Okta's error bodies (E0000001,
E0000007, E0000047), performs the event hook verification handshake against the portal, and
plays sign-ins: a user on the password hook is checked through the portal's inline hook,
and a VERIFIED answer produces a `user.import.password` event in the System Log and, when an
event hook is active and verified, delivered to it.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class FakeOkta:
    """The org's state, and a server answering for it."""

    def __init__(
        self, *, token: str = "fake-ssws-token", rate_limit: int = 1000, window: float = 1.0
    ):
        self.token = token
        self.rate_limit, self.window = rate_limit, window
        #: What time it is for the rate-limit windows (a test may share a fake clock with
        #: the client under test, so nobody sleeps for real).
        self.clock: Callable[[], float] = time.time
        self.users: dict[str, dict] = {}  # id -> user
        self.passwords: dict[str, str] = {}  # id -> password Okta holds (after import)
        self.inline_hooks: dict[str, dict] = {}
        self.event_hooks: dict[str, dict] = {}
        self.log: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.fail_next: list[int] = []  # statuses to answer instead of the next calls
        self.next_link: str | None = None  # a System Log next link to send instead (tests)
        self._windows: dict[str, tuple[float, int]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body=None, headers=None):
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                status, payload, headers = fake.dispatch(method, self.path, self.headers, body)
                self._send(status, payload, headers)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def do_PUT(self):
                self._handle("PUT")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- plumbing ---------------------------------------------------------------------------

    @staticmethod
    def error(status, code, summary, causes=()):
        return (
            status,
            {
                "errorCode": code,
                "errorSummary": summary,
                "errorLink": code,
                "errorId": "oae" + uuid.uuid4().hex[:20],
                "errorCauses": [{"errorSummary": c} for c in causes],
            },
            {},
        )

    def _rate(self, bucket: str) -> tuple[bool, dict]:
        with self._lock:
            now = self.clock()
            start, used = self._windows.get(bucket, (now, 0))
            if now - start >= self.window:
                start, used = now, 0
            used += 1
            self._windows[bucket] = (start, used)
            reset = int(start + self.window) + 1
            headers = {
                "X-Rate-Limit-Limit": str(self.rate_limit),
                "X-Rate-Limit-Remaining": str(max(self.rate_limit - used, 0)),
                "X-Rate-Limit-Reset": str(reset),
            }
            return used <= self.rate_limit, headers

    def dispatch(self, method, target, headers, body):
        parts = urlsplit(target)
        path, query = unquote(parts.path), parse_qs(parts.query)
        self.requests.append((method, target))
        if headers.get("Authorization") != f"SSWS {self.token}":
            return self.error(401, "E0000011", "Invalid token provided")
        if self.fail_next:
            return self.fail_next.pop(0), {"errorCode": "E0000009", "errorSummary": "Internal"}, {}
        bucket = re.sub(r"/[0-9a-zA-Z@._-]{6,}(/|$)", r"/{id}\1", path) + method
        allowed, limits = self._rate(bucket)
        if not allowed:
            status, payload, _ = self.error(
                429, "E0000047", "API call exceeded rate limit due to too many requests."
            )
            return status, payload, limits
        for pattern, verb, handler in self.routes:
            match = re.fullmatch(pattern, path)
            if match and verb == method:
                status, payload, extra = handler(self, body, query, *match.groups())
                return status, payload, {**limits, **extra}
        return self.error(404, "E0000022", f"The endpoint does not support {method} {path}")

    # --- users ------------------------------------------------------------------------------

    def _find_user(self, key):
        if key in self.users:
            return self.users[key]
        for user in self.users.values():
            if user["profile"]["login"].lower() == key.lower():
                return user
        return None

    def create_user(self, body, query):
        profile = (body or {}).get("profile") or {}
        login = profile.get("login")
        if not login:
            return self.error(400, "E0000001", "Api validation failed: login", ["login: required"])
        if self._find_user(login):
            return self.error(
                400,
                "E0000001",
                "Api validation failed: login",
                ["login: An object with this field already exists in the current organization"],
            )
        password = ((body.get("credentials") or {}).get("password")) or {}
        if "hook" in password:
            if password["hook"] != {"type": "default"}:
                return self.error(400, "E0000001", "Api validation failed: password hook")
            provider = "IMPORT"
        elif "hash" in password:
            algorithm = password["hash"].get("algorithm")
            if algorithm not in ("BCRYPT", "SHA-512", "SHA-256", "SHA-1", "MD5", "PBKDF2"):
                return self.error(400, "E0000001", "Api validation failed: hash algorithm")
            provider = "OKTA"
        else:
            provider = "OKTA"
        user_id = f"00u{next(self._ids):017d}"
        activate = query.get("activate", ["true"])[0] == "true"
        user = {
            "id": user_id,
            "status": "ACTIVE" if activate else "STAGED",
            "profile": profile,
            "credentials": {"provider": {"type": provider, "name": provider}},
            "_hash": password.get("hash"),
        }
        self.users[user_id] = user
        return 200, self.public(user), {}

    @staticmethod
    def public(user):
        return {k: v for k, v in user.items() if not k.startswith("_")}

    def get_user(self, body, query, key):
        user = self._find_user(key)
        if user is None:
            return self.error(404, "E0000007", f"Not found: Resource not found: {key} (User)")
        return 200, self.public(user), {}

    def expire_password(self, body, query, user_id):
        user = self.users.get(user_id)
        if user is None:
            return self.error(404, "E0000007", "Not found: Resource not found (User)")
        user["status"] = "PASSWORD_EXPIRED"
        return 200, self.public(user), {}

    # --- hooks ------------------------------------------------------------------------------

    def create_inline_hook(self, body, query):
        hook_id = f"cal{next(self._ids):017d}"
        hook = {**body, "id": hook_id, "status": "INACTIVE"}
        self.inline_hooks[hook_id] = hook
        return 200, hook, {}

    def list_inline_hooks(self, body, query):
        wanted = query.get("type", [None])[0]
        hooks = [h for h in self.inline_hooks.values() if wanted in (None, h.get("type"))]
        return 200, hooks, {}

    def update_inline_hook(self, body, query, hook_id):
        if hook_id not in self.inline_hooks:
            return self.error(404, "E0000007", "Not found: Resource not found (InlineHook)")
        self.inline_hooks[hook_id] = {**self.inline_hooks[hook_id], **body, "id": hook_id}
        return 200, self.inline_hooks[hook_id], {}

    def inline_hook_lifecycle(self, body, query, hook_id, action):
        hook = self.inline_hooks.get(hook_id)
        if hook is None:
            return self.error(404, "E0000007", "Not found: Resource not found (InlineHook)")
        hook["status"] = "ACTIVE" if action == "activate" else "INACTIVE"
        return 200, hook, {}

    def execute_inline_hook(self, body, query, hook_id):
        hook = self.inline_hooks.get(hook_id)
        if hook is None:
            return self.error(404, "E0000007", "Not found: Resource not found (InlineHook)")
        status, answer = self._call_hook(hook, body)
        if status != 200:
            return self.error(400, "E0000001", f"The hook answered {status}")
        return 200, answer, {}

    def _call_hook(self, hook, payload):
        config = hook["channel"]["config"]
        scheme = config.get("authScheme") or {}
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if scheme.get("key"):
            headers[scheme["key"]] = scheme["value"]
        request = urllib.request.Request(
            config["uri"], data=json.dumps(payload).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=3) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            return exc.code, None

    def create_event_hook(self, body, query):
        hook_id = f"who{next(self._ids):017d}"
        hook = {**body, "id": hook_id, "status": "ACTIVE", "verificationStatus": "UNVERIFIED"}
        self.event_hooks[hook_id] = hook
        return 200, hook, {}

    def list_event_hooks(self, body, query):
        return 200, list(self.event_hooks.values()), {}

    def update_event_hook(self, body, query, hook_id):
        if hook_id not in self.event_hooks:
            return self.error(404, "E0000007", "Not found: Resource not found (EventHook)")
        hook = {**self.event_hooks[hook_id], **body, "id": hook_id}
        hook["verificationStatus"] = "UNVERIFIED"
        self.event_hooks[hook_id] = hook
        return 200, hook, {}

    def verify_event_hook(self, body, query, hook_id):
        hook = self.event_hooks.get(hook_id)
        if hook is None:
            return self.error(404, "E0000007", "Not found: Resource not found (EventHook)")
        config = hook["channel"]["config"]
        challenge = uuid.uuid4().hex
        headers = {"x-okta-verification-challenge": challenge}
        scheme = config.get("authScheme") or {}
        if scheme.get("key"):
            headers[scheme["key"]] = scheme["value"]
        request = urllib.request.Request(config["uri"], headers=headers, method="GET")
        try:
            with urllib.request.urlopen(request, timeout=3) as response:
                answer = json.loads(response.read())
        except (OSError, ValueError):
            answer = None
        if answer != {"verification": challenge}:
            return self.error(
                400, "E0000001", "Api validation failed: verify", ["verification failed"]
            )
        hook["verificationStatus"] = "VERIFIED"
        return 200, hook, {}

    # --- System Log -------------------------------------------------------------------------

    def get_logs(self, body, query):
        since = query.get("since", [""])[0]
        after = int(query.get("after", ["0"])[0])
        limit = int(query.get("limit", ["100"])[0])
        wanted = re.search(r'eventType eq "([^"]+)"', query.get("filter", [""])[0])
        one = re.search(r'uuid eq "([^"]+)"', query.get("filter", [""])[0])
        events = [
            e
            for e in self.log
            if (not wanted or e["eventType"] == wanted.group(1))
            and (not one or e["uuid"] == one.group(1))
            and e["published"] > since
        ]
        page = events[after : after + limit]
        headers = {}
        if after + limit < len(events):
            query_next = f"after={after + limit}&limit={limit}"
            if since:
                query_next += f"&since={since}"
            if wanted:
                query_next += f"&filter=eventType%20eq%20%22{wanted.group(1)}%22"
            headers["Link"] = f'<{self.url}/api/v1/logs?{query_next}>; rel="next"'
        if self.next_link:
            headers["Link"] = f'<{self.next_link}>; rel="next"'
        return 200, page, headers

    # --- playing Okta -----------------------------------------------------------------------

    def sign_in(self, login: str, password: str) -> bool:
        """A sign-in: Okta's own password, or the portal's inline hook for IMPORT users."""
        user = self._find_user(login)
        if user is None:
            return False
        if user["credentials"]["provider"]["type"] != "IMPORT":
            return self.passwords.get(user["id"]) == password
        hook = next(
            (
                h
                for h in self.inline_hooks.values()
                if h["status"] == "ACTIVE"
                and h["type"] == "com.okta.user.credential.password.import"
            ),
            None,
        )
        if hook is None:
            return False
        payload = {
            "eventId": uuid.uuid4().hex[:22],
            "eventTime": _now_iso(),
            "eventType": "com.okta.user.credential.password.import",
            "eventTypeVersion": "1.0",
            "contentType": "application/json",
            "cloudEventVersion": "0.1",
            "source": f"{self.url}/api/v1/inlineHooks/{hook['id']}",
            "data": {
                "context": {
                    "request": {
                        "id": uuid.uuid4().hex,
                        "method": "POST",
                        "url": {"value": "/api/v1/authn"},
                        "ipAddress": "198.51.100.23",
                    },
                    "credential": {"username": login, "password": password},
                },
                "action": {"credential": "UNVERIFIED"},
            },
        }
        status, answer = self._call_hook(hook, payload)
        verified = status == 200 and answer["commands"][0]["value"]["credential"] == "VERIFIED"
        if verified:
            user["credentials"]["provider"] = {"type": "OKTA", "name": "OKTA"}
            self.passwords[user["id"]] = password
            self.emit_import_event(user, "SUCCESS")
        return verified

    def emit_import_event(self, user: dict, result: str) -> dict:
        target = {
            "id": user["id"],
            "type": "User",
            "alternateId": user["profile"]["login"],
            "displayName": user["profile"].get("firstName", ""),
        }
        event = {
            "uuid": str(uuid.uuid4()),
            "published": _now_iso(),
            "eventType": "user.import.password",
            "version": "0",
            "displayMessage": "Fired after successful credential import",
            "severity": "INFO",
            "actor": target,
            "outcome": {"result": result, "reason": None},
            "target": [target],
        }
        self.log.append(event)
        for hook in self.event_hooks.values():
            if hook["status"] == "ACTIVE" and hook["verificationStatus"] == "VERIFIED":
                self.deliver(hook, [event])
        return event

    def deliver(self, hook: dict, events: list[dict]) -> int:
        body = {
            "eventType": "com.okta.event_hook",
            "eventTypeVersion": "1.0",
            "cloudEventsVersion": "0.1",
            "source": f"{self.url}/api/v1/eventHooks/{hook['id']}",
            "eventId": str(uuid.uuid4()),
            "eventTime": _now_iso(),
            "contentType": "application/json",
            "data": {"events": events},
        }
        status, _ = self._call_hook(hook, body)
        return status


FakeOkta.routes = [
    (r"/api/v1/users", "POST", FakeOkta.create_user),
    (r"/api/v1/users/([^/]+)", "GET", FakeOkta.get_user),
    (r"/api/v1/users/([^/]+)/lifecycle/expire_password", "POST", FakeOkta.expire_password),
    (r"/api/v1/inlineHooks", "POST", FakeOkta.create_inline_hook),
    (r"/api/v1/inlineHooks", "GET", FakeOkta.list_inline_hooks),
    (r"/api/v1/inlineHooks/([^/]+)", "PUT", FakeOkta.update_inline_hook),
    (
        r"/api/v1/inlineHooks/([^/]+)/lifecycle/(activate|deactivate)",
        "POST",
        FakeOkta.inline_hook_lifecycle,
    ),
    (r"/api/v1/inlineHooks/([^/]+)/execute", "POST", FakeOkta.execute_inline_hook),
    (r"/api/v1/eventHooks", "POST", FakeOkta.create_event_hook),
    (r"/api/v1/eventHooks", "GET", FakeOkta.list_event_hooks),
    (r"/api/v1/eventHooks/([^/]+)", "PUT", FakeOkta.update_event_hook),
    (r"/api/v1/eventHooks/([^/]+)/lifecycle/verify", "POST", FakeOkta.verify_event_hook),
    (r"/api/v1/logs", "GET", FakeOkta.get_logs),
]
