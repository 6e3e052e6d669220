# The dashboard's user counts, kept by PostgreSQL triggers (see UserTally). Elsewhere
# (SQLite, the demo) the dashboard counts the users table itself.

from django.db import migrations, models

SHARDS = 16
TALLY = "legacy_users_usertally"
USERS = "legacy_users_legacyuser"
# (dimension, SQL of its value for a row `r`)
DIMENSIONS = [
    ("status", "r.status"),
    ("push", "r.okta_push_state"),
    ("format", "r.hash_format"),
    ("format_push", "r.hash_format || '|' || r.okta_push_state"),
    ("weak", "CASE WHEN r.weak_password THEN 'yes' ELSE 'no' END"),
    ("signed_in", "CASE WHEN r.last_attempt_at IS NULL THEN 'no' ELSE 'yes' END"),
]
CHANGED = (
    " OR ".join(
        f"OLD.{c} IS DISTINCT FROM NEW.{c}"
        for c in ("status", "okta_push_state", "hash_format", "weak_password")
    )
    + " OR (OLD.last_attempt_at IS NULL) <> (NEW.last_attempt_at IS NULL)"
)
UPSERT = f"ON CONFLICT (dimension, value, shard) DO UPDATE SET n = {TALLY}.n + EXCLUDED.n"


def _values(rows: str, sign: str) -> str:
    """One (dimension, value, +1/-1) per row of `rows` and dimension."""
    return " UNION ALL ".join(
        f"SELECT '{name}' AS d, {value} AS v, {sign} AS k FROM {rows} AS r"
        for name, value in DIMENSIONS
    )


def _row_values(record: str, sign: str) -> str:
    return " UNION ALL ".join(
        f"SELECT '{name}', {value.replace('r.', record + '.')}, {sign}"
        for name, value in DIMENSIONS
    )


def _apply(delta_sql: str) -> str:
    return (
        f"INSERT INTO {TALLY} (dimension, value, shard, n) "
        f"SELECT d, v, pg_backend_pid() % {SHARDS}, sum(k) FROM ({delta_sql}) AS delta(d, v, k) "
        f"GROUP BY d, v HAVING sum(k) <> 0 {UPSERT};"
    )


FORWARD = f"""
CREATE FUNCTION legacy_users_tally_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_apply(_values("inserted", "1"))} RETURN NULL; END $$;
CREATE FUNCTION legacy_users_tally_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_apply(_values("deleted", "-1"))} RETURN NULL; END $$;
CREATE FUNCTION legacy_users_tally_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_apply(_row_values("OLD", "-1") + " UNION ALL " + _row_values("NEW", "1"))}
RETURN NULL; END $$;
CREATE FUNCTION legacy_users_tally_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN DELETE FROM {TALLY}; RETURN NULL; END $$;

CREATE TRIGGER legacy_users_tally_inserted AFTER INSERT ON {USERS}
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
    EXECUTE FUNCTION legacy_users_tally_inserted();
CREATE TRIGGER legacy_users_tally_deleted AFTER DELETE ON {USERS}
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT
    EXECUTE FUNCTION legacy_users_tally_deleted();
-- Row by row, and only when a counted column changes: the hook's own updates (last attempt
-- time, failures) do not fire it; a first sign-in or a verification fires it once.
CREATE TRIGGER legacy_users_tally_updated AFTER UPDATE ON {USERS}
    FOR EACH ROW WHEN ({CHANGED})
    EXECUTE FUNCTION legacy_users_tally_updated();
CREATE TRIGGER legacy_users_tally_truncated AFTER TRUNCATE ON {USERS}
    FOR EACH STATEMENT EXECUTE FUNCTION legacy_users_tally_truncated();

DELETE FROM {TALLY};
{_apply(_values(USERS, "1"))}
"""
BACKWARD = f"""
DROP TRIGGER IF EXISTS legacy_users_tally_inserted ON {USERS};
DROP TRIGGER IF EXISTS legacy_users_tally_deleted ON {USERS};
DROP TRIGGER IF EXISTS legacy_users_tally_updated ON {USERS};
DROP TRIGGER IF EXISTS legacy_users_tally_truncated ON {USERS};
DROP FUNCTION IF EXISTS legacy_users_tally_inserted();
DROP FUNCTION IF EXISTS legacy_users_tally_deleted();
DROP FUNCTION IF EXISTS legacy_users_tally_updated();
DROP FUNCTION IF EXISTS legacy_users_tally_truncated();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("legacy_users", "0007_admin_list_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="UserTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("dimension", models.CharField(max_length=20)),
                ("value", models.CharField(max_length=200)),
                ("shard", models.SmallIntegerField(default=0)),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("dimension", "value", "shard"),
                        name="usertally_dimension_value_shard",
                    )
                ],
            },
        ),
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
