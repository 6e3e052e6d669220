"""What the hook has been answering: sign-ins per day, reasons, latency, 503s, per format.

The hook log grows by millions of rows, so the dashboard never reads it whole: calls are
rolled up into `HookCallHour` rows (hour, outcome, reason, format, latency band) minute by
minute, each call exactly once (`rollup_hook_calls`, run by the worker every five minutes),
and only the calls since the last roll-up are read from the log itself: reading writes
nothing. A call is rolled up once it is a minute
old: its row is committed by then (the hook answers within 3 s), so a later commit cannot
slip behind the roll-up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, QuerySet, Sum, Value, When
from django.db.models.functions import TruncHour
from django.utils import timezone

from legacy_users.models import (
    AttemptOutcome,
    AttemptReason,
    HookCallDay,
    HookCallHour,
    SyncCursor,
    VerificationAttempt,
)

#: A call is in band i when it took less than LATENCY_BANDS_MS[i] ms; the last band
#: (index len(LATENCY_BANDS_MS)) holds the calls of 3 s and more.
LATENCY_BANDS_MS = (10, 25, 50, 100, 250, 500, 1000, 2000, 3000)
SETTLE = timedelta(minutes=1)
CURSOR = "hook_call_rollup"
KEY = ("hour", "outcome", "reason", "hash_format", "band")
#: Reasons that are a password check's verdict (their time is the check's cost).
CHECKED = (AttemptReason.VERIFIED, AttemptReason.WRONG_PASSWORD)
#: One group of calls: its key fields and sums.
Row = dict[str, Any]


def _band() -> Case:
    return Case(
        *(When(duration_ms__lt=limit, then=Value(i)) for i, limit in enumerate(LATENCY_BANDS_MS)),
        default=Value(len(LATENCY_BANDS_MS)),
        output_field=IntegerField(),
    )


def _grouped(calls: QuerySet[VerificationAttempt]) -> list[Row]:
    """Calls summed per hour, outcome, reason, format and latency band."""
    return list(
        calls.order_by()
        .annotate(hour=TruncHour("created_at"), band=_band())
        .values(*KEY)
        .annotate(calls=Count("id"), total_ms=Sum("duration_ms"))
    )


def _floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def rolled_until() -> datetime | None:
    """Up to when the hook calls are counted in the hourly and daily figures (None: not
    yet)."""
    value = SyncCursor.objects.filter(name=CURSOR).values_list("value", flat=True).first()
    return datetime.fromisoformat(value) if value else None


def rollup_hook_calls(now: datetime | None = None) -> int:
    """Add the calls logged since the last roll-up (up to a minute ago) to `HookCallHour`;
    return how many calls were added. Safe to run from several processes at once: the
    cursor row is locked for the roll-up, and each call is counted once."""
    until = _floor_minute((now or timezone.now()) - SETTLE)
    try:
        with transaction.atomic():
            cursor, _ = SyncCursor.objects.select_for_update().get_or_create(name=CURSOR)
            if cursor.value:
                start = datetime.fromisoformat(cursor.value)
            else:
                first = VerificationAttempt.objects.order_by("created_at").first()
                start = first.created_at if first else until
            if start >= until:
                return 0
            rows = _grouped(
                VerificationAttempt.objects.filter(created_at__gte=start, created_at__lt=until)
            )
            _add(rows)
            cursor.value = until.isoformat()
            cursor.save(update_fields=["value", "updated_at"])
            return sum(row["calls"] for row in rows)
    except IntegrityError:  # another process created the cursor first: it is rolling up
        return 0


def _add(rows: list[Row]) -> None:
    """Add `rows` to the hour rows and the day rows (made when missing)."""
    if not rows:
        return
    _add_days(rows)
    hours = {row["hour"] for row in rows}
    existing = {
        tuple(getattr(hour, k) for k in KEY): hour
        for hour in HookCallHour.objects.filter(hour__in=hours)
    }
    new = []
    for row in rows:
        key = tuple(row[k] for k in KEY)
        if key in existing:
            existing[key].calls += row["calls"]
            existing[key].total_ms += row["total_ms"] or 0
        else:
            new.append(
                HookCallHour(
                    **{k: row[k] for k in KEY}, calls=row["calls"], total_ms=row["total_ms"] or 0
                )
            )
    HookCallHour.objects.bulk_update(existing.values(), ["calls", "total_ms"], batch_size=1000)
    HookCallHour.objects.bulk_create(new, batch_size=1000)


def _add_days(rows: list[Row]) -> None:
    per_day: defaultdict[tuple[date, str], int] = defaultdict(int)
    for row in rows:
        per_day[(row["hour"].date(), row["outcome"])] += row["calls"]
    existing = {
        (day.day, day.outcome): day
        for day in HookCallDay.objects.filter(day__in={day for day, _ in per_day})
    }
    new = []
    for (day, outcome), calls in per_day.items():
        if (day, outcome) in existing:
            existing[(day, outcome)].calls += calls
        else:
            new.append(HookCallDay(day=day, outcome=outcome, calls=calls))
    HookCallDay.objects.bulk_update(existing.values(), ["calls"], batch_size=1000)
    HookCallDay.objects.bulk_create(new, batch_size=1000)


@dataclass
class Window:
    """Calls over one period: how many, answered how, how fast."""

    calls: int = 0
    unavailable: int = 0
    bands: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BANDS_MS) + 1))

    def add(self, row: Mapping[str, Any]) -> None:
        self.calls += row["calls"]
        if row["outcome"] == AttemptOutcome.ERROR:
            self.unavailable += row["calls"]
        self.bands[row["band"]] += row["calls"]

    def percentile(self, share: float) -> int | None:
        """The band limit (ms) under which `share` of the calls were answered; None when
        there were no calls, 3001 when past the last limit."""
        if not self.calls:
            return None
        seen = 0
        for i, count in enumerate(self.bands):
            seen += count
            if seen >= share * self.calls:
                return LATENCY_BANDS_MS[i] if i < len(LATENCY_BANDS_MS) else 3001
        return None

    @property
    def unavailable_share(self) -> float:
        return self.unavailable / self.calls if self.calls else 0.0

    @property
    def unavailable_percent(self) -> float:
        return round(100 * self.unavailable_share, 1)

    @property
    def p50(self) -> int | None:
        return self.percentile(0.5)

    @property
    def p95(self) -> int | None:
        return self.percentile(0.95)


@dataclass
class HookStats:
    """What the dashboard shows about the hook."""

    #: day -> {"verified": n, "failed": n, "unavailable": n}, oldest first.
    per_day: dict[date, dict[str, int]]
    #: reason -> calls, over the last 7 days, for calls not answered VERIFIED.
    reasons: dict[str, int]
    #: format -> (checks, mean ms) over the last 7 days (verified or wrong password).
    check_cost: dict[str, tuple[int, float]]
    #: Since the start of the previous clock hour (one to two hours).
    last_hour: Window
    #: The last 24 hours (to the hour).
    last_day: Window
    #: Calls not yet rolled up (read from the log) and the oldest of them (None: none).
    unrolled_calls: int = 0
    oldest_unrolled: datetime | None = None


def hook_stats(now: datetime | None = None, days: int = 90) -> HookStats:
    """Sum the day and hour rows and the calls logged since the last roll-up (a handful of
    indexed aggregates, whatever the size of the log, while the roll-up keeps up)."""
    now = now or timezone.now()
    rolled = rolled_until()  # None: never rolled up, all of the log is live
    log = VerificationAttempt.objects.all()
    unrolled = log.filter(created_at__gte=rolled) if rolled else log
    live = _grouped(unrolled)
    oldest = unrolled.order_by("created_at").values_list("created_at", flat=True).first()
    first_day = (now - timedelta(days=days - 1)).date()
    week = now - timedelta(days=7)
    hour_start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)

    per_day: defaultdict[date, dict[str, int]] = defaultdict(
        lambda: {"verified": 0, "failed": 0, "unavailable": 0}
    )
    for day_row in HookCallDay.objects.filter(day__gte=first_day).values("day", "outcome", "calls"):
        per_day[day_row["day"]][_column(day_row["outcome"])] += day_row["calls"]
    for row in live:
        per_day[row["hour"].date()][_column(row["outcome"])] += row["calls"]

    hours = HookCallHour.objects.order_by()
    reasons: defaultdict[str, int] = defaultdict(int)
    for reason_row in (
        hours.filter(hour__gte=week)
        .exclude(outcome=AttemptOutcome.VERIFIED)
        .values("reason")
        .annotate(n=Sum("calls"))
    ):
        reasons[reason_row["reason"]] += reason_row["n"]
    cost: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cost_row in (
        hours.filter(hour__gte=week, reason__in=CHECKED)
        .exclude(hash_format="")
        .values("hash_format")
        .annotate(n=Sum("calls"), ms=Sum("total_ms"))
    ):
        cost[cost_row["hash_format"]][0] += cost_row["n"]
        cost[cost_row["hash_format"]][1] += cost_row["ms"] or 0
    windows = {"hour": Window(), "day": Window()}
    for name, start in (("hour", hour_start), ("day", now - timedelta(days=1))):
        for band_row in (
            hours.filter(hour__gte=start).values("outcome", "band").annotate(calls=Sum("calls"))
        ):
            windows[name].add(band_row)
    for row in live:
        if row["outcome"] != AttemptOutcome.VERIFIED:
            reasons[row["reason"]] += row["calls"]
        if row["reason"] in CHECKED and row["hash_format"]:
            cost[row["hash_format"]][0] += row["calls"]
            cost[row["hash_format"]][1] += row["total_ms"] or 0
        windows["hour"].add(row)
        windows["day"].add(row)
    days_shown = [first_day + timedelta(days=i) for i in range(days)]
    return HookStats(
        per_day={day: per_day[day] for day in days_shown},
        reasons=dict(sorted(reasons.items(), key=lambda item: -item[1])),
        check_cost={fmt: (n, total / n) for fmt, (n, total) in sorted(cost.items()) if n},
        last_hour=windows["hour"],
        last_day=windows["day"],
        unrolled_calls=sum(row["calls"] for row in live),
        oldest_unrolled=oldest,
    )


def _column(outcome: str) -> str:
    if outcome == AttemptOutcome.VERIFIED:
        return "verified"
    if outcome == AttemptOutcome.ERROR:
        return "unavailable"
    return "failed"
