"""Okta's management API, as this project uses it: the Users, Inline Hooks, Event Hooks and
System Log APIs (developer.okta.com/docs/api/openapi/okta-management/), and the bodies those
calls and Okta's hook calls carry. No module outside this package builds an Okta URL or body.

Named `okta_api`, not `okta`: that is the import name of Okta's own Python SDK.
"""

from okta_api.client import (
    PASSWORD_IMPORT_HOOK_TYPE,
    OktaClient,
    OktaError,
    https_or_local,
    okta_client,
)

__all__ = ["PASSWORD_IMPORT_HOOK_TYPE", "OktaClient", "OktaError", "https_or_local", "okta_client"]
