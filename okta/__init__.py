"""Okta's management API, as this project uses it (CONTRACT.md section 3)."""

from okta.client import (
    PASSWORD_IMPORT_HOOK_TYPE,
    OktaClient,
    OktaError,
    https_or_local,
    okta_client,
)

__all__ = ["PASSWORD_IMPORT_HOOK_TYPE", "OktaClient", "OktaError", "https_or_local", "okta_client"]
