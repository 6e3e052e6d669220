"""Registering the portal's two hooks with Okta: the password import inline hook and the
`user.import.password` event hook, each with its own secret."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from legacy_users.app_settings import hook_settings
from okta_api import Hook, HookTarget, OktaClient, https_or_local
from okta_api.events import IMPORT_EVENT
from okta_api.hooks import event_hook_body, inline_hook_create_body, inline_hook_replace_body

INLINE_HOOK_NAME = "Migration portal: password import"
EVENT_HOOK_NAME = "Migration portal: password import confirmations"


def check_public_url(url: str) -> str:
    """The portal's public base URL: https, or http on this machine for local testing."""
    if not https_or_local(url):
        raise ValueError("--public-url must be https:// (http:// only for 127.0.0.1/localhost)")
    return url.rstrip("/")


@dataclass(frozen=True, slots=True)
class HookTargets:
    """Where Okta should call the portal's two hooks, and with which secrets."""

    inline: HookTarget
    inline_secret: str
    #: None when no event hook secret is configured (confirmations from the System Log only).
    event: HookTarget | None
    event_secret: str


def hook_targets(*, public_url: str, inline_path: str, events_path: str) -> HookTargets:
    """The hooks as they should be in Okta for a portal served at `public_url`; the secrets
    are the first of OKTA_HOOK_AUTH_VALUES and of OKTA_EVENT_HOOK_AUTH_VALUES."""
    config = hook_settings()
    if not config.auth_values:
        raise ValueError("OKTA_HOOK_AUTH_VALUES is empty: Okta would have no secret to send")
    base = check_public_url(public_url)
    inline = HookTarget(INLINE_HOOK_NAME, base + inline_path, config.auth_header)
    event = None
    if config.event_auth_values:
        event = HookTarget(
            EVENT_HOOK_NAME, base + events_path, config.event_auth_header, (IMPORT_EVENT,)
        )
    return HookTargets(
        inline=inline,
        inline_secret=config.auth_values[0],
        event=event,
        event_secret=config.event_auth_values[0] if config.event_auth_values else "",
    )


def find_hook(existing: list[Hook], target: HookTarget) -> Hook | None:
    """Ours among the org's hooks: by name, or by the URL it calls."""
    return next((h for h in existing if h.name == target.name or h.uri == target.uri), None)


def _ensure_hook(
    existing: list[Hook],
    target: HookTarget,
    *,
    create: Callable[[], Hook],
    replace: Callable[[str], Hook],
    label: str,
    rotate_secret: bool,
) -> tuple[Hook, str]:
    """Create the hook, or replace ours among `existing` when what Okta returns differs
    from `target` (or when the secret is to be rotated); (hook, action). Okta never returns
    the secret, so a hook that matches otherwise is left alone: no write call."""
    hook = find_hook(existing, target)
    if hook is None:
        hook = create()
        return hook, f"created the {label} {hook.id} -> {target.uri}"
    differences = hook.differences(target)
    if not differences and not rotate_secret:
        return hook, f"the {label} {hook.id} already points at {target.uri}"
    why = "; ".join(differences) if differences else "rotating its secret"
    hook = replace(hook.id)
    return hook, f"updated the {label} {hook.id} -> {target.uri} (was: {why})"


def okta_hooks_register(
    *,
    client: OktaClient,
    public_url: str,
    inline_path: str,
    events_path: str,
    rotate_secret: bool = False,
) -> list[str]:
    """Create or update, and activate, the password import inline hook and the
    `user.import.password` event hook, then have Okta verify the event hook. Okta calls them
    at `public_url` + `inline_path` / `events_path` (the hooks' own paths, which their URLconf
    knows). Each hook gets its own secret (the first of OKTA_HOOK_AUTH_VALUES, of
    OKTA_EVENT_HOOK_AUTH_VALUES); without an event hook secret only the inline hook is
    registered.

    Idempotent: a hook Okta already holds as wanted is not written again, so a second run
    makes no write call. The secret is sent when a hook is created or replaced (Okta's
    replace takes the whole channel), and with `rotate_secret` even when nothing else
    differs. Returns what it did, one line per step."""
    targets = hook_targets(public_url=public_url, inline_path=inline_path, events_path=events_path)
    actions = []
    inline = targets.inline
    hook, action = _ensure_hook(
        client.password_import_hooks(),
        inline,
        create=lambda: client.create_inline_hook(
            inline_hook_create_body(inline, targets.inline_secret)
        ),
        replace=lambda hook_id: client.replace_inline_hook(
            hook_id, inline_hook_replace_body(inline, targets.inline_secret)
        ),
        label="inline hook",
        rotate_secret=rotate_secret,
    )
    actions.append(action)
    if not hook.active:
        client.activate_inline_hook(hook.id)
        actions.append(f"activated the inline hook {hook.id}")

    event = targets.event
    if event is None:
        actions.append(
            "no event hook: OKTA_EVENT_HOOK_AUTH_VALUES is not set (confirmations then come "
            "from okta_sync_imports only)"
        )
        return actions
    body = event_hook_body(event, targets.event_secret)
    hook, action = _ensure_hook(
        client.event_hooks(),
        event,
        create=lambda: client.create_event_hook(body),
        replace=lambda hook_id: client.replace_event_hook(hook_id, body),
        label="event hook",
        rotate_secret=rotate_secret,
    )
    actions.append(action)
    if not hook.active:
        client.activate_event_hook(hook.id)
        actions.append(f"activated the event hook {hook.id}")
    if not hook.verified:
        client.verify_event_hook(hook.id)
        actions.append(f"Okta verified the event hook {hook.id}")
    return actions


def okta_inline_hook_deactivate(*, client: OktaClient) -> list[str]:
    """Switch every active password import hook off (the end of the migration window)."""
    actions = []
    for hook in client.password_import_hooks():
        if hook.active:
            client.deactivate_inline_hook(hook.id)
            actions.append(f"deactivated the inline hook {hook.id} ({hook.name})")
    return actions or ["no active password import hook"]
