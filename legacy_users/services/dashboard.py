"""The operators' dashboard: how far the migration is, what fails, what needs a person.

Everything here is read from the user tally, the hook roll-ups and small tables, so the page
costs the same at a million users as at eight (bench/admin_pages.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from legacy_users.app_settings import app_settings
from legacy_users.models import (
    AttemptReason,
    LoadRun,
    MigrationStatus,
    OktaPushState,
    PushJob,
)
from legacy_users.services.hook_stats import HookStats, hook_stats, rollup_hook_calls
from legacy_users.services.push_jobs import push_job_left
from legacy_users.services.user_counts import locked_now, user_counts

IN_OKTA = (OktaPushState.HOOK, OktaPushState.IMPORTED_HASH, OktaPushState.LINKED)
#: Hook answers that mean a user's stored hash cannot be checked as it is.
HASH_PROBLEMS = (
    AttemptReason.UNSUPPORTED_HASH,
    AttemptReason.MALFORMED_HASH,
    AttemptReason.OVER_COST,
    AttemptReason.NO_HASH,
    AttemptReason.ERROR,
)
#: More account locks than this in an hour is a storm worth a look (a spray, or a bug).
LOCK_STORM = 20
#: Calls older than this and still not rolled up: the worker is not doing its job.
ROLLUP_LATE = timedelta(minutes=15)


@dataclass(frozen=True)
class FunnelStage:
    label: str
    count: int
    share: float  # of the users loaded
    #: The users list's filters that show them (empty: no link).
    filters: Mapping[str, str]


@dataclass(frozen=True)
class Attention:
    label: str
    count: int
    #: The users list's filters that show them (empty: no link).
    filters: Mapping[str, str]


@dataclass(frozen=True)
class FormatRow:
    name: str
    users: int
    imported: int  # created in Okta with the hash itself
    hook: int  # created in Okta with the password hook (or linked to it)
    check_ms: float | None  # mean hook call time for a password check, last 7 days
    #: The users list's filters that show them.
    filters: Mapping[str, str]


@dataclass
class Dashboard:
    loaded: int
    funnel: list[FunnelStage]
    #: Each migration status's current count (the funnel above is cumulative).
    now: list[FunnelStage]
    never_signed_in: int
    locked: int
    weak: int
    push: dict[str, int]
    formats: list[FormatRow]
    hooks: HookStats
    load_runs: list[LoadRun]
    #: The latest Okta push the worker ran or runs (None: none yet), and its time left.
    push_job: PushJob | None
    push_job_left: str
    attention: list[Attention]
    generated_at: datetime

    @property
    def per_day_chart(self) -> dict[str, list[Any]]:
        """The sign-ins-per-day chart's series (for the page's script, as JSON)."""
        days = self.hooks.per_day
        return {
            "labels": [day.isoformat() for day in days],
            **{
                series: [counts[series] for counts in days.values()]
                for series in ("verified", "failed", "unavailable")
            },
        }


#: Creates sent without an answer, in the users list's `__in` filter.
UNANSWERED = (OktaPushState.UNANSWERED_HOOK, OktaPushState.UNANSWERED_HASH)


def _share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def dashboard(now: datetime | None = None) -> Dashboard:
    """Every figure of the dashboard, as of `now`."""
    now = now or timezone.now()
    counts = user_counts()
    status = counts["status"]
    loaded = sum(status.values())
    push = counts["push"]
    verified = sum(
        status.get(s, 0)
        for s in (MigrationStatus.VERIFIED, MigrationStatus.CONFIRMED, MigrationStatus.PURGED)
    )
    confirmed = status.get(MigrationStatus.CONFIRMED, 0) + status.get(MigrationStatus.PURGED, 0)
    stages = [
        ("Loaded", loaded, {}),
        ("In Okta", sum(push.get(p, 0) for p in IN_OKTA), {}),
        ("Verified (we said VERIFIED)", verified, {}),
        ("Confirmed by Okta", confirmed, {}),
        (
            "Hash purged",
            status.get(MigrationStatus.PURGED, 0),
            {"status__exact": MigrationStatus.PURGED},
        ),
    ]
    current = [
        FunnelStage(
            label,
            status.get(value, 0),
            _share(status.get(value, 0), loaded),
            {"status__exact": value},
        )
        for value, label in MigrationStatus.choices
    ]
    if not app_settings().worker_available:
        # No worker (SQLite, the demo): the roll-up happens as the figures are read.
        rollup_hook_calls(now)
    hooks = hook_stats(now)
    format_push = counts["format_push"]
    formats = []
    for name, users in sorted(counts["format"].items(), key=lambda item: -item[1]):
        imported = format_push.get(f"{name}|{OktaPushState.IMPORTED_HASH}", 0)
        hook = sum(
            format_push.get(f"{name}|{p}", 0) for p in (OktaPushState.HOOK, OktaPushState.LINKED)
        )
        cost = hooks.check_cost.get(name)
        formats.append(
            FormatRow(
                name or "(unknown)",
                users,
                imported,
                hook,
                cost and cost[1],
                filters={"hash_format": name or ""},
            )
        )
    locked = locked_now()
    push_job = PushJob.objects.order_by("-created_at").first()
    return Dashboard(
        loaded=loaded,
        now=current,
        funnel=[FunnelStage(label, n, _share(n, loaded), f) for label, n, f in stages],
        never_signed_in=counts["signed_in"].get("no", 0),
        locked=locked,
        weak=counts["weak"].get("yes", 0),
        push={label: push.get(value, 0) for value, label in OktaPushState.choices},
        formats=formats,
        hooks=hooks,
        load_runs=list(LoadRun.objects.order_by("-started_at")[:5]),
        push_job=push_job,
        push_job_left=push_job_left(push_job, now) if push_job else "",
        attention=_attention(counts, hooks, locked, now),
        generated_at=now,
    )


def _attention(
    counts: dict[str, Any], hooks: HookStats, locked: int, now: datetime
) -> list[Attention]:
    """What needs a person, largest first; only what is there."""
    push = counts["push"]
    behind = hooks.oldest_unrolled is not None and hooks.oldest_unrolled < now - ROLLUP_LATE
    hash_calls = sum(hooks.reasons.get(reason, 0) for reason in HASH_PROBLEMS)
    items = [
        Attention(
            "Users whose hash matches no known format",
            counts["format"].get("", 0),
            {"hash_format": ""},
        ),
        Attention(
            "Hook calls that could not check a stored hash (unsupported, malformed, over the "
            "cost ceiling), last 7 days",
            hash_calls,
            {},
        ),
        Attention(
            "Okta push failures",
            push.get(OktaPushState.FAILED, 0),
            {"okta_push_state__exact": OktaPushState.FAILED},
        ),
        Attention(
            "Already in Okta, not created by this portal (conflicts)",
            push.get(OktaPushState.CONFLICT, 0),
            {"okta_push_state__exact": OktaPushState.CONFLICT},
        ),
        Attention(
            "Profiles Okta's schema refuses (not pushed until they change)",
            push.get(OktaPushState.REFUSED, 0),
            {"okta_push_state__exact": OktaPushState.REFUSED},
        ),
        Attention(
            "Okta creates sent without an answer (retried by the next push)",
            push.get(OktaPushState.UNANSWERED_HOOK, 0) + push.get(OktaPushState.UNANSWERED_HASH, 0),
            {"okta_push_state__in": ",".join(UNANSWERED)},
        ),
        Attention(
            "Hook calls the worker has not rolled up for over 15 minutes (it does every 5): "
            "is the worker running?",
            hooks.unrolled_calls if behind else 0,
            {},
        ),
        Attention(
            f"Users locked now{' (a lock storm?)' if locked > LOCK_STORM else ''}",
            locked,
            {"locked": "yes"},
        ),
    ]
    return sorted((item for item in items if item.count), key=lambda item: -item.count)
