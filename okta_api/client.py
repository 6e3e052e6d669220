"""The one client for Okta's management API.

- `Authorization: SSWS <token>` on every call, JSON in and out;
- rate limits honoured: when `X-Rate-Limit-Remaining` runs low the client waits for
  `X-Rate-Limit-Reset`, and a 429 is retried after the reset;
- 5xx answers and dropped connections retried with exponential backoff;
- collections followed through `Link: <...>; rel="next"` (never a URL built by hand);
- Okta's error bodies turned into `OktaError` with `errorCode`, `errorSummary`, `errorId`.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

USER_AGENT = "migration-portal/1.0"
#: The inline hook type and the eventType of its calls (Okta's password import hook reference).
PASSWORD_IMPORT_HOOK_TYPE = "com.okta.user.credential.password.import"  # noqa: S105
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
        self.causes = [c.get("errorSummary", "") for c in body.get("errorCauses") or []]
        super().__init__(
            f"Okta {status} {self.code}: {self.summary}"
            + (f" ({'; '.join(self.causes)})" if self.causes else "")
            + (f" [errorId {self.error_id}]" if self.error_id else "")
        )


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
        if response.status_code == 429 or low:
            with self._lock:
                # One extra second: Okta's reset time is whole seconds, our clock is not.
                self._wait_until = max(self._wait_until, reset_at + 1)

    # --- requests ---

    def _request(
        self, method: str, path: str, *, json: Any = None, params: dict[str, str] | None = None
    ) -> httpx.Response:
        """One call, with waits and retries; raises OktaError for an error answer."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self._pause_if_needed()
            try:
                response = self._http.request(method, path, json=json, params=params)
            except httpx.TransportError as exc:
                if attempt == MAX_ATTEMPTS:
                    raise OktaError(
                        0, message=f"no answer from Okta ({type(exc).__name__})"
                    ) from None
                self._sleep(min(2**attempt * 0.25, 8))
                continue
            self._note_limits(response)
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == MAX_ATTEMPTS:
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

    def _post(self, path: str, body: Any = None, *, params: dict[str, str] | None = None) -> Any:
        return _json(self._request("POST", path, json=body, params=params))

    def _put(self, path: str, body: Any = None) -> Any:
        return _json(self._request("PUT", path, json=body))

    def _paginate(self, path: str, params: dict[str, str] | None = None) -> Iterator[Json]:
        """Every item of a collection, following `Link: rel="next"` to the end.

        A next link to another origin is refused (OktaError): the API token goes with every
        request, and only the org itself may receive it.
        """
        url: str | None = path
        while url:
            response = self._request("GET", url, params=params)
            params = None  # the next link carries its own query
            yield from _objects(_json(response))
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
        self, profile: dict[str, str], *, password_hash: Json | None = None, activate: bool = True
    ) -> Json:
        """Create a user with the password import hook credential, or with `password_hash`
        (Okta's hashed password object) when Okta can take the legacy hash itself."""
        password = {"hash": password_hash} if password_hash else {"hook": {"type": "default"}}
        body = {"profile": profile, "credentials": {"password": password}}
        return _object(
            self._post("/api/v1/users", body, params={"activate": str(activate).lower()})
        )

    def get_user(self, id_or_login: str) -> Json:
        return _object(self._get(f"/api/v1/users/{quote(id_or_login, safe='@.')}"))

    def expire_password(self, user_id: str) -> Json:
        return _object(
            self._post(f"/api/v1/users/{quote(user_id, safe='')}/lifecycle/expire_password")
        )

    # Inline hooks (the Inline Hooks API)

    def password_import_hooks(self) -> list[Json]:
        """The org's password import inline hooks."""
        return _objects(
            self._get("/api/v1/inlineHooks", params={"type": PASSWORD_IMPORT_HOOK_TYPE})
        )

    def create_inline_hook(self, body: Json) -> Json:
        return _object(self._post("/api/v1/inlineHooks", body))

    def update_inline_hook(self, hook_id: str, body: Json) -> Json:
        return _object(self._put(f"/api/v1/inlineHooks/{quote(hook_id, safe='')}", body))

    def activate_inline_hook(self, hook_id: str) -> Json:
        return _object(
            self._post(f"/api/v1/inlineHooks/{quote(hook_id, safe='')}/lifecycle/activate")
        )

    def deactivate_inline_hook(self, hook_id: str) -> Json:
        return _object(
            self._post(f"/api/v1/inlineHooks/{quote(hook_id, safe='')}/lifecycle/deactivate")
        )

    def execute_inline_hook(self, hook_id: str, request: Json) -> Json:
        """Have Okta call the hook with `request` (its preview API) and return the answer."""
        return _object(
            self._post(f"/api/v1/inlineHooks/{quote(hook_id, safe='')}/execute", request)
        )

    # Event hooks (the Event Hooks API)

    def event_hooks(self) -> list[Json]:
        return _objects(self._get("/api/v1/eventHooks"))

    def create_event_hook(self, body: Json) -> Json:
        return _object(self._post("/api/v1/eventHooks", body))

    def update_event_hook(self, hook_id: str, body: Json) -> Json:
        return _object(self._put(f"/api/v1/eventHooks/{quote(hook_id, safe='')}", body))

    def verify_event_hook(self, hook_id: str) -> Json:
        return _object(self._post(f"/api/v1/eventHooks/{quote(hook_id, safe='')}/lifecycle/verify"))

    # The System Log (the System Log API)

    def system_log(self, *, filter: str, since: str = "", limit: int = 0) -> Iterator[Json]:
        """Every System Log event matching `filter` (Okta's filter expression) since `since`,
        oldest first, through every page."""
        params = {"filter": filter}
        if since:
            params["since"] = since
        if limit:
            params["limit"] = str(limit)
        return self._paginate("/api/v1/logs", params=params)


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


def user_profile(*, login: str, email: str, first_name: str, last_name: str) -> dict[str, str]:
    """An Okta user profile. Okta requires names and an email: the names default to the
    login's local part, the email to the login when it is an address."""
    local = login.split("@")[0]
    return {
        "firstName": first_name or local,
        "lastName": last_name or local,
        "email": email or (login if "@" in login else ""),
        "login": login,
    }


def http_channel(uri: str, *, header: str, secret: str) -> Json:
    """A hook's HTTP channel (inline and event hooks alike): Okta POSTs to `uri` and sends
    `secret` in the `header` header on every call."""
    return {
        "type": "HTTP",
        "version": "1.0.0",
        "config": {
            "uri": uri,
            "headers": [],
            "method": "POST",
            "authScheme": {"type": "HEADER", "key": header, "value": secret},
        },
    }


def password_import_hook_body(name: str, channel: Json) -> Json:
    """An inline hook of the password import type."""
    return {"name": name, "type": PASSWORD_IMPORT_HOOK_TYPE, "version": "1.0.0", "channel": channel}


def event_hook_body(name: str, event_types: list[str], channel: Json) -> Json:
    """An event hook subscribed to `event_types`."""
    events = {"type": "EVENT_TYPE", "items": event_types}
    return {"name": name, "events": events, "channel": channel}


def hook_channel_uri(hook: Json) -> str:
    """Where an inline or event hook sends its calls."""
    return str(((hook.get("channel") or {}).get("config") or {}).get("uri", ""))


def hook_auth_scheme(hook: Json) -> Json:
    """How an inline or event hook authenticates its calls."""
    return ((hook.get("channel") or {}).get("config") or {}).get("authScheme") or {}


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


def okta_client(**kwargs: Any) -> OktaClient:
    """A client for the configured org (OKTA_ORG_URL, OKTA_API_TOKEN)."""
    if not settings.OKTA_ORG_URL:
        raise ImproperlyConfigured("OKTA_ORG_URL is not set")
    return OktaClient(settings.OKTA_ORG_URL, settings.OKTA_API_TOKEN, **kwargs)
