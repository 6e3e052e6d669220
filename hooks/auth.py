"""Who is calling a hook: Okta, proven by the secret it was configured with, or nobody.

Each hook has its own credentials. The password import hook takes its header secret or an
OAuth bearer token; the event hook takes only its own header secret, so whoever holds the
password hook's secret cannot forge Okta's confirmations (which purge legacy hashes).
"""

from collections.abc import Sequence

from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from hooks.oauth import validate_bearer
from legacy_users.app_settings import hook_settings


def _meta_key(header: str) -> str:
    """Where WSGI puts an HTTP header in `request.META` (read there: building
    `request.headers` costs more than the lookup, on every hook call)."""
    return "HTTP_" + header.upper().replace("-", "_")


def _matches(supplied: str, accepted: Sequence[str]) -> bool:
    """Whether `supplied` is one of `accepted`; every value is compared, in constant time."""
    matched = False
    for value in accepted:
        matched |= constant_time_compare(supplied, value)
    return matched


class HeaderSecretAuthentication:
    """Okta's HTTP-header scheme: a configured header carries a shared secret verbatim.

    Several accepted values may be configured so the secret can be rotated without
    downtime. `refused` names secrets that must never open this door (another hook's).
    """

    name = "header"

    def __init__(self, *, header: str, accepted: str, refused: str = "") -> None:
        # Names of `HookSettings` fields, read at each call (never at import time).
        self._header, self._accepted, self._refused = header, accepted, refused

    def _values(self, setting: str) -> Sequence[str]:
        return getattr(hook_settings(), setting) if setting else ()

    def configured(self) -> bool:
        return bool(self._values(self._accepted))

    def authenticate(self, request: HttpRequest) -> str | None:
        """The scheme's name when the request carries an accepted secret, else None."""
        supplied = request.META.get(_meta_key(getattr(hook_settings(), self._header)))
        if supplied is None:
            return None
        if _matches(supplied, self._values(self._refused)):
            return None
        return self.name if _matches(supplied, self._values(self._accepted)) else None


class BearerTokenAuthentication:
    """OAuth 2.0: `Authorization: Bearer <JWT>` from the configured authorization server."""

    name = "oauth"

    def configured(self) -> bool:
        return bool(hook_settings().oauth_issuer)

    def authenticate(self, request: HttpRequest) -> str | None:
        if not hook_settings().oauth_issuer:
            return None
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.name if validate_bearer(token.strip()) is not None else None


class Authenticators:
    """The schemes one hook accepts: the first that accepts the request names the caller."""

    def __init__(
        self,
        *schemes: HeaderSecretAuthentication | BearerTokenAuthentication,
        absent_when_unconfigured: bool = False,
    ) -> None:
        self.schemes = schemes
        #: With no credentials configured the hook answers 404 rather than 401.
        self.absent_when_unconfigured = absent_when_unconfigured

    def configured(self) -> bool:
        return any(scheme.configured() for scheme in self.schemes)

    def __call__(self, request: HttpRequest) -> str | None:
        for scheme in self.schemes:
            name: str | None = scheme.authenticate(request)
            if name:
                return name
        return None


#: The password import inline hook: its header secret (never the event hook's) or OAuth.
password_hook_auth = Authenticators(
    HeaderSecretAuthentication(
        header="auth_header",
        accepted="auth_values",
        refused="event_auth_values",
    ),
    BearerTokenAuthentication(),
)

#: The event hook: its own header secret only (never the password hook's).
event_hook_auth = Authenticators(
    HeaderSecretAuthentication(
        header="event_auth_header",
        accepted="event_auth_values",
        refused="auth_values",
    ),
    absent_when_unconfigured=True,
)
