"""System checks on the app's own settings (`legacy_users.app_settings`), so that a setting
that cannot work is named when the process starts, not when an operator first pushes."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

from legacy_users.app_settings import app_settings


@register()
def check_okta_api_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Okta's API half-configured, or a profile map that does not parse."""
    from legacy_users.services.okta_profiles import profile_map

    problems: list[CheckMessage] = []
    config = app_settings()
    if bool(config.okta_org_url) != bool(config.okta_api_token):
        given, missing = (
            ("OKTA_ORG_URL", "OKTA_API_TOKEN")
            if config.okta_org_url
            else ("OKTA_API_TOKEN", "OKTA_ORG_URL")
        )
        problems.append(
            Warning(
                f"{given} is set but {missing} is not: the portal cannot call Okta's API "
                "(pushes, the System Log, hook registration).",
                hint=f"Set {missing} too, or unset {given}.",
                id="legacy_users.W001",
            )
        )
    try:
        profile_map()
    except ImproperlyConfigured as exc:
        problems.append(
            Error(
                f"OKTA_PROFILE_MAP: {exc}",
                hint="See docs/okta.md, 'Profiles Okta accepts', for its form.",
                id="legacy_users.E001",
            )
        )
    return problems
