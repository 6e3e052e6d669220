"""JSON documents an authorization server publishes (OpenID / OAuth discovery, JWKS), read
the one way this project reads them: https only (http on this machine), through at most a
few redirects that stay on https, with a time limit per network step and a size cap."""

from __future__ import annotations

import json
from typing import Any

import httpx

from okta_api.client import https_or_local

MAX_REDIRECTS = 3
MAX_DOCUMENT_BYTES = 1 << 20


class DocumentError(Exception):
    """A document could not be had: refused URL, network, HTTP status, size or JSON."""


def _stay_on_https(request: httpx.Request) -> None:
    # Called for the first request and for every redirect it follows.
    if not https_or_local(str(request.url)):
        raise DocumentError("document URLs must be https, redirects included")


def fetch_json_document(url: str, *, timeout: float) -> dict[str, Any]:
    """The JSON object at `url`, each network step (connect, read) within `timeout`
    seconds, at most 1 MiB. Raises DocumentError."""
    try:
        with (
            httpx.Client(
                timeout=timeout,
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                event_hooks={"request": [_stay_on_https]},
                headers={"Accept": "application/json"},
            ) as client,
            client.stream("GET", url) as response,
        ):
            response.raise_for_status()
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_DOCUMENT_BYTES:
                    raise DocumentError(f"{url} answers more than 1 MiB")
        document = json.loads(body)
    except (httpx.HTTPError, ValueError) as exc:
        raise DocumentError(f"cannot fetch {url}: {type(exc).__name__}") from None
    if not isinstance(document, dict):
        raise DocumentError(f"{url} is not a JSON object")
    return document
