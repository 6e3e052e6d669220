"""OAuth 2.0 bearer tokens on hook calls, validated with PyJWT (an inline hook's "OAuth 2.0"
authentication in Okta's "Add an inline hook":
help.okta.com/en-us/content/topics/automation-hooks/add-inline-hooks.htm).

Okta gets an access token from an authorization server and sends `Authorization: Bearer
<JWT>`. A token is accepted only when it is RS256-signed by a key in the issuer's JWKS, names
the configured issuer and audience, is within its validity (a minute of leeway), carries the
hook's scope in `scp`, and (if configured) comes from an allowed client (`cid`). `alg: none`,
HMAC algorithms and keys that are not in the JWKS are refused.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import jwt

from hooks.errors import ServiceUnavailable
from legacy_users.app_settings import hook_settings
from okta_api.documents import DocumentError, fetch_json_document

logger = logging.getLogger(__name__)

LEEWAY_SECONDS = 60
#: An unknown `kid` triggers a JWKS re-fetch at most this often (keys rotate rarely).
REFETCH_SECONDS = 60
#: Each network step of a fetch (connect, read) gives up after this long: the hook's whole
#: answer must leave within Okta's 3 seconds.
FETCH_TIMEOUT_SECONDS = 1.0


class JwksError(Exception):
    """The issuer's signing keys could not be fetched."""


def _get_json(url: str) -> dict[str, Any]:
    """A JSON document from the issuer (`okta_api.fetch_json_document`), in at most a
    second per network step."""
    try:
        return fetch_json_document(url, timeout=FETCH_TIMEOUT_SECONDS)
    except DocumentError as exc:
        raise JwksError(str(exc)) from None


class JwksCache:
    """The issuer's signing keys by `kid`: fetched once, re-fetched on an unknown kid at most
    once a minute (so a flood of forged kids cannot turn into a flood of fetches).

    A fetch runs outside the lock, one at a time: tokens with a known kid are checked from
    the cached keys meanwhile; a caller with an unknown kid waits for the fetch under way
    (not for the lock) and then reads its result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._jwks_url = ""
        self._fetching: threading.Event | None = None
        self._failure: JwksError | None = None

    def clear(self) -> None:
        with self._lock:
            self._keys, self._fetched_at, self._jwks_url = {}, float("-inf"), ""
            self._failure = None

    def _url(self) -> str:
        config = hook_settings()
        if config.oauth_jwks_url:
            return config.oauth_jwks_url
        if not self._jwks_url:
            issuer = config.oauth_issuer
            for path in (
                "/.well-known/oauth-authorization-server",
                "/.well-known/openid-configuration",
            ):
                try:
                    self._jwks_url = str(_get_json(issuer + path)["jwks_uri"])
                    break
                except (JwksError, KeyError, TypeError):
                    continue
            else:
                raise JwksError("the issuer's discovery document names no jwks_uri")
        return self._jwks_url

    def _fetch(self) -> dict[str, jwt.PyJWK]:
        try:
            keys = jwt.PyJWKSet.from_dict(_get_json(self._url())).keys
        except (jwt.PyJWTError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise JwksError(f"the JWKS does not parse ({type(exc).__name__})") from None
        return {k.key_id: k for k in keys if k.key_id and k.key_type == "RSA"}

    def key(self, kid: str) -> jwt.PyJWK | None:
        with self._lock:
            if kid in self._keys:
                return self._keys[kid]
            fetching = self._fetching
            if fetching is None:
                if time.monotonic() - self._fetched_at < REFETCH_SECONDS:
                    return None
                self._fetched_at = time.monotonic()
                fetching = self._fetching = threading.Event()
                mine = True
            else:
                mine = False
        if not mine:
            fetching.wait(FETCH_TIMEOUT_SECONDS * 4)
            with self._lock:
                if kid not in self._keys and self._failure is not None:
                    raise self._failure
                return self._keys.get(kid)
        failure = None
        keys: dict[str, jwt.PyJWK] = {}
        try:
            keys = self._fetch()
        except JwksError as exc:
            failure = exc
        finally:
            with self._lock:
                if failure is None:
                    self._keys = keys
                self._failure = failure
                self._fetching = None
            fetching.set()
        if failure is not None:
            raise failure
        return keys.get(kid)


jwks = JwksCache()


#: A token's verified claims.
Claims = dict[str, Any]


def validate_bearer(token: str) -> Claims | None:
    """The token's claims when it is a valid hook token, else None (and a logged reason).

    Raises `ServiceUnavailable` when the issuer's keys cannot be had: the token may be
    good, so the call is answered 503 (Okta retries) rather than 401.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return _refuse("not a JWT")
    if header.get("alg") != "RS256":
        return _refuse(f"algorithm {str(header.get('alg'))[:10]!r} is not RS256")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return _refuse("no key id")
    try:
        key = jwks.key(kid)
    except JwksError as exc:
        logger.error("hook OAuth: %s", exc)
        raise ServiceUnavailable("the issuer's signing keys are unavailable") from None
    if key is None:
        return _refuse("key id not in the issuer's JWKS")
    config = hook_settings()
    try:
        claims = jwt.decode(
            token,
            key=key.key,
            algorithms=["RS256"],
            audience=config.oauth_audience,
            issuer=config.oauth_issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.PyJWTError as exc:
        return _refuse(type(exc).__name__)
    scopes = claims.get("scp", [])
    if isinstance(scopes, str):
        scopes = scopes.split()
    if config.oauth_scope not in scopes:
        return _refuse("the hook's scope is missing")
    allowed = config.oauth_client_ids
    if allowed and claims.get("cid") not in allowed:
        return _refuse("client id not allowed")
    return claims


def _refuse(reason: str) -> Claims | None:
    """Log why a token is refused; None, the refusal."""
    logger.info("hook OAuth token refused: %s", reason)
    return None
