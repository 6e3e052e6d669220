"""How long data is kept: records past their retention pruned in batches with the dashboard's
totals whole, and one person's data erased on request."""

from datetime import timedelta

import pytest
from django.utils import timezone

from legacy_users.models import (
    Erasure,
    HookCallDay,
    LegacyUser,
    LoadRun,
    OktaEvent,
    SyncCursor,
    VerificationAttempt,
)
from legacy_users.services.hook_stats import CURSOR, rollup_hook_calls
from tests.conftest import import_request, verdict
from tests.conftest import run_command as run

pytestmark = pytest.mark.django_db


def age(rows, days):
    rows.update(created_at=timezone.now() - timedelta(days=days))


def total_calls():
    return sum(HookCallDay.objects.values_list("calls", flat=True))


def test_old_hook_calls_events_and_runs_are_pruned_and_the_totals_kept(
    make_user, post_hook, settings
):
    settings.HOOK_CALL_RETENTION_DAYS = 90
    make_user(password="Okta")
    for password in ("wrong", "Okta"):
        post_hook(import_request("isaac.brock@example.com", password))
    age(VerificationAttempt.objects.all(), 100)
    post_hook(import_request("isaac.brock@example.com", "Okta"))  # today's, kept
    old_event = OktaEvent.objects.create(uuid="old", event_type="x", via="system_log")
    awaiting = OktaEvent.objects.create(
        uuid="waiting", event_type="x", via="event_hook", okta_record="awaiting"
    )
    OktaEvent.objects.filter(pk__in=[old_event.pk, awaiting.pk]).update(
        received_at=timezone.now() - timedelta(days=100)
    )
    LoadRun.objects.create(
        file_name="old.csv",
        outcome="loaded",
        started_at=timezone.now() - timedelta(days=400),
        finished_at=timezone.now() - timedelta(days=400),
    )
    rollup_hook_calls(timezone.now() + timedelta(minutes=2))
    before = total_calls()

    out, _, failure = run("apply_retention", batch=1)

    assert failure == ""
    assert "Deleted 2 hook calls, 1 Okta events and 1 load runs" in out
    assert VerificationAttempt.objects.count() == 1
    assert list(OktaEvent.objects.values_list("uuid", flat=True)) == ["waiting"]
    assert LoadRun.objects.count() == 0
    assert total_calls() == before == 3  # the dashboard still counts every call


def test_calls_not_yet_rolled_up_are_never_pruned(make_user, post_hook, settings, monkeypatch):
    from legacy_users.services import retention

    settings.HOOK_CALL_RETENTION_DAYS = 1
    make_user(password="Okta")
    post_hook(import_request("isaac.brock@example.com", "Okta"))
    rollup_hook_calls(timezone.now() + timedelta(minutes=2))  # the roll-up moved past it...
    post_hook(import_request("isaac.brock@example.com", "wrong"))
    age(VerificationAttempt.objects.all(), 5)
    rolled = VerificationAttempt.objects.get(reason="verified")
    rolled.created_at = timezone.now() - timedelta(days=6)
    rolled.save(update_fields=["created_at"])
    SyncCursor.objects.filter(name=CURSOR).update(
        value=(timezone.now() - timedelta(days=5, hours=12)).isoformat()
    )
    # ...and another process is rolling up right now: this run cannot.
    monkeypatch.setattr(retention, "rollup_hook_calls", lambda now=None: 0)

    out, _, _ = run("apply_retention")

    assert "Deleted 1 hook calls" in out
    assert list(VerificationAttempt.objects.values_list("reason", flat=True)) == [
        "wrong_password"
    ]  # older than the retention, but not yet counted: kept


def test_forget_user_erases_one_person_and_leaves_counts_only(make_user, post_hook, admin_client):
    make_user(password="Okta", profile={"department": "research"})
    make_user(login="someone.else@example.com", password="x")
    for password in ("wrong", "Okta"):
        post_hook(import_request("Isaac.Brock@example.com", password))
    age(VerificationAttempt.objects.filter(reason="wrong_password"), 3)
    OktaEvent.objects.create(
        uuid="e1",
        event_type="user.import.password",
        via="event_hook",
        login="isaac.brock@example.com",
    )
    rollup_hook_calls(timezone.now() + timedelta(minutes=2))
    before = total_calls()

    out, _, failure = run("forget_user", "isaac.brock@example.com", yes=True)

    assert failure == ""
    assert "Erased 1 legacy user, 2 hook calls and 1 Okta events." in out
    assert list(LegacyUser.objects.values_list("login_key", flat=True)) == [
        "someone.else@example.com"
    ]
    assert not VerificationAttempt.objects.filter(login_key="isaac.brock@example.com").exists()
    assert not OktaEvent.objects.exists()
    assert total_calls() == before  # the dashboard's totals stay whole
    erasure = Erasure.objects.get()
    assert (erasure.users, erasure.hook_calls, erasure.okta_events) == (1, 2, 1)
    page = admin_client.get("/admin/legacy_users/erasure/").content.decode()
    assert "isaac" not in page.lower() and "research" not in page
    # Okta asks again: the login is unknown now, and nothing of the person comes back.
    assert verdict(post_hook(import_request("isaac.brock@example.com", "Okta"))) == "UNVERIFIED"
