"""System checks for hook configuration an operator can get wrong."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security)
def check_hook_authentication(app_configs, **kwargs):
    problems = []
    if not settings.OKTA_HOOK_AUTH_VALUES and not settings.OKTA_HOOK_OAUTH_ISSUER:
        problems.append(
            Warning(
                "Neither OKTA_HOOK_AUTH_VALUES nor OKTA_HOOK_OAUTH_ISSUER is set: every call to "
                "the Okta hooks will be refused with 401.",
                hint="Set it to the secret configured on Okta's inline hook.",
                id="hooks.W001",
            )
        )
    weak = [value for value in settings.OKTA_HOOK_AUTH_VALUES if len(value) < 16]
    if weak:
        problems.append(
            Warning(
                f"{len(weak)} value(s) in OKTA_HOOK_AUTH_VALUES are shorter than 16 characters.",
                hint="Use a long random secret, e.g. secrets.token_urlsafe(32).",
                id="hooks.W002",
            )
        )
    return problems
