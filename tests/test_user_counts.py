"""The dashboard's user counts: kept by triggers on PostgreSQL, equal to counting the users."""

import io
import threading

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from legacy_users.loading import staging
from legacy_users.models import LegacyUser
from legacy_users.services.migration import user_confirm, users_purge_hashes
from legacy_users.services.user_counts import live_user_counts, user_counts
from tests.conftest import database_url, import_request, verdict

pytestmark = pytest.mark.django_db

SSHA = "{SSHA}mM3YjIxzOgBjdE04spXRAUlOeKJF6H2v"  # "pw"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the tally is PostgreSQL's (triggers)"
)


def test_counts_follow_a_sign_in_from_pending_to_purged(make_user, post_hook):
    user = make_user(password="Okta", hash_format="bcrypt", okta_push_state="hook")
    make_user(login="other@example.com", password="x", hash_format="bcrypt")
    assert user_counts()["status"] == {"pending": 2}
    assert user_counts()["signed_in"] == {"no": 2}

    assert verdict(post_hook(import_request("isaac.brock@example.com", "Okta"))) == "VERIFIED"
    after_sign_in = user_counts()
    now = timezone.now()
    user_confirm(user_id=user.pk, at=now)
    users_purge_hashes(at=now, user_id=user.pk)
    after_purge = user_counts()

    assert after_sign_in["status"] == {"pending": 1, "verified": 1}
    assert after_sign_in["signed_in"] == {"no": 1, "yes": 1}
    assert after_sign_in["format_push"] == {"bcrypt|hook": 1, "bcrypt|": 1}
    assert after_purge["status"] == {"pending": 1, "purged": 1}
    assert after_purge == live_user_counts()


def test_wrong_passwords_leave_the_funnel_alone(make_user, post_hook):
    make_user(password="Okta")
    post_hook(import_request("isaac.brock@example.com", "Okta"))
    before = user_counts()

    post_hook(import_request("isaac.brock@example.com", "wrong"))

    assert user_counts() == before == live_user_counts()


@on_postgresql
def test_loads_deletes_and_bulk_updates_keep_the_tally_exact(tmp_path, make_user):
    export = tmp_path / "users.csv"
    export.write_text(
        "login,password_hash\n" + "".join(f"user{i}@example.com,{SSHA}\n" for i in range(40))
    )

    call_command("load_legacy_users", str(export), stdout=io.StringIO())
    loaded = user_counts()
    LegacyUser.objects.filter(login_key__startswith="user1").update(
        status="verified", weak_password=True
    )
    LegacyUser.objects.filter(login_key__startswith="user2").delete()

    assert loaded["status"] == {"pending": 40}
    assert user_counts() == live_user_counts()
    assert user_counts()["status"] == {"pending": 18, "verified": 11}


@on_postgresql
def test_emptying_the_users_table_empties_the_tally(make_user):
    make_user(password="x")

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE legacy_users_legacyuser CASCADE")

    assert user_counts()["status"] == {}


def _insert_trigger_state() -> str:
    """pg_trigger.tgenabled of the tally's insert trigger: "O" on, "D" off."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = %s", [staging.TALLY_ON_INSERT]
        )
        return str(cursor.fetchone()[0])


def _status_counts_after_a_load() -> dict[str, int]:
    """The tally's status counts, once it is known to equal counting the users, with the
    insert trigger back on."""
    assert user_counts() == live_user_counts()
    assert _insert_trigger_state() == "O"
    return user_counts()["status"]


def _export(tmp_path, count: int, prefix: str = "user"):
    export = tmp_path / f"{prefix}.csv"
    export.write_text(
        "login,password_hash,hash_format\n"
        + "".join(f"{prefix}{i}@example.com,{SSHA},ldap_salted_sha1\n" for i in range(count))
    )
    return str(export)


@on_postgresql
def test_a_first_load_counts_its_users_once_and_leaves_the_trigger_on(tmp_path, make_user):
    call_command("load_legacy_users", _export(tmp_path, 30), stdout=io.StringIO())

    assert user_counts()["format"] == {"ldap_salted_sha1": 30}
    assert user_counts() == live_user_counts()
    assert _insert_trigger_state() == "O"
    make_user(login="later@example.com", password="x")  # counted by the trigger again
    assert user_counts()["format"] == {"ldap_salted_sha1": 30, "bcrypt": 1}
    assert user_counts() == live_user_counts()


@on_postgresql
def test_a_dry_run_first_load_leaves_the_trigger_and_the_tally_as_they_were(tmp_path):
    call_command("load_legacy_users", _export(tmp_path, 5), dry_run=True, stdout=io.StringIO())

    assert _insert_trigger_state() == "O"
    assert user_counts()["status"] == {}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_first_load_that_cannot_lock_the_table_soon_counts_through_the_trigger(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(staging, "PAUSE_LOCK_WAIT", "200ms")
    holding, done = threading.Event(), threading.Event()
    waited_for_by_the_load = []

    def writer_in_a_long_transaction() -> None:
        # An open transaction that has written to the users table (nothing matched).
        with psycopg.connect(database_url()) as other:
            other.execute("UPDATE legacy_users_legacyuser SET failed_attempts = 0 WHERE false")
            holding.set()
            if not done.wait(15):  # the load did not end while this transaction stayed open
                waited_for_by_the_load.append(True)

    writer = threading.Thread(target=writer_in_a_long_transaction)
    writer.start()
    try:
        assert holding.wait(10)
        out = io.StringIO()
        call_command("load_legacy_users", _export(tmp_path, 20), stdout=out)
    finally:
        done.set()
        writer.join()

    assert not waited_for_by_the_load
    assert "created 20" in out.getvalue()
    assert _status_counts_after_a_load() == {"pending": 20}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_user_added_just_before_a_first_load_is_counted_once(tmp_path, monkeypatch):
    from legacy_users.services import loading

    def empty_until_someone_else_adds_a_user(conn) -> bool:
        empty = staging.users_table_is_empty(conn)
        # Another session adds (and the trigger counts) a user just after the check.
        with psycopg.connect(database_url()) as other:
            values = {column: "" for column in staging.DIRECT_COLUMNS} | {
                "login": "early@example.com",
                "login_key": "early@example.com",
                "profile": "{}",
                "hash_params": "{}",
                "password_hash": SSHA,
                "hash_format": "ldap_salted_sha1",
            }
            marks = ", ".join(["%s"] * len(values))
            other.execute(
                # Column names from the loader's own list.
                f"INSERT INTO legacy_users_legacyuser ({', '.join(values)}) VALUES ({marks})",  # noqa: S608
                list(values.values()),
            )
        return empty

    monkeypatch.setattr(loading, "users_table_is_empty", empty_until_someone_else_adds_a_user)
    out = io.StringIO()
    call_command("load_legacy_users", _export(tmp_path, 12), stdout=out)

    # The load went on straight into the table (no login in common); its recount under
    # the lock counts the other session's user once, not again on top of its trigger's count.
    assert "created 12" in out.getvalue()
    assert _status_counts_after_a_load() == {"pending": 13}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_tally_stays_exact_across_its_one_pass_migration_both_ways(make_user):
    from django.db.migrations.executor import MigrationExecutor

    before = [("legacy_users", "0023_okta_event_effects_as_choices")]
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("legacy_users")
    make_user(login="a@example.com", password="x")
    MigrationExecutor(connection).migrate(before)  # 0008's six-pass triggers
    make_user(login="b@example.com", password="x", weak_password=True)
    LegacyUser.objects.filter(login_key="a@example.com").delete()
    assert user_counts() == live_user_counts()

    MigrationExecutor(connection).migrate(latest)
    make_user(login="c@example.com", password="x", hash_format="bcrypt", okta_push_state="hook")
    LegacyUser.objects.filter(login_key="b@example.com").delete()

    assert user_counts() == live_user_counts()
    assert user_counts()["format_push"] == {"bcrypt|hook": 1}
