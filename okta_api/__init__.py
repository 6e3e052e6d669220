"""Okta's management API, as this project uses it: the Users, Schemas, Inline Hooks, Event
Hooks and System Log APIs (developer.okta.com/docs/api/openapi/okta-management/), and the
bodies those calls and Okta's hook calls carry. No module outside this package builds an Okta
URL or body, or reads one of Okta's answers field by field.

Named `okta_api`, not `okta`: that is the import name of Okta's own Python SDK.
"""

from okta_api.client import (
    OktaClient,
    OktaError,
    OktaUser,
    RateLimit,
    https_or_local,
    okta_time,
)
from okta_api.hooks import PASSWORD_IMPORT_HOOK_TYPE, Hook, HookTarget
from okta_api.schema import UserSchema

__all__ = [
    "PASSWORD_IMPORT_HOOK_TYPE",
    "Hook",
    "HookTarget",
    "OktaClient",
    "OktaError",
    "OktaUser",
    "RateLimit",
    "UserSchema",
    "https_or_local",
    "okta_time",
]
