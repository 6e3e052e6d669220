"""Okta's management API, as this project uses it (CONTRACT.md section 3)."""

from okta.client import OktaClient, OktaError, okta_client

__all__ = ["OktaClient", "OktaError", "okta_client"]
