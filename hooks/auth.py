"""Who is calling the hook: Okta, proven by the secret it was configured with, or nobody."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from hooks.oauth import validate_bearer


class HeaderSecretAuthentication:
    """Okta's HTTP-header scheme: a configured header carries a shared secret verbatim.

    Several accepted values may be configured so the secret can be rotated without
    downtime. Every configured value is compared, in constant time, whatever matches.
    """

    name = "header"

    def authenticate(self, request: HttpRequest) -> str | None:
        """The scheme's name when the request carries an accepted secret, else None."""
        supplied = request.headers.get(settings.OKTA_HOOK_AUTH_HEADER)
        if supplied is None:
            return None
        matched = False
        for accepted in settings.OKTA_HOOK_AUTH_VALUES:
            matched |= constant_time_compare(supplied, accepted)
        return self.name if matched else None


class BearerTokenAuthentication:
    """OAuth 2.0: `Authorization: Bearer <JWT>` from the configured authorization server."""

    name = "oauth"

    def authenticate(self, request: HttpRequest) -> str | None:
        if not settings.OKTA_HOOK_OAUTH_ISSUER:
            return None
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.name if validate_bearer(token.strip()) is not None else None


AUTHENTICATORS = (HeaderSecretAuthentication(), BearerTokenAuthentication())


def authenticate_okta(request: HttpRequest) -> str | None:
    """The first scheme that accepts the request, or None: the call is not Okta's."""
    for authenticator in AUTHENTICATORS:
        scheme = authenticator.authenticate(request)
        if scheme:
            return scheme
    return None
