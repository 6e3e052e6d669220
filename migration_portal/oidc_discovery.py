"""The identity provider's endpoints, found by OpenID Connect discovery when first needed:
the settings name them lazily, so reading the settings never touches the network."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy

from okta_api.documents import DocumentError, fetch_json_document


@functools.cache
def discovery() -> dict[str, Any]:
    """The issuer's OpenID Provider metadata (read once per process)."""
    issuer = settings.ADMIN_OIDC_ISSUER
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        document = fetch_json_document(url, timeout=10)
    except DocumentError as exc:
        raise ImproperlyConfigured(f"cannot read {url}: {exc}") from None
    if document.get("issuer") != issuer:
        raise ImproperlyConfigured(
            f"{url} names the issuer {document.get('issuer')!r}, not ADMIN_OIDC_ISSUER"
        )
    return dict(document)


def endpoint(name: str) -> str:
    return str(discovery().get(name, ""))


#: One of the provider's endpoints, found by discovery when first used (settings stay
#: free of network calls).
lazy_endpoint = lazy(endpoint, str)
