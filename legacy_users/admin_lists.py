"""What keeps the admin's lists fast at a million users and millions of hook calls.

- `EstimatingPaginator`: counts exactly up to a cap, and past it says "about N" from the
  planner's estimate (PostgreSQL) instead of counting a million rows on every page.
- `indexed_search`: search by login or email, exact or by prefix,
  case-insensitive, on an index (`login_key`, normalized as the hook matches it), never a
  `LIKE '%…%'` scan.
- `RecentFilter`: the hook log by period (last hour, day, week, ...) on the time index.
- `DistinctValuesFilter`: a filter listing a column's values by skipping through its index
  (a loose index scan), not by reading every row for DISTINCT.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.db.models import Model, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property

from legacy_users.logins import normalize_login

M = TypeVar("M", bound=Model)

#: Up to this many rows a list's count is exact; past it, an estimate.
EXACT_COUNT_CAP = 10_000
#: A search shows at most this many matches: found on the login index, then put in the
#: list's order.
SEARCH_MATCH_CAP = 5_000


def estimated_count(queryset: QuerySet[Any]) -> int | None:
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


#: Pages a list offers at most: page 100 of 100 rows reads 10,000 rows of index; page
#: 50,000 read five million. Past it, a filter or the search narrows the list.
MAX_PAGES = 100


class EstimatingPaginator(Paginator[Any]):
    """Exact counts for small results; for large ones, at least the cap and otherwise the
    planner's estimate (`estimated` is then True, and the admin shows it as such). At most
    MAX_PAGES pages (`bounded` then True); a page past them shows the last one."""

    estimated = False

    @cached_property
    def num_pages(self) -> int:
        return min(super().num_pages, MAX_PAGES)

    @property
    def bounded(self) -> bool:
        """Whether there are more rows than the pages offered show."""
        return self.count > MAX_PAGES * self.per_page

    def validate_number(self, number: Any) -> int:
        try:
            return super().validate_number(number)
        except EmptyPage:
            if int(number) > 1:
                return self.num_pages  # deep links land on the last page offered
            raise

    @cached_property
    def count(self) -> int:
        rows = cast(QuerySet[Any], self.object_list)  # the admin paginates querysets only
        capped = rows.order_by()[: EXACT_COUNT_CAP + 1].count()
        if capped <= EXACT_COUNT_CAP:
            return capped
        self.estimated = True
        estimate = estimated_count(rows)
        return max(estimate or 0, capped)


def _login_matches(
    queryset: QuerySet[M], term: str, *, key: str = "login_key", exact: tuple[str, ...] = ()
) -> QuerySet[M]:
    """Rows whose login starts with `term` (normalized as the hook matches logins), or whose
    `exact` columns equal it (an email, an Okta eventId). All on indexes: a prefix match on
    the normalized key, equality on the others."""
    normalized = normalize_login(term)
    if not normalized:
        return queryset
    matches = Q(**{f"{key}__startswith": normalized})
    for column in exact:
        matches |= Q(**{column: term.strip()})
    return queryset.filter(matches)


def indexed_search(
    queryset: QuerySet[M], term: str, *, key: str = "login_key", exact: tuple[str, ...] = ()
) -> QuerySet[M]:
    """`_login_matches` for a list kept in another order (id, time): the matches are found on
    their indexes first (at most SEARCH_MATCH_CAP), then ordered. Filtered in the list's own
    order instead, the database may walk that order's index through millions of rows
    looking for them."""
    if not normalize_login(term):
        return queryset
    found = _login_matches(queryset.model._default_manager.all(), term, key=key, exact=exact)
    return queryset.filter(pk__in=Subquery(found.order_by().values("pk")[:SEARCH_MATCH_CAP]))


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

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _) in self.PERIODS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        period = self.PERIODS.get(self.value() or "")
        if period is None:
            return queryset
        return queryset.filter(created_at__gte=timezone.now() - period[1])


#: A column's distinct values, one index probe each (names quoted by the caller).
_PRESENT_VALUES = """
WITH RECURSIVE present(value) AS (
    SELECT min({column}) FROM {table}
    UNION ALL
    SELECT (SELECT min({column}) FROM {table} WHERE {column} > present.value)
    FROM present WHERE present.value IS NOT NULL
)
SELECT value FROM present WHERE value IS NOT NULL"""


class DistinctValuesFilter(admin.SimpleListFilter):
    """A filter on `field_name` offering the values present, read by skipping through the
    column's index one value at a time (a recursive query: one index probe per value), so a
    million rows with seven formats cost seven probes. Subclass with `title`,
    `parameter_name` and `field_name`."""

    field_name = ""

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        quote = connection.ops.quote_name
        table = quote(model_admin.model._meta.db_table)
        column = quote(model_admin.model._meta.get_field(self.field_name).column)
        with connection.cursor() as cursor:
            cursor.execute(_PRESENT_VALUES.format(table=table, column=column))
            values = [row[0] for row in cursor.fetchall()]
        return [(value, value or "(none)") for value in values]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() is None:
            return queryset
        return queryset.filter(**{self.field_name: self.value()})
