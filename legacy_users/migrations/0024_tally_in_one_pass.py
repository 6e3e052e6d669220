# The dashboard's tally (migration 0008), counted in one pass over a statement's rows, and
# a recount of the whole users table for a first load, which pauses the insert trigger
# (`legacy_users.loading.staging`).
#
# 0008's statement triggers read their transition table six times, once per dimension, and
# sent six rows per user through one aggregate: for a million-row COPY, about 2 s on top of
# the COPY itself. Here the rows are grouped once by the five columns the dimensions read
# (a handful of groups), and only those groups are spread over the dimensions.

import importlib

from django.db import migrations

# 0008's own SQL helpers: going back restores its functions as it wrote them.
_0008 = importlib.import_module("legacy_users.migrations.0008_user_tally")

TALLY = "legacy_users_usertally"
USERS = "legacy_users_legacyuser"
UPSERT = f"ON CONFLICT (dimension, value, shard) DO UPDATE SET n = {TALLY}.n + EXCLUDED.n"
# The columns a dimension's value depends on, grouped once; then one row per dimension.
GROUPED = """(SELECT status, okta_push_state, hash_format, weak_password,
                     last_attempt_at IS NULL AS never, count(*) AS n
              FROM {rows} GROUP BY 1, 2, 3, 4, 5) AS g
       CROSS JOIN LATERAL (VALUES
           ('status', g.status),
           ('push', g.okta_push_state),
           ('format', g.hash_format),
           ('format_push', g.hash_format || '|' || g.okta_push_state),
           ('weak', CASE WHEN g.weak_password THEN 'yes' ELSE 'no' END),
           ('signed_in', CASE WHEN g.never THEN 'no' ELSE 'yes' END)) AS dim(d, v)"""


def _add(rows: str, sign: str) -> str:
    return (
        f"INSERT INTO {TALLY} (dimension, value, shard, n) "
        f"SELECT dim.d, dim.v, pg_backend_pid() % 16, {sign} sum(g.n) "
        f"FROM {GROUPED.format(rows=rows)} GROUP BY dim.d, dim.v {UPSERT};"
    )


FORWARD = f"""
CREATE OR REPLACE FUNCTION legacy_users_tally_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_add("inserted", "")} RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION legacy_users_tally_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_add("deleted", "-")} RETURN NULL; END $$;
-- The tally counted afresh from the users table. Only for a caller that keeps every other
-- writer out of the users table until it commits (a first load holds a SHARE ROW EXCLUSIVE
-- lock on it): a change made meanwhile would be counted twice or not at all.
CREATE FUNCTION legacy_users_tally_recount() RETURNS void LANGUAGE plpgsql AS $$
BEGIN DELETE FROM {TALLY}; {_add(USERS, "")} END $$;
"""

BACKWARD = f"""
DROP FUNCTION IF EXISTS legacy_users_tally_recount();
CREATE OR REPLACE FUNCTION legacy_users_tally_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_0008._apply(_0008._values("inserted", "1"))} RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION legacy_users_tally_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_0008._apply(_0008._values("deleted", "-1"))} RETURN NULL; END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("legacy_users", "0023_okta_event_effects_as_choices"),
    ]

    operations = [
        migrations.RunPython(_0008._on_postgresql(FORWARD), _0008._on_postgresql(BACKWARD)),
    ]
