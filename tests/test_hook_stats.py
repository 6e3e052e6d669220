"""The dashboard's hook figures: rolled up once per call, equal to counting the log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from legacy_users.models import HookCallHour, VerificationAttempt
from legacy_users.services.hook_stats import hook_stats, rollup_hook_calls
from tests.conftest import import_request

pytestmark = pytest.mark.django_db


def _age(attempts, **delta):
    for attempt in attempts:
        VerificationAttempt.objects.filter(pk=attempt.pk).update(
            created_at=attempt.created_at - timedelta(**delta)
        )


@pytest.fixture
def calls(make_user, post_hook):
    """Three sign-ins today (two right, one wrong) and one wrong three days ago."""
    make_user(password="Okta", hash_format="bcrypt")
    for password in ("Okta", "Okta", "wrong", "wrong"):
        post_hook(import_request("isaac.brock@example.com", password))
    attempts = list(VerificationAttempt.objects.order_by("id"))
    _age(attempts[3:], days=3)
    _age(attempts[:3], minutes=5)
    return attempts


def test_each_call_is_rolled_up_once(calls):
    now = timezone.now()

    first = rollup_hook_calls(now)
    again = rollup_hook_calls(now)

    assert (first, again) == (4, 0)
    assert sum(HookCallHour.objects.values_list("calls", flat=True)) == 4


def test_figures_count_rolled_up_and_fresh_calls_alike(calls, make_user, post_hook):
    rollup_hook_calls()
    post_hook(import_request("isaac.brock@example.com", "wrong"))  # fresh: not rolled up yet

    stats = hook_stats()

    today = timezone.now().date()
    three_days_ago = today - timedelta(days=3)
    assert stats.per_day[today] == {"verified": 2, "failed": 2, "unavailable": 0}
    assert stats.per_day[three_days_ago] == {"verified": 0, "failed": 1, "unavailable": 0}
    assert len(stats.per_day) == 90
    assert stats.reasons == {"wrong_password": 3}
    assert stats.check_cost["bcrypt"][0] == 5
    assert stats.last_day.calls == 4
    assert stats.last_day.percentile(0.5) is not None
    assert stats.last_day.unavailable_share == 0.0


def test_503s_count_as_unavailable(make_user, post_hook, settings):
    make_user(password="Okta")
    settings.OKTA_HOOK_DEADLINE_MS = 0  # every call is over its budget: 503

    assert post_hook(import_request("isaac.brock@example.com", "Okta")).status_code == 503
    stats = hook_stats()

    assert stats.last_hour.unavailable == 1
    assert stats.last_hour.unavailable_share == 1.0
    assert stats.per_day[timezone.now().date()]["unavailable"] == 1


def test_the_rollup_command_adds_each_call_once(calls):
    from io import StringIO

    from django.core.management import call_command

    first, again = StringIO(), StringIO()
    call_command("rollup_hook_calls", stdout=first)
    call_command("rollup_hook_calls", stdout=again)

    assert "Rolled up 4 hook calls." in first.getvalue()
    assert "Rolled up 0 hook calls." in again.getvalue()


def test_reading_the_figures_writes_nothing(calls):
    hook_stats()

    assert not HookCallHour.objects.exists()


def test_with_a_worker_the_dashboard_reads_and_says_when_the_roll_up_is_late(
    calls, admin_client, settings
):
    settings.WORKER_AVAILABLE = True
    _age(calls[:3], minutes=20)  # older than the worker's 5 minutes, three times over

    page = admin_client.get("/admin/").content.decode()

    assert not HookCallHour.objects.exists()
    assert "is the worker running?" in page
    rollup_hook_calls()  # what the worker's periodic job does
    assert "is the worker running?" not in admin_client.get("/admin/").content.decode()


def test_without_a_worker_the_dashboard_rolls_up_as_it_reads(calls, admin_client, settings):
    settings.WORKER_AVAILABLE = False

    page = admin_client.get("/admin/").content.decode()

    assert sum(HookCallHour.objects.values_list("calls", flat=True)) == 4
    assert "is the worker running?" not in page
