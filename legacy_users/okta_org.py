"""The Okta org this portal drives: a client for it, from the app's settings
(OKTA_ORG_URL, OKTA_API_TOKEN). `okta_api` knows Okta; this knows which Okta."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from legacy_users.app_settings import app_settings
from okta_api import OktaClient


def okta_client(**kwargs: Any) -> OktaClient:
    """A client for the configured org; ImproperlyConfigured when none is configured."""
    config = app_settings()
    if not config.okta_org_url:
        raise ImproperlyConfigured("OKTA_ORG_URL is not set")
    return OktaClient(config.okta_org_url, config.okta_api_token, **kwargs)
