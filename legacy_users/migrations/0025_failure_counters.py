# The hook's failure counters move from the cache (Redis) into the database: the sign-in's
# own lookup reads them, in the round trip it makes anyway. UNLOGGED on PostgreSQL: a
# counter is rewritten on every failure and worth nothing after a crash, so it costs no WAL.

from django.db import migrations, models


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE legacy_users_failurecounter SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [("legacy_users", "0024_tally_in_one_pass")]

    operations = [
        migrations.CreateModel(
            name="FailureCounter",
            fields=[
                ("key", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("count", models.PositiveIntegerField(default=0)),
                ("expires_at", models.FloatField(db_index=True)),
            ],
        ),
        migrations.RunPython(unlogged, migrations.RunPython.noop),
    ]
