"""System checks for hook configuration an operator can get wrong."""

from collections.abc import Sequence
from typing import Any

from django.core.checks import CheckMessage, Error, Tags, Warning, register

from legacy_users.app_settings import app_settings, hook_settings

MIN_SECRET_LENGTH = 16


def _short(values: Sequence[str], name: str, check_id: str) -> list[Warning]:
    weak = [value for value in values if len(value) < MIN_SECRET_LENGTH]
    if not weak:
        return []
    return [
        Warning(
            f"{len(weak)} value(s) in {name} are shorter than {MIN_SECRET_LENGTH} characters.",
            hint="Use a long random secret, e.g. secrets.token_urlsafe(32).",
            id=check_id,
        )
    ]


@register(Tags.security)
def check_hook_authentication(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    config = hook_settings()
    if not config.auth_values and not config.oauth_issuer:
        problems.append(
            Warning(
                "Neither OKTA_HOOK_AUTH_VALUES nor OKTA_HOOK_OAUTH_ISSUER is set: every call to "
                "the password import hook will be refused with 401.",
                hint="Set it to the secret configured on Okta's inline hook.",
                id="hooks.W001",
            )
        )
    problems += _short(config.auth_values, "OKTA_HOOK_AUTH_VALUES", "hooks.W002")
    problems += _short(config.event_auth_values, "OKTA_EVENT_HOOK_AUTH_VALUES", "hooks.W004")
    app = app_settings()
    if app.okta_org_url and not config.event_auth_values:
        problems.append(
            Warning(
                "OKTA_ORG_URL is set but OKTA_EVENT_HOOK_AUTH_VALUES is not: /hooks/okta-events "
                "answers 404, so Okta's confirmations arrive only through okta_sync_imports.",
                hint="Set OKTA_EVENT_HOOK_AUTH_VALUES to a secret of its own (not the password "
                "hook's), then run okta_register_hooks.",
                id="hooks.W003",
            )
        )
    shared = set(config.auth_values) & set(config.event_auth_values)
    if shared:
        problems.append(
            Error(
                "OKTA_EVENT_HOOK_AUTH_VALUES shares a value with OKTA_HOOK_AUTH_VALUES: that "
                "value is refused on both hooks.",
                hint="Give the event hook a secret of its own.",
                id="hooks.E001",
            )
        )
    return problems
