"""Okta's management API, as this project uses it: the Users, Inline Hooks, Event Hooks and
System Log APIs (developer.okta.com/docs/api/openapi/okta-management/)."""

from okta.client import (
    PASSWORD_IMPORT_HOOK_TYPE,
    OktaClient,
    OktaError,
    https_or_local,
    okta_client,
)

__all__ = ["PASSWORD_IMPORT_HOOK_TYPE", "OktaClient", "OktaError", "https_or_local", "okta_client"]
