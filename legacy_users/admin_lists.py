"""What keeps the admin's lists fast at a million users and millions of hook calls.

- `EstimatingPaginator`: counts exactly up to a cap, and past it says "about N" from the
  planner's estimate (PostgreSQL) instead of counting a million rows on every page.
- `login_search`: search by login or email, exact or by prefix, case-insensitive, on an
  index (`login_key`, normalized as the hook matches it), never a `LIKE '%…%'` scan.
- `RecentFilter`: the hook log by period (last hour, day, week, ...) on the time index.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from legacy_users.logins import normalize_login

#: Up to this many rows a list's count is exact; past it, an estimate.
EXACT_COUNT_CAP = 10_000


def estimated_count(queryset: QuerySet) -> int | None:
    """The planner's row estimate for `queryset` (PostgreSQL), or None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatingPaginator(Paginator):
    """Exact counts for small results; for large ones, at least the cap and otherwise the
    planner's estimate (`estimated` is then True, and the admin shows it as such)."""

    estimated = False

    @cached_property
    def count(self) -> int:
        capped = self.object_list.order_by()[: EXACT_COUNT_CAP + 1].count()
        if capped <= EXACT_COUNT_CAP:
            return capped
        self.estimated = True
        estimate = estimated_count(self.object_list)
        return max(estimate or 0, capped)


def login_search(queryset: QuerySet, term: str, *, key: str = "login_key", email: str = ""):
    """Rows whose login starts with `term` (normalized as the hook matches logins), or whose
    login or `email` column is exactly `term`. Both use an index: a prefix match on the
    normalized key, an equality on the email."""
    term = normalize_login(term)
    if not term:
        return queryset
    matches = Q(**{f"{key}__startswith": term})
    if email and "@" in term:
        matches |= Q(**{email: term})
    return queryset.filter(matches)


class RecentFilter(admin.SimpleListFilter):
    """Hook calls by period, on the `created_at` index (the date drill-down of a log that
    grows by millions: periods from now, not Django's year/month/day list, which reads
    every row's date)."""

    title = "when"
    parameter_name = "when"
    PERIODS = {
        "hour": ("Last hour", timedelta(hours=1)),
        "day": ("Last 24 hours", timedelta(days=1)),
        "week": ("Last 7 days", timedelta(days=7)),
        "month": ("Last 30 days", timedelta(days=30)),
        "quarter": ("Last 90 days", timedelta(days=90)),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.PERIODS.items()]

    def queryset(self, request, queryset):
        period = self.PERIODS.get(self.value() or "")
        if period is None:
            return queryset
        return queryset.filter(created_at__gte=timezone.now() - period[1])
