"""Registering the portal's two hooks with Okta: the password import inline hook and the
`user.import.password` event hook, each with its own secret."""

from __future__ import annotations

from collections.abc import Callable

from legacy_users.hook_settings import hook_settings
from legacy_users.services.okta_events import IMPORT_EVENT
from okta_api import OktaClient, https_or_local
from okta_api.client import (
    Json,
    event_hook_body,
    hook_auth_scheme,
    hook_channel_uri,
    http_channel,
    password_import_hook_body,
)

INLINE_HOOK_NAME = "Migration portal: password import"
EVENT_HOOK_NAME = "Migration portal: password import confirmations"


def check_public_url(url: str) -> str:
    """The portal's public base URL: https, or http on this machine for local testing."""
    if not https_or_local(url):
        raise ValueError("--public-url must be https:// (http:// only for 127.0.0.1/localhost)")
    return url.rstrip("/")


def _ensure_hook(
    existing: list[Json],
    create: Callable[[Json], Json],
    update: Callable[[str, Json], Json],
    label: str,
    body: Json,
) -> tuple[Json, str]:
    """Create the hook, or update ours among `existing` (by name, or by the URL it calls)
    when it points elsewhere or authenticates otherwise; (hook, action)."""
    uri = hook_channel_uri(body)
    found = [h for h in existing if h.get("name") == body["name"] or hook_channel_uri(h) == uri]
    if not found:
        hook = create(body)
        return hook, f"created the {label} {hook['id']} -> {uri}"
    hook = found[0]
    same = (
        hook_channel_uri(hook) == uri
        and hook_auth_scheme(hook) == hook_auth_scheme(body)
        and hook.get("events") == body.get("events")
    )
    if same:
        return hook, f"the {label} {hook['id']} already points at {uri}"
    hook = update(hook["id"], body)
    return hook, f"updated the {label} {hook['id']} -> {uri}"


def okta_hooks_register(
    *, client: OktaClient, public_url: str, inline_path: str, events_path: str
) -> list[str]:
    """Create or update, and activate, the password import inline hook and the
    `user.import.password` event hook, then have Okta verify the event hook. Okta calls them
    at `public_url` + `inline_path` / `events_path` (the hooks' own paths, which their URLconf
    knows). Each hook gets its own secret (the first of OKTA_HOOK_AUTH_VALUES, of
    OKTA_EVENT_HOOK_AUTH_VALUES); without an event hook secret only the inline hook is
    registered. Idempotent: returns what it did, one line per step."""
    config = hook_settings()
    if not config.auth_values:
        raise ValueError("OKTA_HOOK_AUTH_VALUES is empty: Okta would have no secret to send")
    base = check_public_url(public_url)
    inline_uri, events_uri = base + inline_path, base + events_path
    actions = []

    inline_body = password_import_hook_body(
        INLINE_HOOK_NAME,
        http_channel(
            inline_uri,
            header=config.auth_header,
            secret=config.auth_values[0],
        ),
    )
    hook, action = _ensure_hook(
        client.password_import_hooks(),
        client.create_inline_hook,
        client.update_inline_hook,
        "inline hook",
        inline_body,
    )
    actions.append(action)
    if hook.get("status") != "ACTIVE":
        client.activate_inline_hook(hook["id"])
        actions.append(f"activated the inline hook {hook['id']}")

    if not config.event_auth_values:
        actions.append(
            "no event hook: OKTA_EVENT_HOOK_AUTH_VALUES is not set (confirmations then come "
            "from okta_sync_imports only)"
        )
        return actions
    event_body = event_hook_body(
        EVENT_HOOK_NAME,
        [IMPORT_EVENT],
        http_channel(
            events_uri,
            header=config.event_auth_header,
            secret=config.event_auth_values[0],
        ),
    )
    hook, action = _ensure_hook(
        client.event_hooks(),
        client.create_event_hook,
        client.update_event_hook,
        "event hook",
        event_body,
    )
    actions.append(action)
    if hook.get("verificationStatus") != "VERIFIED":
        client.verify_event_hook(hook["id"])
        actions.append(f"Okta verified the event hook {hook['id']}")
    return actions


def okta_inline_hook_deactivate(*, client: OktaClient) -> list[str]:
    """Switch every active password import hook off (the end of the migration window)."""
    actions = []
    for hook in client.password_import_hooks():
        if hook.get("status") == "ACTIVE":
            client.deactivate_inline_hook(hook["id"])
            actions.append(f"deactivated the inline hook {hook['id']} ({hook.get('name')})")
    return actions or ["no active password import hook"]
