"""The go-live check against the real org: everything the migration needs from Okta,
read and never changed, each finding with the fix in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from legacy_users.services.okta_hooks import find_hook, hook_targets
from legacy_users.services.okta_profiles import okta_profiles_check
from okta_api import Hook, HookTarget, OktaClient, OktaError
from okta_api.events import IMPORT_EVENT

#: Below this share of an endpoint's rate limit left, the check warns.
LOW_HEADROOM = 0.2


@dataclass(frozen=True, slots=True)
class Finding:
    """One check: passed or not, what was found, and how to fix it."""

    ok: bool
    what: str
    fix: str = ""


@dataclass(slots=True)
class OrgCheck:
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return sum(not f.ok for f in self.findings)

    def add(self, ok: bool, what: str, fix: str = "") -> None:
        self.findings.append(Finding(ok, what, "" if ok else fix))


def okta_org_check(
    *, client: OktaClient, public_url: str, inline_path: str, events_path: str
) -> OrgCheck:
    """Check, read-only, that the org is ready: the API token and its rate-limit headroom,
    both hooks registered, active and pointing at `public_url`, the event hook verified,
    every profile still to push acceptable to the org's schema, the System Log readable."""
    report = OrgCheck()
    targets = hook_targets(public_url=public_url, inline_path=inline_path, events_path=events_path)
    steps: list[Callable[[], None]] = [
        lambda: _token(client, report),
        lambda: _inline_hook(client, report, targets.inline),
        lambda: _event_hook(client, report, targets.event),
        lambda: _profiles(client, report),
        lambda: _system_log(client, report),
    ]
    for step in steps:
        try:
            step()
        except OktaError as exc:
            report.add(False, f"Okta answered an error: {exc}", _fix_for(exc))
            if exc.status == 401:
                break  # nothing else can be read with this token
    _headroom(client, report)
    return report


def _fix_for(exc: OktaError) -> str:
    if exc.status == 401:
        return (
            "OKTA_API_TOKEN is not a valid token for OKTA_ORG_URL: create one in Okta "
            "(Security > API > Tokens) as an admin allowed to manage users and hooks"
        )
    if exc.status == 403:
        return (
            "the token's admin lacks a permission: use a Super or Org Administrator's token, "
            "or grant users, hooks, schemas and System Log read"
        )
    return "see Okta's errorSummary; run the check again"


def _token(client: OktaClient, report: OrgCheck) -> None:
    me = client.current_user()
    report.add(True, f"API token valid (acts as {me.login or me.id})")


def _hook_problems(hook: Hook, target: HookTarget) -> list[str]:
    problems = [f"holds {d}" for d in hook.differences(target)]
    if not hook.active:
        problems.append("is not active")
    return problems


def _inline_hook(client: OktaClient, report: OrgCheck, target: HookTarget) -> None:
    hooks = client.password_import_hooks()
    hook = find_hook(hooks, target)
    register = "run okta_register_hooks --public-url with the same URL"
    if hook is None:
        report.add(False, f"no password import inline hook calls {target.uri}", register)
        return
    problems = _hook_problems(hook, target)
    report.add(
        not problems,
        f"inline hook {hook.id} -> {hook.uri}"
        + (f": {', '.join(problems)}" if problems else ", active"),
        register,
    )
    others = [h for h in hooks if h.id != hook.id and h.active]
    if others:
        report.add(
            False,
            f"{len(others)} other active password import hook(s): "
            + ", ".join(h.id for h in others),
            "Okta uses one password import hook per org: deactivate the others in Okta",
        )


def _event_hook(client: OktaClient, report: OrgCheck, target: HookTarget | None) -> None:
    if target is None:
        report.add(
            True,
            "no event hook configured (OKTA_EVENT_HOOK_AUTH_VALUES unset): confirmations "
            "come from okta_sync_imports alone, run it every few minutes",
        )
        return
    hook = find_hook(client.event_hooks(), target)
    register = "run okta_register_hooks --public-url with the same URL"
    if hook is None:
        report.add(False, f"no event hook calls {target.uri}", register)
        return
    problems = _hook_problems(hook, target)
    if not hook.verified:
        problems.append("is not verified")
    report.add(
        not problems,
        f"event hook {hook.id} -> {hook.uri}"
        + (f": {', '.join(problems)}" if problems else ", active and verified"),
        register,
    )


def _profiles(client: OktaClient, report: OrgCheck) -> None:
    schema = client.user_schema()
    check = okta_profiles_check(schema=schema)
    reasons = ", ".join(f"{reason} ({n})" for reason, n in check.reasons.most_common(5))
    report.add(
        not check.refused,
        f"{check.checked} profiles still to push, logins must be {schema.login_rule}; "
        + (f"Okta would refuse {check.refused}: {reasons}" if check.refused else "all acceptable"),
        "run okta_check_profiles for the list; fix the data and reload, set OKTA_PROFILE_MAP, "
        "or change the org's profile schema",
    )


def _system_log(client: OktaClient, report: OrgCheck) -> None:
    now = timezone.now()
    events = client.system_log(
        event_type=IMPORT_EVENT, since=now - timedelta(hours=1), until=now, limit=1
    )
    next(iter(events), None)
    report.add(True, "System Log readable")


def _headroom(client: OktaClient, report: OrgCheck) -> None:
    for path, limit in sorted(client.limits.items()):
        low = limit.limit and limit.remaining < limit.limit * LOW_HEADROOM
        report.add(
            not low,
            f"rate limit {path}: {limit.remaining} of {limit.limit} left this window",
            "other clients are using this org's API rate limit: find them (Reports > Rate "
            "Limits) or run the push when they are quiet",
        )
