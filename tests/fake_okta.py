"""A local stand-in for an Okta org that answers as Okta's Management API description
(`management-minimal.yaml`) and documentation say, inconvenient parts included; never the
internet.

An HTTP server on 127.0.0.1 with the calls this project makes: users (create with the hook
or an imported hash, get, `me`, expire the password), the default user schema, inline and
event hooks (create, list, replace, activate, deactivate, execute, verify), and the System
Log. What it does as Okta does:

- users come back in Okta's `User` shape: ISO 8601 times, `credentials.password` empty,
  provider `IMPORT` for hook users *and* hash-imported users until their first sign-in;
- a profile the org's schema refuses is answered 400 `E0000001` with one `errorCauses`
  entry per attribute; a login taken (case-insensitively) likewise;
- hooks come back without their secret (`authScheme.value` is write-only), with the auth
  type and header name in lower case;
- the System Log paginates by an opaque `after`; a request without `until` is a *polling*
  request and every page carries a next link, an empty one included;
- rate-limit headers on every answer, 429 `E0000047` over the limit.

It plays sign-ins too: a user on the password hook is checked through the portal's inline
hook, and a VERIFIED answer produces a `user.import.password` event in the System Log and,
when an event hook is active and verified, delivered to it. A hash-imported user is checked
against the imported hash, as Okta does.

Every request is kept (`calls`), with its body, so that tests can hold each one to Okta's
description (`tests/okta_contract.py`).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import bcrypt


def _iso(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


#: The base attributes of Okta's default user profile, with the caps its `UserProfile`
#: schema gives them; login, names and email as an org nobody has customised has them.
BASE_ATTRIBUTES: dict[str, dict[str, Any]] = {
    "login": {"title": "Username", "required": True, "minLength": 5, "maxLength": 100},
    "firstName": {"title": "First name", "required": True, "minLength": 1, "maxLength": 50},
    "lastName": {"title": "Last name", "required": True, "minLength": 1, "maxLength": 50},
    "email": {"title": "Primary email", "required": True, "format": "email"},
    "middleName": {},
    "honorificPrefix": {},
    "honorificSuffix": {},
    "title": {},
    "displayName": {},
    "nickName": {},
    "profileUrl": {},
    "secondEmail": {"format": "email", "maxLength": 100},
    "mobilePhone": {"maxLength": 100},
    "primaryPhone": {"maxLength": 100},
    "streetAddress": {"maxLength": 1024},
    "city": {"maxLength": 128},
    "state": {"maxLength": 128},
    "zipCode": {"maxLength": 50},
    "countryCode": {"maxLength": 2},
    "postalAddress": {"maxLength": 4096},
    "preferredLanguage": {},
    "locale": {},
    "timezone": {},
    "userType": {},
    "employeeNumber": {},
    "costCenter": {},
    "organization": {},
    "division": {},
    "department": {},
    "managerId": {},
    "manager": {},
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_FILTER_TERM = re.compile(r'^\s*([A-Za-z.]+) eq "([^"]*)"\s*$')
LOG_FIELDS = {
    "eventType": lambda e: e["eventType"],
    "uuid": lambda e: e["uuid"],
    "target.id": lambda e: [t["id"] for t in e["target"]],
    "actor.id": lambda e: e["actor"]["id"],
    "outcome.result": lambda e: e["outcome"]["result"],
}


def default_user_schema() -> dict[str, Any]:
    """`GET /api/v1/meta/schemas/user/default` of an org nobody has customised."""
    properties = {}
    for name, rules in BASE_ATTRIBUTES.items():
        attribute = {"title": rules.get("title", name), "type": "string", **rules}
        attribute.setdefault("required", False)
        attribute["permissions"] = [{"principal": "SELF", "action": "READ_WRITE"}]
        attribute["mutability"] = "READ_WRITE"
        attribute["scope"] = "NONE"
        attribute["master"] = {"type": "PROFILE_MASTER"}
        properties[name] = attribute
    return {
        "id": "https://example.okta.com/meta/schemas/user/default",
        "$schema": "http://json-schema.org/draft-04/schema#",
        "name": "user",
        "title": "Default Okta user",
        "lastUpdated": "2025-05-20T20:04:26.000Z",
        "created": "2025-05-20T20:04:26.000Z",
        "definitions": {
            "base": {
                "id": "#base",
                "type": "object",
                "properties": properties,
                "required": [n for n, r in BASE_ATTRIBUTES.items() if r.get("required")],
            },
            "custom": {"id": "#custom", "type": "object", "properties": {}, "required": []},
        },
        "type": "object",
        "properties": {
            "profile": {"allOf": [{"$ref": "#/definitions/custom"}, {"$ref": "#/definitions/base"}]}
        },
    }


def okta_accepts_hash(credential: dict, password: str) -> bool:
    """Whether Okta, given this imported hash, accepts `password`: how the Users API's
    hashed password object uses each algorithm's salt, value and parameters."""
    secret = password.encode()
    if credential["algorithm"] == "BCRYPT":
        stored = f"$2b${credential['workFactor']:02d}${credential['salt']}{credential['value']}"
        return bcrypt.checkpw(secret[:72], stored.encode())  # bcrypt reads 72 bytes at most
    salt, value = base64.b64decode(credential["salt"]), base64.b64decode(credential["value"])
    if credential["algorithm"] == "PBKDF2":
        digest = credential["digestAlgorithm"].split("_")[0].lower()
        key = hashlib.pbkdf2_hmac(
            digest, secret, salt, credential["iterationCount"], credential["keySize"]
        )
        return key == value
    algorithm = credential["algorithm"].replace("-", "").lower()
    message = salt + secret if credential["saltOrder"] == "PREFIX" else secret + salt
    return hashlib.new(algorithm, message).digest() == value


@dataclass
class Call:
    """One request the org received, and what it answered."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int = 0
    answer: Any = None


class FakeOkta:
    """The org's state, and a server answering for it."""

    #: A polling client that never stops would otherwise spin for ever: past this many
    #: System Log requests in one test, the fake answers an error naming the loop.
    MAX_LOG_REQUESTS = 500

    def __init__(
        self, *, token: str = "fake-ssws-token", rate_limit: int = 1000, window: float = 1.0
    ):
        self.token = token
        self.rate_limit, self.window = rate_limit, window
        #: What time it is for the rate-limit windows (a test may share a fake clock with
        #: the client under test, so nobody sleeps for real).
        self.clock: Callable[[], float] = time.time
        self.schema = default_user_schema()
        self.users: dict[str, dict] = {}  # id -> user
        self.passwords: dict[str, str] = {}  # id -> password Okta holds (after import)
        self.inline_hooks: dict[str, dict] = {}
        self.event_hooks: dict[str, dict] = {}
        self.log: list[dict] = []
        self.calls: list[Call] = []
        self.requests: list[tuple[str, str]] = []
        self.fail_next: list[int] = []  # statuses to answer instead of the next calls
        #: Create the user, then answer with this status instead (a lost answer).
        self.lose_create_answers: list[int] = []
        #: Answer the next creates with these statuses, creating nothing.
        self.fail_creates: list[int] = []
        self.next_link: str | None = None  # a System Log next link to send instead (tests)
        #: Past this many System Log requests, answer 500 (Okta failing mid-read).
        self.fail_log_after: int | None = None
        self.admin = {"id": "00uADMIN0000000000001", "login": "api.admin@example.com"}
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

            def do_DELETE(self):
                self._handle("DELETE")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def writes(self) -> list[Call]:
        """The calls that change the org (every POST and PUT but a hook's test call)."""
        return [
            c
            for c in self.calls
            if c.method in ("POST", "PUT", "DELETE") and not c.path.endswith("/execute")
        ]

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
        call = Call(method, path, query, body)
        self.calls.append(call)
        call.status, call.answer, extra = self._answer(call, headers)
        return call.status, call.answer, extra

    def _answer(self, call, headers):
        method, path, query, body = call.method, call.path, call.query, call.body
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

    def _attributes(self) -> dict[str, dict]:
        definitions = self.schema["definitions"]
        return {**definitions["base"]["properties"], **definitions["custom"]["properties"]}

    def profile_causes(self, profile: dict) -> list[str]:
        """Okta's errorCauses for a profile its schema refuses (empty: accepted)."""
        causes = []
        attributes = self._attributes()
        for name in profile:
            if name not in attributes:
                causes.append(f"{name}: Property name '{name}' is not defined in profile")
        for name, rules in attributes.items():
            value = profile.get(name)
            if value in (None, ""):
                if rules.get("required"):
                    causes.append(f"{name}: The field cannot be left blank")
                continue
            if not isinstance(value, str):
                continue
            if name == "login":
                pattern = rules.get("pattern")
                if pattern is None and not _EMAIL.match(value):
                    causes.append("login: Username must be in the form of an email address")
                elif pattern is not None and not re.fullmatch(pattern, value):
                    causes.append("login: Does not match required pattern")
                if pattern == ".+":
                    continue  # the minimum length is not enforced then
            cap = rules.get("maxLength")
            if rules.get("format") == "email":
                cap = min(cap or 100, 100)
                if not _EMAIL.match(value):
                    causes.append(f"{name}: Does not match required pattern")
            if cap is not None and len(value) > cap:
                causes.append(f"{name}: The field cannot exceed {cap} characters")
            if rules.get("minLength") and len(value) < rules["minLength"]:
                causes.append(f"{name}: The field must be at least {rules['minLength']} long")
        return causes

    def create_user(self, body, query):
        if self.fail_creates:
            return self.fail_creates.pop(0), {"errorCode": "E0000009", "errorSummary": "Oops"}, {}
        profile = (body or {}).get("profile") or {}
        login = profile.get("login") or ""
        if login and self._find_user(login):
            return self.error(
                400,
                "E0000001",
                "Api validation failed: login",
                ["login: An object with this field already exists in the current organization"],
            )
        causes = self.profile_causes(profile)
        if causes:
            fields = ", ".join(c.split(":")[0] for c in causes)
            return self.error(400, "E0000001", f"Api validation failed: {fields}", causes)
        password = ((body.get("credentials") or {}).get("password")) or {}
        if "hook" in password:
            if password["hook"] != {"type": "default"}:
                return self.error(400, "E0000001", "Api validation failed: password hook")
        elif "hash" in password:
            algorithm = password["hash"].get("algorithm")
            if algorithm not in ("BCRYPT", "SHA-512", "SHA-256", "SHA-1", "MD5", "PBKDF2"):
                return self.error(400, "E0000001", "Api validation failed: hash algorithm")
        # Hook and hash users alike are IMPORT until their first sign-in (the spec's examples).
        provider = "IMPORT" if ("hook" in password or "hash" in password) else "OKTA"
        user_id = f"00u{next(self._ids):017d}"
        activate = query.get("activate", ["true"])[0] == "true"
        now = _iso()
        user = {
            "id": user_id,
            "status": "ACTIVE" if activate else "STAGED",
            "created": now,
            "activated": now if activate else None,
            "statusChanged": now if activate else None,
            "lastLogin": None,
            "lastUpdated": now,
            "passwordChanged": now if password else None,
            "type": {"id": "oty1a2b3c4d5e6f7g8h9"},
            "profile": profile,
            "credentials": {"password": {}, "provider": {"type": provider, "name": provider}},
            "_links": {"self": {"href": f"{self.url}/api/v1/users/{user_id}"}},
            "_hash": password.get("hash"),
            "_hook": "hook" in password,
        }
        self.users[user_id] = user
        if self.lose_create_answers:
            status = self.lose_create_answers.pop(0)
            return status, {"errorCode": "E0000009", "errorSummary": "Internal Server Error"}, {}
        return 200, self.public(user), {}

    @staticmethod
    def public(user):
        return {k: v for k, v in user.items() if not k.startswith("_")}

    def get_user(self, body, query, key):
        if key == "me":
            now = _iso()
            return (
                200,
                {
                    "id": self.admin["id"],
                    "status": "ACTIVE",
                    "created": now,
                    "lastUpdated": now,
                    "profile": {
                        "login": self.admin["login"],
                        "email": self.admin["login"],
                        "firstName": "API",
                        "lastName": "Admin",
                    },
                    "credentials": {"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}},
                },
                {},
            )
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

    def get_user_schema(self, body, query, schema_id):
        if schema_id != "default":
            return self.error(404, "E0000007", f"Not found: Resource not found: {schema_id}")
        return 200, self.schema, {}

    # --- hooks ------------------------------------------------------------------------------

    def _hook_answer(self, hook: dict) -> dict:
        """A hook as Okta answers it: no secret; the header name lower-cased, and an inline
        hook's auth type too (as the Inline Hooks API's examples show; an event hook's type
        is the enum `HEADER`)."""
        shown = json.loads(json.dumps({k: v for k, v in hook.items() if not k.startswith("_")}))
        config = shown.get("channel", {}).get("config", {})
        scheme = config.get("authScheme")
        if scheme:
            kind = str(scheme.get("type", ""))
            config["authScheme"] = {
                "type": kind if "events" in hook else kind.lower(),
                "key": str(scheme.get("key", "")).lower(),
            }
        return shown

    def _store_channel(self, hook: dict, channel: dict) -> None:
        config = channel.get("config") or {}
        scheme = config.get("authScheme") or {}
        if "value" in scheme:
            hook["_secret"] = scheme["value"]
        hook["channel"] = {
            "type": channel.get("type", "HTTP"),
            "version": channel.get("version", "1.0.0"),
            "config": {
                "uri": config.get("uri", ""),
                "headers": config.get("headers") or [],
                "method": "POST",
                "authScheme": {"type": scheme.get("type", ""), "key": scheme.get("key", "")},
            },
        }

    def create_inline_hook(self, body, query):
        hook_id = f"cal{next(self._ids):017d}"
        now = _iso()
        # Okta creates an inline hook ACTIVE (the Inline Hooks API).
        hook = {
            "id": hook_id,
            "status": "ACTIVE",
            "name": body["name"],
            "type": body["type"],
            "version": body.get("version", "1.0.0"),
            "created": now,
            "lastUpdated": now,
        }
        self._store_channel(hook, body["channel"])
        self.inline_hooks[hook_id] = hook
        return 200, self._hook_answer(hook), {}

    def list_inline_hooks(self, body, query):
        wanted = query.get("type", [None])[0]
        hooks = [
            self._hook_answer(h) for h in self.inline_hooks.values() if wanted in (None, h["type"])
        ]
        return 200, hooks, {}

    def replace_inline_hook(self, body, query, hook_id):
        hook = self.inline_hooks.get(hook_id)
        if hook is None:
            return self.error(404, "E0000007", "Not found: Resource not found (InlineHook)")
        hook.update(name=body.get("name", hook["name"]), lastUpdated=_iso())
        if "channel" in body:
            self._store_channel(hook, body["channel"])
        return 200, self._hook_answer(hook), {}

    def inline_hook_lifecycle(self, body, query, hook_id, action):
        hook = self.inline_hooks.get(hook_id)
        if hook is None:
            return self.error(404, "E0000007", "Not found: Resource not found (InlineHook)")
        hook["status"] = "ACTIVE" if action == "activate" else "INACTIVE"
        return 200, self._hook_answer(hook), {}

    def execute_inline_hook(self, body, query, hook_id):
        hook = self.inline_hooks.get(hook_id)
        if hook is None:
            return self.error(404, "E0000007", "Not found: Resource not found (InlineHook)")
        status, answer = self._call_hook(hook, body)
        if status != 200:
            return self.error(
                400,
                "E0000001",
                "Api validation failed: inlineHookResponse",
                [f"Failed to call the external service: it answered {status}"],
            )
        # Okta answers with the external service's response (PasswordImportResponse).
        return 200, answer, {}

    def _call_hook(self, hook, payload):
        config = hook["channel"]["config"]
        scheme = config.get("authScheme") or {}
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if scheme.get("key"):
            headers[scheme["key"]] = hook.get("_secret", "")
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
        now = _iso()
        hook = {
            "id": hook_id,
            "status": "ACTIVE",
            "verificationStatus": "UNVERIFIED",
            "name": body["name"],
            "events": body["events"],
            "created": now,
            "createdBy": self.admin["id"],
            "lastUpdated": now,
        }
        self._store_channel(hook, body["channel"])
        self.event_hooks[hook_id] = hook
        return 200, self._hook_answer(hook), {}

    def list_event_hooks(self, body, query):
        return 200, [self._hook_answer(h) for h in self.event_hooks.values()], {}

    def replace_event_hook(self, body, query, hook_id):
        hook = self.event_hooks.get(hook_id)
        if hook is None:
            return self.error(404, "E0000007", "Not found: Resource not found (EventHook)")
        old_uri = hook["channel"]["config"]["uri"]
        hook.update(name=body["name"], events=body["events"], lastUpdated=_iso())
        self._store_channel(hook, body["channel"])
        if hook["channel"]["config"]["uri"] != old_uri:
            hook["verificationStatus"] = "UNVERIFIED"  # a new endpoint must be verified
        return 200, self._hook_answer(hook), {}

    def event_hook_lifecycle(self, body, query, hook_id, action):
        hook = self.event_hooks.get(hook_id)
        if hook is None:
            return self.error(404, "E0000007", "Not found: Resource not found (EventHook)")
        if action == "verify":
            return self._verify_event_hook(hook)
        hook["status"] = "ACTIVE" if action == "activate" else "INACTIVE"
        return 200, self._hook_answer(hook), {}

    def _verify_event_hook(self, hook):
        config = hook["channel"]["config"]
        challenge = uuid.uuid4().hex
        headers = {"x-okta-verification-challenge": challenge}
        scheme = config.get("authScheme") or {}
        if scheme.get("key"):
            headers[scheme["key"]] = hook.get("_secret", "")
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
        return 200, self._hook_answer(hook), {}

    # --- System Log -------------------------------------------------------------------------

    def log_requests(self) -> int:
        return sum(1 for c in self.calls if c.path == "/api/v1/logs")

    def get_logs(self, body, query):
        if self.log_requests() > self.MAX_LOG_REQUESTS:
            return self.error(
                400, "E0000001", "fake Okta: a client polled the System Log without end"
            )
        if self.fail_log_after is not None and self.log_requests() > self.fail_log_after:
            return 500, {"errorCode": "E0000009", "errorSummary": "Internal Server Error"}, {}
        now = datetime.now(UTC)
        try:
            until = _parse_time(query["until"][0]) if "until" in query else now
            since = _parse_time(query["since"][0]) if "since" in query else until - timedelta(7)
            limit = int(query.get("limit", ["100"])[0])
            after = int(base64.urlsafe_b64decode(query.get("after", ["MA=="])[0]))
        except (ValueError, TypeError):
            return self.error(
                400, "E0000001", "Api validation failed: since, until, limit or after"
            )
        if since > until or not 0 <= limit <= 1000:
            return self.error(400, "E0000001", "Api validation failed: since must precede until")
        try:
            terms = _filter_terms(query.get("filter", [""])[0])
        except ValueError as exc:
            return self.error(400, "E0000001", f"Invalid filter: {exc}")
        events = sorted(
            (
                e
                for e in self.log
                if since <= _parse_time(e["published"]) < until
                and all(_log_matches(e, field, value) for field, value in terms)
            ),
            key=lambda e: e["published"],
        )
        page = events[after : after + (limit or 100)]
        following = after + len(page)
        headers = {}
        # A polling request (no `until`) always has a next link; a bounded one while more remain.
        if "until" not in query or following < len(events):
            params = {k: v[0] for k, v in query.items() if k != "after"}
            params["after"] = base64.urlsafe_b64encode(str(following).encode()).decode()
            headers["Link"] = f'<{self.url}/api/v1/logs?{urlencode(params)}>; rel="next"'
        if self.next_link:
            headers["Link"] = f'<{self.next_link}>; rel="next"'
        return 200, page, headers

    # --- playing Okta -----------------------------------------------------------------------

    def sign_in(self, login: str, password: str) -> bool:
        """A sign-in: Okta's own password, the imported hash, or the portal's inline hook."""
        user = self._find_user(login)
        if user is None:
            return False
        if user["credentials"]["provider"]["type"] != "IMPORT":
            return self.passwords.get(user["id"]) == password
        if user.get("_hash"):
            verified = okta_accepts_hash(user["_hash"], password)
        else:
            verified = self._through_hook(user, login, password)
        if verified:
            user["credentials"]["provider"] = {"type": "OKTA", "name": "OKTA"}
            self.passwords[user["id"]] = password
            if not user.get("_hash"):
                self.emit_import_event(user, "SUCCESS")
        return verified

    def _through_hook(self, user: dict, login: str, password: str) -> bool:
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
            "eventTime": _iso(),
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
        return status == 200 and answer["commands"][0]["value"]["credential"] == "VERIFIED"

    def emit_import_event(
        self, user: dict, result: str, *, published: datetime | None = None
    ) -> dict:
        target = {
            "id": user["id"],
            "type": "User",
            "alternateId": user["profile"]["login"],
            "displayName": user["profile"].get("firstName", ""),
        }
        event = {
            "uuid": str(uuid.uuid4()),
            "published": _iso(published),
            "eventType": "user.import.password",
            "version": "0",
            "displayMessage": "Fired after successful credential import",
            "severity": "INFO",
            "actor": target,
            "outcome": {"result": result},
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
            "eventTime": _iso(),
            "contentType": "application/json",
            "data": {"events": events},
        }
        status, _ = self._call_hook(hook, body)
        return status


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    return moment


def _filter_terms(text: str) -> list[tuple[str, str]]:
    """`field eq "value"` terms joined by `and` (what this project sends)."""
    terms = []
    for part in filter(None, re.split(r"\s+and\s+", text.strip())):
        match = _FILTER_TERM.match(part)
        if not match or match.group(1) not in LOG_FIELDS:
            raise ValueError(part)
        terms.append((match.group(1), match.group(2)))
    return terms


def _log_matches(event: dict, field: str, value: str) -> bool:
    found = LOG_FIELDS[field](event)
    return value in found if isinstance(found, list) else found == value


FakeOkta.routes = [
    (r"/api/v1/users", "POST", FakeOkta.create_user),
    (r"/api/v1/users/([^/]+)", "GET", FakeOkta.get_user),
    (r"/api/v1/users/([^/]+)/lifecycle/expire_password", "POST", FakeOkta.expire_password),
    (r"/api/v1/meta/schemas/user/([^/]+)", "GET", FakeOkta.get_user_schema),
    (r"/api/v1/inlineHooks", "POST", FakeOkta.create_inline_hook),
    (r"/api/v1/inlineHooks", "GET", FakeOkta.list_inline_hooks),
    (r"/api/v1/inlineHooks/([^/]+)", "PUT", FakeOkta.replace_inline_hook),
    (
        r"/api/v1/inlineHooks/([^/]+)/lifecycle/(activate|deactivate)",
        "POST",
        FakeOkta.inline_hook_lifecycle,
    ),
    (r"/api/v1/inlineHooks/([^/]+)/execute", "POST", FakeOkta.execute_inline_hook),
    (r"/api/v1/eventHooks", "POST", FakeOkta.create_event_hook),
    (r"/api/v1/eventHooks", "GET", FakeOkta.list_event_hooks),
    (r"/api/v1/eventHooks/([^/]+)", "PUT", FakeOkta.replace_event_hook),
    (
        r"/api/v1/eventHooks/([^/]+)/lifecycle/(activate|deactivate|verify)",
        "POST",
        FakeOkta.event_hook_lifecycle,
    ),
    (r"/api/v1/logs", "GET", FakeOkta.get_logs),
]
