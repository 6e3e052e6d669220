"""Driving Okta from the portal: create the users, register the hooks, read confirmations
from the System Log, expire passwords, and finish the migration."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TextIO

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from legacy_users.hashing.okta_import import okta_hash_credential
from legacy_users.models import (
    LegacyUser,
    MigrationStatus,
    OktaPushState,
    SyncCursor,
)
from legacy_users.services.export import users_write_csv
from legacy_users.services.migration import (
    user_confirm_hash_import,
    user_record_password_expired,
    user_record_push,
)
from legacy_users.services.okta_events import (
    IMPORT_EVENT,
    okta_event_from_system_log,
    okta_event_mark_missing,
    okta_events_awaiting,
)
from okta import PASSWORD_IMPORT_HOOK_TYPE as PASSWORD_IMPORT_HOOK
from okta import OktaClient, OktaError, https_or_local

INLINE_HOOK_NAME = "Migration portal: password import"
EVENT_HOOK_NAME = "Migration portal: password import confirmations"
PUSH_BATCH = 200


# --- pushing users -----------------------------------------------------------------------------


@dataclass(slots=True)
class PushReport:
    """What a push did, per resulting state; `errors` keeps the first few to show."""

    states: Counter = field(default_factory=Counter)
    errors: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False


def okta_user_body(user: LegacyUser, credential: dict | None) -> dict:
    """Okta's create-user body: the profile, and the imported hash or the password hook."""
    login = user.login
    email = user.email or (login if "@" in login else "")
    local = login.split("@")[0]
    return {
        "profile": {
            "firstName": user.first_name or local,
            "lastName": user.last_name or local,
            "email": email,
            "login": login,
        },
        "credentials": {
            "password": {"hash": credential} if credential else {"hook": {"type": "default"}}
        },
    }


def _credential(user: LegacyUser, strategy: str) -> dict | None:
    if strategy != "auto":
        return None
    return okta_hash_credential(user.hash_format, user.password_hash, user.hash_check_params())


def _push_one(client: OktaClient, user: LegacyUser, strategy: str) -> tuple[str, str, str]:
    """(state, Okta id, error) for one user; talks to Okta, never to the database."""
    credential = _credential(user, strategy)
    try:
        created = client.create_user(okta_user_body(user, credential))
    except OktaError as exc:
        if exc.code == "E0000001" and any("already exists" in c for c in exc.causes):
            try:
                existing = client.get_user(user.login)
            except OktaError as lookup:
                return OktaPushState.FAILED, "", str(lookup)
            provider = (existing.get("credentials") or {}).get("provider") or {}
            if provider.get("type") == "IMPORT":
                return OktaPushState.LINKED, existing.get("id", ""), ""
            return (
                OktaPushState.CONFLICT,
                existing.get("id", ""),
                "already in Okta with its own password (not on the password hook)",
            )
        return OktaPushState.FAILED, "", str(exc)
    state = OktaPushState.IMPORTED_HASH if credential else OktaPushState.HOOK
    return state, created.get("id", ""), ""


def users_to_push():
    """The pending users a push has work for: not yet created in Okta, or failed before."""
    return LegacyUser.objects.filter(
        status=MigrationStatus.PENDING,
        okta_push_state__in=[OktaPushState.NOT_PUSHED, OktaPushState.FAILED],
    )


def okta_users_push(
    *,
    client: OktaClient | None,
    strategy: str = "hook",
    dry_run: bool = False,
    limit: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    among: QuerySet[LegacyUser] | None = None,
) -> PushReport:
    """Create the pending users not yet in Okta (and retry failed ones).

    `strategy` "hook" gives everyone the password-hook credential; "auto" sends the legacy
    hash itself where Okta can import it (such users are confirmed at once: Okta holds their
    password and never calls the hook for them). Resumable: each user's outcome is stored as
    it comes, and users already pushed are skipped. `among` narrows it to some users (an
    operator's selection in the admin).
    """
    report = PushReport(dry_run=dry_run)
    users = users_to_push().order_by("pk")
    if among is not None:
        users = users.filter(pk__in=among.values("pk"))
    if limit:
        users = users[:limit]
    done = 0
    batch: list[LegacyUser] = []

    def flush(pool):
        nonlocal done
        if dry_run:
            results = [
                (
                    OktaPushState.IMPORTED_HASH if _credential(u, strategy) else OktaPushState.HOOK,
                    "",
                    "",
                )
                for u in batch
            ]
        else:
            results = list(pool.map(lambda u: _push_one(client, u, strategy), batch))
        now = timezone.now()
        for user, (state, okta_id, error) in zip(batch, results, strict=True):
            report.states[state] += 1
            if error and len(report.errors) < 50:
                report.errors.append((user.login, error))
            if dry_run:
                continue
            user_record_push(user_id=user.pk, at=now, state=state, okta_id=okta_id, error=error)
            if state == OktaPushState.IMPORTED_HASH:
                user_confirm_hash_import(user_id=user.pk, at=now)
        done += len(batch)
        batch.clear()
        if on_progress:
            on_progress(done)

    with ThreadPoolExecutor(max_workers=max(1, settings.OKTA_API_CONCURRENCY)) as pool:
        for user in users.only(*LegacyUser.CHECK_FIELDS).iterator(chunk_size=PUSH_BATCH):
            batch.append(user)
            if len(batch) >= PUSH_BATCH:
                flush(pool)
        if batch:
            flush(pool)
    return report


# --- hooks -----------------------------------------------------------------------------------


def check_public_url(url: str) -> str:
    """The portal's public base URL: https, or http on this machine for local testing."""
    if not https_or_local(url):
        raise ValueError("--public-url must be https:// (http:// only for 127.0.0.1/localhost)")
    return url.rstrip("/")


def _channel(uri: str, *, header: str, secret: str) -> dict:
    """A hook's HTTP channel: Okta sends `secret` in `header` on every call."""
    return {
        "type": "HTTP",
        "version": "1.0.0",
        "config": {
            "uri": uri,
            "headers": [],
            "method": "POST",
            "authScheme": {
                "type": "HEADER",
                "key": header,
                "value": secret,
            },
        },
    }


def _uri_of(hook: dict) -> str:
    return ((hook.get("channel") or {}).get("config") or {}).get("uri", "")


def _auth_scheme(hook: dict) -> dict:
    return ((hook.get("channel") or {}).get("config") or {}).get("authScheme") or {}


def _ensure_hook(client: OktaClient, collection: str, label: str, body: dict, found: list):
    """Create the hook, or update the one found when it points elsewhere; (hook, action)."""
    uri = _uri_of(body)
    if not found:
        hook = client.post(collection, body)
        return hook, f"created the {label} {hook['id']} -> {uri}"
    hook = found[0]
    same = (
        _uri_of(hook) == uri
        and _auth_scheme(hook) == _auth_scheme(body)
        and hook.get("events") == body.get("events")
    )
    if same:
        return hook, f"the {label} {hook['id']} already points at {uri}"
    hook = client.put(f"{collection}/{hook['id']}", body)
    return hook, f"updated the {label} {hook['id']} -> {uri}"


def okta_hooks_register(*, client: OktaClient, public_url: str) -> list[str]:
    """Create or update, and activate, the password import inline hook and the
    `user.import.password` event hook, then have Okta verify the event hook. Each hook gets
    its own secret (the first of OKTA_HOOK_AUTH_VALUES, of OKTA_EVENT_HOOK_AUTH_VALUES);
    without an event hook secret only the inline hook is registered. Idempotent: returns
    what it did, one line per step."""
    if not settings.OKTA_HOOK_AUTH_VALUES:
        raise ValueError("OKTA_HOOK_AUTH_VALUES is empty: Okta would have no secret to send")
    base = check_public_url(public_url)
    inline_uri, events_uri = f"{base}/hooks/password-import", f"{base}/hooks/okta-events"
    actions = []

    inline_body = {
        "name": INLINE_HOOK_NAME,
        "type": PASSWORD_IMPORT_HOOK,
        "version": "1.0.0",
        "channel": _channel(
            inline_uri,
            header=settings.OKTA_HOOK_AUTH_HEADER,
            secret=settings.OKTA_HOOK_AUTH_VALUES[0],
        ),
    }
    found = [
        h
        for h in client.get("/api/v1/inlineHooks", params={"type": PASSWORD_IMPORT_HOOK}) or []
        if h.get("name") == INLINE_HOOK_NAME or _uri_of(h) == inline_uri
    ]
    hook, action = _ensure_hook(client, "/api/v1/inlineHooks", "inline hook", inline_body, found)
    actions.append(action)
    if hook.get("status") != "ACTIVE":
        client.post(f"/api/v1/inlineHooks/{hook['id']}/lifecycle/activate")
        actions.append(f"activated the inline hook {hook['id']}")

    if not settings.OKTA_EVENT_HOOK_AUTH_VALUES:
        actions.append(
            "no event hook: OKTA_EVENT_HOOK_AUTH_VALUES is not set (confirmations then come "
            "from okta_sync_imports only)"
        )
        return actions
    event_body = {
        "name": EVENT_HOOK_NAME,
        "events": {"type": "EVENT_TYPE", "items": [IMPORT_EVENT]},
        "channel": _channel(
            events_uri,
            header=settings.OKTA_EVENT_HOOK_AUTH_HEADER,
            secret=settings.OKTA_EVENT_HOOK_AUTH_VALUES[0],
        ),
    }
    found = [
        h
        for h in client.get("/api/v1/eventHooks") or []
        if h.get("name") == EVENT_HOOK_NAME or _uri_of(h) == events_uri
    ]
    hook, action = _ensure_hook(client, "/api/v1/eventHooks", "event hook", event_body, found)
    actions.append(action)
    if hook.get("verificationStatus") != "VERIFIED":
        client.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/verify")
        actions.append(f"Okta verified the event hook {hook['id']}")
    return actions


def okta_inline_hook_deactivate(*, client: OktaClient) -> list[str]:
    hooks = client.get("/api/v1/inlineHooks", params={"type": PASSWORD_IMPORT_HOOK}) or []
    actions = []
    for hook in hooks:
        if hook.get("status") == "ACTIVE":
            client.post(f"/api/v1/inlineHooks/{hook['id']}/lifecycle/deactivate")
            actions.append(f"deactivated the inline hook {hook['id']} ({hook.get('name')})")
    return actions or ["no active password import hook"]


# --- the System Log ------------------------------------------------------------------------


@dataclass(slots=True)
class SyncReport:
    read: int = 0
    applied: Counter = field(default_factory=Counter)
    since: str = ""
    until: str = ""
    #: Event hook deliveries looked up in the System Log by uuid: found, missing, waiting.
    checked: Counter = field(default_factory=Counter)


SYSTEM_LOG_CURSOR = "system_log:user.import.password"
#: How long an event hook delivery may wait for Okta's record (the System Log lags by
#: seconds) before it is refused for good.
RECORD_GRACE = timedelta(minutes=15)
#: Event hook deliveries looked up one by one per run (each lookup is one System Log call).
LOOKUPS_PER_RUN = 500


def okta_imports_sync(*, client: OktaClient, since: str = "") -> SyncReport:
    """Read `user.import.password` events from the System Log since the stored cursor (or
    `since`), following Okta's next links, and apply them: they are Okta's own record. Then
    look up, by uuid, the event hook deliveries still awaiting Okta's record."""
    cursor, _ = SyncCursor.objects.get_or_create(name=SYSTEM_LOG_CURSOR)
    report = SyncReport(since=since or cursor.value)
    params = {"filter": f'eventType eq "{IMPORT_EVENT}"', "limit": "1000"}
    if report.since:
        params["since"] = report.since
    latest = report.since
    for event in client.paginate("/api/v1/logs", params=params):
        report.read += 1
        record = okta_event_from_system_log(event=event)
        report.applied[record.effect if record else "seen before"] += 1
        published = str(event.get("published") or "")
        latest = max(latest, published)
    if latest and latest != cursor.value:
        cursor.value = latest
        cursor.save(update_fields=["value", "updated_at"])
    report.until = latest
    _check_awaiting(client, report)
    return report


def _check_awaiting(client: OktaClient, report: SyncReport) -> None:
    """Look each awaiting delivery up in the System Log by its uuid: found, it is applied on
    Okta's copy; still missing after RECORD_GRACE, it is refused for good."""
    now = timezone.now()
    for record in okta_events_awaiting(limit=LOOKUPS_PER_RUN):
        since = (record.received_at - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        found = None
        for event in client.paginate(
            "/api/v1/logs", params={"filter": f'uuid eq "{record.uuid}"', "since": since}
        ):
            if event.get("uuid") == record.uuid:
                found = event
                break
        if found is not None:
            applied = okta_event_from_system_log(event=found)
            report.checked["found in Okta's System Log"] += 1
            if applied is not None:
                report.applied[applied.effect] += 1
        elif now - record.received_at > RECORD_GRACE:
            if okta_event_mark_missing(record=record):
                report.checked["refused: not in Okta's System Log"] += 1
        else:
            report.checked["still awaiting Okta's record"] += 1


# --- expiring passwords and the end game -------------------------------------------------------


def _expire_all(client: OktaClient | None, users: Iterable[LegacyUser], dry_run: bool) -> Counter:
    outcome: Counter = Counter()
    for user in users:
        if dry_run:
            outcome["would expire"] += 1
            continue
        try:
            client.expire_password(user.okta_id)
        except OktaError as exc:
            outcome[f"failed: {exc.code or exc.status}"] += 1
            continue
        user_record_password_expired(user_id=user.pk, at=timezone.now())
        outcome["expired"] += 1
    return outcome


def okta_weak_passwords_expire(*, client: OktaClient | None, dry_run: bool = False) -> Counter:
    """Expire the Okta password of confirmed users whose imported password is weak, so they
    choose a new one at their next sign-in (Okta's policy never saw the imported one)."""
    users = (
        LegacyUser.objects.filter(
            weak_password=True,
            status__in=[MigrationStatus.CONFIRMED, MigrationStatus.PURGED],
            okta_password_expired_at__isnull=True,
        )
        .exclude(okta_id="")
        .only("id", "okta_id")
    )
    return _expire_all(client, users.iterator(), dry_run)


#: What the reset campaign's CSV holds for each user who never signed in.
RESET_CAMPAIGN_FIELDS = (
    "login",
    "email",
    "first_name",
    "last_name",
    "okta_id",
    "source",
    "last_attempt_at",
)


@dataclass(slots=True)
class FinishReport:
    never_signed_in: int = 0
    by_push_state: Counter = field(default_factory=Counter)
    exported: int = 0
    expired: Counter = field(default_factory=Counter)
    hook: list[str] = field(default_factory=list)


def okta_migration_finish(
    *,
    client: OktaClient | None,
    cutoff: datetime,
    export_to: TextIO | None = None,
    expire_passwords: bool = False,
    deactivate_hook: bool = False,
) -> FinishReport:
    """The end of the migration window: the users loaded before `cutoff` who never signed in
    (still pending), exported for a reset campaign and/or their Okta passwords expired, and
    the inline hook switched off."""
    report = FinishReport()
    users = LegacyUser.objects.filter(status=MigrationStatus.PENDING, created_at__lt=cutoff)
    report.by_push_state = Counter(
        dict(users.values_list("okta_push_state").annotate(n=Count("id")).order_by())
    )
    report.never_signed_in = report.by_push_state.total()
    if export_to is not None:
        report.exported = users_write_csv(
            out=export_to, users=users.order_by("login_key"), fields=RESET_CAMPAIGN_FIELDS
        )
    if expire_passwords:
        report.expired = _expire_all(
            client, users.exclude(okta_id="").only("id", "okta_id").iterator(), dry_run=False
        )
    if deactivate_hook:
        report.hook = okta_inline_hook_deactivate(client=client)
    return report
