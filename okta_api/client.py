"""The one client for Okta's management API.

- `Authorization: SSWS <token>` on every call, JSON in and out;
- rate limits honoured: when `X-Rate-Limit-Remaining` runs low the client waits for
  `X-Rate-Limit-Reset`, and a 429 is retried after the reset;
- 5xx answers and dropped connections retried with exponential backoff;
- collections followed through `Link: <...>; rel="next"` (never a URL built by hand), and
  the System Log read with bounded requests only (a polling request never runs out of next
  links);
- Okta's error bodies turned into `OktaError` with `errorCode`, `errorSummary`, `errorId`.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

from okta_api.events import EVENT_ID
from okta_api.hooks import PASSWORD_IMPORT_HOOK_TYPE, Hook
from okta_api.schema import UserSchema

USER_AGENT = "migration-portal/1.0"
#: A JSON object as Okta sends and takes it.
Json = dict[str, Any]
MAX_ATTEMPTS = 5
#: Below this many calls left in the window, wait for the reset rather than spend them.
LOW_REMAINING = 2


class OktaError(Exception):
    """An error answer from Okta (or no answer at all, with `status` 0)."""

    def __init__(self, status: int, body: Any = None, message: str = "") -> None:
        body = body if isinstance(body, dict) else {}
        self.status = status
        self.code = body.get("errorCode", "")
        self.summary = body.get("errorSummary", "") or message
        self.error_id = body.get("errorId", "")
        self.causes = [
            str(c.get("errorSummary", ""))
            for c in body.get("errorCauses") or []
            if isinstance(c, dict)
        ]
        super().__init__(
            f"Okta {status} {self.code}: {self.summary}"
            + (f" ({'; '.join(self.causes)})" if self.causes else "")
            + (f" [errorId {self.error_id}]" if self.error_id else "")
        )

    @property
    def login_taken(self) -> bool:
        """Okta refused a create because a user with this login exists (E0000001 with the
        cause "login: An object with this field already exists ...")."""
        return self.code == "E0000001" and any(
            c.startswith("login:") and "already exists" in c for c in self.causes
        )

    @property
    def unanswered(self) -> bool:
        """No answer, or a server error: the call may or may not have been carried out."""
        return self.status == 0 or self.status >= 500

    @property
    def profile_refused(self) -> bool:
        """Okta refused the profile itself (E0000001, one cause per attribute)."""
        return self.status == 400 and self.code == "E0000001" and not self.login_taken


#: A user's credential provider while Okta waits for the password from an import.
IMPORT_PROVIDER = "IMPORT"


@dataclass(frozen=True, slots=True)
class OktaUser:
    """A user as Okta returns it: its id, status, login and credential provider (`IMPORT`
    until Okta holds the password: true of hook users and hash-imported users alike)."""

    id: str
    status: str
    login: str
    provider: str

    @property
    def awaiting_import(self) -> bool:
        """Whether Okta waits for this user's password from an import (a password hook or
        an imported hash) rather than holding one of its own."""
        return self.provider == IMPORT_PROVIDER

    @classmethod
    def from_json(cls, body: Any) -> OktaUser:
        body = body if isinstance(body, dict) else {}
        credentials = body.get("credentials") if isinstance(body.get("credentials"), dict) else {}
        provider = (credentials or {}).get("provider")
        profile = body.get("profile") if isinstance(body.get("profile"), dict) else {}
        return cls(
            id=str(body.get("id", "")),
            status=str(body.get("status", "")),
            login=str((profile or {}).get("login", "")),
            provider=str(provider.get("type", "")) if isinstance(provider, dict) else "",
        )


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The last rate-limit headers Okta sent for one endpoint."""

    limit: int
    remaining: int
    reset: float


def okta_time(moment: datetime) -> str:
    """A time as Okta's System Log takes it: ISO 8601 in UTC, milliseconds, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def https_or_local(url: str) -> bool:
    """An https URL, or an http one on this machine (fakes, local testing)."""
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS)


def check_org_url(url: str) -> str:
    if not https_or_local(url):
        raise ImproperlyConfigured(
            "OKTA_ORG_URL must be https://<your org>.okta.com (http only on 127.0.0.1/localhost)"
        )
    return url.rstrip("/")


class OktaClient:
    """A thread-safe client; rate-limit state is shared by every thread using it."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not token:
            raise ImproperlyConfigured("OKTA_API_TOKEN is not set")
        self.base_url = check_org_url(base_url)
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            headers={
                "Authorization": f"SSWS {token}",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
        )
        self._sleep, self._clock = sleep, clock
        self._lock = threading.Lock()
        self._wait_until = 0.0
        self.waited = 0.0  # seconds spent waiting on rate limits (for reports)
        #: The last rate-limit headers seen, by endpoint path (for `okta_check`).
        self.limits: dict[str, RateLimit] = {}

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> OktaClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- rate limits ---

    def _pause_if_needed(self) -> None:
        with self._lock:
            delay = self._wait_until - self._clock()
        if delay > 0:
            self.waited += delay
            self._sleep(delay)

    def _note_limits(self, response: httpx.Response) -> None:
        remaining = response.headers.get("X-Rate-Limit-Remaining")
        reset = response.headers.get("X-Rate-Limit-Reset")
        if reset is None:
            return
        try:
            reset_at = float(reset)
        except ValueError:
            return
        low = remaining is not None and remaining.isdigit() and int(remaining) <= LOW_REMAINING
        limit = response.headers.get("X-Rate-Limit-Limit", "")
        if limit.isdigit() and remaining is not None and remaining.isdigit():
            self.limits[response.request.url.path] = RateLimit(int(limit), int(remaining), reset_at)
        if response.status_code == 429 or low:
            with self._lock:
                # One extra second: Okta's reset time is whole seconds, our clock is not.
                self._wait_until = max(self._wait_until, reset_at + 1)

    # --- requests ---

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        replayable: bool = True,
    ) -> httpx.Response:
        """One call, with waits and retries; raises OktaError for an error answer.

        A call that is not `replayable` (a create) is retried only after a 429, which Okta
        answers before doing anything: after a 5xx or a lost connection it may have been
        done, and sending it again would meet its own result."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self._pause_if_needed()
            try:
                response = self._http.request(method, path, json=json, params=params)
            except httpx.TransportError as exc:
                if attempt == MAX_ATTEMPTS or not replayable:
                    raise OktaError(
                        0, message=f"no answer from Okta ({type(exc).__name__})"
                    ) from None
                self._sleep(min(2**attempt * 0.25, 8))
                continue
            self._note_limits(response)
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == MAX_ATTEMPTS or (response.status_code != 429 and not replayable):
                    raise OktaError(response.status_code, _json(response))
                if response.status_code >= 500:
                    self._sleep(min(2**attempt * 0.25, 8))
                continue
            if response.status_code >= 400:
                raise OktaError(response.status_code, _json(response))
            return response
        raise AssertionError("unreachable")

    def _get(self, path: str, *, params: dict[str, str] | None = None) -> Any:
        return _json(self._request("GET", path, params=params))

    def _post(
        self,
        path: str,
        body: Any = None,
        *,
        params: dict[str, str] | None = None,
        replayable: bool = True,
    ) -> Any:
        return _json(self._request("POST", path, json=body, params=params, replayable=replayable))

    def _put(self, path: str, body: Any = None) -> Any:
        return _json(self._request("PUT", path, json=body))

    def _paginate(self, path: str, params: dict[str, str] | None = None) -> Iterator[Json]:
        """Every item of a collection, following `Link: rel="next"` until there is none or
        a page comes back empty (a polling request's next link never runs out; an empty
        page is its end for now).

        A next link to another origin is refused (OktaError): the API token goes with every
        request, and only the org itself may receive it.
        """
        url: str | None = path
        while url:
            response = self._request("GET", url, params=params)
            params = None  # the next link carries its own query
            items = _objects(_json(response))
            if not items:
                return
            yield from items
            url = response.links.get("next", {}).get("url")
            if url and not self._same_origin(url):
                raise OktaError(0, message="refused a next link to another origin")

    def _same_origin(self, url: str) -> bool:
        link, base = urlsplit(url), urlsplit(self.base_url)
        if not link.scheme and not link.netloc:
            return True  # a relative link stays on the org
        return (link.scheme, link.netloc.lower()) == (base.scheme, base.netloc.lower())

    # --- the calls this project makes ---

    # Users (developer.okta.com: the Users API)

    def create_user(
        self, profile: Json, *, password_hash: Json | None = None, activate: bool = True
    ) -> OktaUser:
        """Create a user with the password import hook credential, or with `password_hash`
        (Okta's hashed password object) when Okta can take the legacy hash itself."""
        password = {"hash": password_hash} if password_hash else {"hook": {"type": "default"}}
        body = {"profile": profile, "credentials": {"password": password}}
        return OktaUser.from_json(
            self._post(
                "/api/v1/users",
                body,
                params={"activate": str(activate).lower()},
                replayable=False,
            )
        )

    def get_user(self, id_or_login: str) -> OktaUser:
        return OktaUser.from_json(self._get(f"/api/v1/users/{quote(id_or_login, safe='@.')}"))

    def current_user(self) -> OktaUser:
        """The user the API token acts for (a token check)."""
        return OktaUser.from_json(self._get("/api/v1/users/me"))

    def expire_password(self, user_id: str) -> OktaUser:
        return OktaUser.from_json(
            self._post(f"/api/v1/users/{quote(user_id, safe='')}/lifecycle/expire_password")
        )

    # The user profile schema (the Schemas API)

    def user_schema(self) -> UserSchema:
        """The org's default user profile schema: what a created user's profile must hold."""
        return UserSchema.from_json(self._get("/api/v1/meta/schemas/user/default"))

    # Inline hooks (the Inline Hooks API)

    def password_import_hooks(self) -> list[Hook]:
        """The org's password import inline hooks."""
        answer = self._get("/api/v1/inlineHooks", params={"type": PASSWORD_IMPORT_HOOK_TYPE})
        return [Hook.from_json(hook) for hook in _objects(answer)]

    def create_inline_hook(self, body: Json) -> Hook:
        """Create an inline hook from an `InlineHookCreate` body (`okta_api.hooks`)."""
        return Hook.from_json(self._post("/api/v1/inlineHooks", body))

    def replace_inline_hook(self, hook_id: str, body: Json) -> Hook:
        """Replace an inline hook with an `InlineHookReplace` body (`okta_api.hooks`)."""
        return Hook.from_json(self._put(f"/api/v1/inlineHooks/{quote(hook_id, safe='')}", body))

    def activate_inline_hook(self, hook_id: str) -> Hook:
        return Hook.from_json(
            self._post(f"/api/v1/inlineHooks/{quote(hook_id, safe='')}/lifecycle/activate")
        )

    def deactivate_inline_hook(self, hook_id: str) -> Hook:
        return Hook.from_json(
            self._post(f"/api/v1/inlineHooks/{quote(hook_id, safe='')}/lifecycle/deactivate")
        )

    def execute_inline_hook(self, hook_id: str, request: Json) -> Json:
        """Have Okta call the hook with `request` (its preview API) and return the answer."""
        return _object(
            self._post(f"/api/v1/inlineHooks/{quote(hook_id, safe='')}/execute", request)
        )

    # Event hooks (the Event Hooks API)

    def event_hooks(self) -> list[Hook]:
        return [Hook.from_json(hook) for hook in _objects(self._get("/api/v1/eventHooks"))]

    def create_event_hook(self, body: Json) -> Hook:
        """Create an event hook from an `EventHook` body (`okta_api.hooks`)."""
        return Hook.from_json(self._post("/api/v1/eventHooks", body))

    def replace_event_hook(self, hook_id: str, body: Json) -> Hook:
        return Hook.from_json(self._put(f"/api/v1/eventHooks/{quote(hook_id, safe='')}", body))

    def activate_event_hook(self, hook_id: str) -> Hook:
        return Hook.from_json(
            self._post(f"/api/v1/eventHooks/{quote(hook_id, safe='')}/lifecycle/activate")
        )

    def verify_event_hook(self, hook_id: str) -> Hook:
        return Hook.from_json(
            self._post(f"/api/v1/eventHooks/{quote(hook_id, safe='')}/lifecycle/verify")
        )

    # The System Log (the System Log API)

    def system_log(
        self,
        *,
        since: datetime,
        until: datetime,
        event_type: str = "",
        uuid: str = "",
        limit: int = 1000,
    ) -> Iterator[Json]:
        """The System Log events of one `event_type` (`user.import.password`), or the one
        event `uuid`, published from `since` up to `until`, oldest first, through every page.

        Always a bounded request: without `until` Okta treats the request as polling and
        answers every page, even an empty one, with another next link."""
        params = {
            "filter": _log_filter(event_type=event_type, uuid=uuid),
            "since": okta_time(since),
            "until": okta_time(until),
            "limit": str(limit),
        }
        return self._paginate("/api/v1/logs", params=params)


_EVENT_TYPE = re.compile(r"[a-z0-9_.]+")


def _log_filter(*, event_type: str, uuid: str) -> str:
    """Okta's filter expression for one event type or one event (never built from text that
    could close its quotes)."""
    if bool(event_type) == bool(uuid):
        raise ValueError("a System Log read names one event type or one uuid")
    if event_type:
        if not _EVENT_TYPE.fullmatch(event_type):
            raise ValueError(f"not an Okta event type: {event_type!r}")
        return f'eventType eq "{event_type}"'
    if not EVENT_ID.match(uuid):
        raise ValueError(f"not an Okta event uuid: {uuid!r}")
    return f'uuid eq "{uuid}"'


@sensitive_variables()
def password_import_request(login: str, password: str, *, source: str = "hook_preview") -> Json:
    """A password import hook call shaped exactly as Okta sends one (its hook reference), for
    previewing a deployment's hook."""
    return {
        "eventId": uuid.uuid4().hex[:22],
        "eventTime": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "eventType": PASSWORD_IMPORT_HOOK_TYPE,
        "eventTypeVersion": "1.0",
        "contentType": "application/json",
        "cloudEventVersion": "0.1",
        "source": source,
        "data": {
            "context": {
                "request": {
                    "id": uuid.uuid4().hex,
                    "method": "POST",
                    "url": {"value": "/api/v1/authn"},
                    "ipAddress": "127.0.0.1",
                },
                "credential": {"username": login, "password": password},
            },
            "action": {"credential": "UNVERIFIED"},
        },
    }


def _object(value: Any) -> Json:
    """An answer that should be a JSON object ({} when Okta sent none)."""
    return value if isinstance(value, dict) else {}


def _objects(value: Any) -> list[Json]:
    """An answer that should be a list of JSON objects."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def require_client(client: OktaClient | None, what: str) -> OktaClient:
    """`client`, or a ValueError saying that `what` needs one (only a dry run goes without)."""
    if client is None:
        raise ValueError(f"{what} needs the Okta client")
    return client
