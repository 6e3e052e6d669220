"""The dashboard's user counts: kept by triggers on PostgreSQL, equal to counting the users."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from legacy_users.models import LegacyUser
from legacy_users.services.migration import user_confirm, users_purge_hashes
from legacy_users.services.user_counts import live_user_counts, user_counts
from tests.conftest import import_request, verdict

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
