"""How many legacy users stand where: the dashboard's funnel, read without counting users.

On PostgreSQL the counts come from `UserTally`, which triggers keep in the same transaction
as every change to a user (migrations 0008 and 0024; a first load counts its users once
instead, `legacy_users.loading.staging`); a million users cost a few dozen rows to read.
Elsewhere (SQLite, the demo) they are counted from the users table itself, which is what
the tally must always equal (`live_user_counts`; the tests hold them to it).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import Case, CharField, Count, F, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from legacy_users.models import LegacyUser, UserTally

#: dimension -> the expression of its value for a user (the triggers' SQL says the same).
DIMENSIONS = {
    "status": F("status"),
    "push": F("okta_push_state"),
    "format": F("hash_format"),
    "format_push": Concat("hash_format", Value("|"), "okta_push_state", output_field=CharField()),
    "weak": Case(When(weak_password=True, then=Value("yes")), default=Value("no")),
    "signed_in": Case(When(last_attempt_at__isnull=True, then=Value("no")), default=Value("yes")),
}

Counts = dict[str, dict[str, int]]


def live_user_counts() -> Counts:
    """Per dimension, users per value, counted from the users table (one query each)."""
    counts: Counts = {}
    for dimension, expression in DIMENSIONS.items():
        rows = (
            LegacyUser.objects.annotate(v=expression).values_list("v").annotate(n=Count("id"))
        ).order_by()
        counts[dimension] = {value: n for value, n in rows if n}
    return counts


def tallied_user_counts() -> Counts:
    """The same counts, from the trigger-kept tally (PostgreSQL)."""
    counts: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for dimension, value, n in UserTally.objects.values_list("dimension", "value", "n"):
        counts[dimension][value] += n
    return {
        dimension: {value: n for value, n in values.items() if n}
        for dimension, values in counts.items()
    }


def user_counts() -> Counts:
    """Per dimension (`DIMENSIONS`), how many users have each value."""
    counts = tallied_user_counts() if connection.vendor == "postgresql" else live_user_counts()
    return {dimension: counts.get(dimension, {}) for dimension in DIMENSIONS}


def locked_now() -> int:
    """Users locked at this moment (few; the partial index on the lock holds only them)."""
    return LegacyUser.objects.filter(locked_until__gt=timezone.now()).count()
