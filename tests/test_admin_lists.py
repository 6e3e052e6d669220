"""The admin's lists at size: counts that stop counting, searches and periods on indexes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from legacy_users import admin_lists
from legacy_users.models import LegacyUser, VerificationAttempt
from tests.conftest import import_request

pytestmark = pytest.mark.django_db

CALLS = "admin:legacy_users_verificationattempt_changelist"
USERS = "admin:legacy_users_legacyuser_changelist"


def _rows(response) -> str:
    """The list's result table (not its filters or search box)."""
    return response.content.decode().split('id="result_list"')[1].split("</table>")[0]


@pytest.fixture
def many_users(db):
    LegacyUser.objects.bulk_create(
        LegacyUser(login=f"user{i}@example.com", login_key=f"user{i}@example.com")
        for i in range(30)
    )


def test_small_lists_are_counted_exactly(admin_client, many_users):
    html = admin_client.get(reverse(USERS)).content.decode()

    assert "30 legacy users" in html
    assert "about" not in html.split('class="paginator"')[1]


def test_past_the_cap_the_count_is_an_estimate_and_says_so(admin_client, many_users, monkeypatch):
    monkeypatch.setattr(admin_lists, "EXACT_COUNT_CAP", 10)

    html = admin_client.get(reverse(USERS)).content.decode()
    paginator = html.split('class="paginator"')[1].split("</p>")[0]

    assert "about" in paginator
    if connection.vendor == "postgresql":
        # The planner's estimate; at least the cap, never a count of every row.
        count = int(paginator.split("about")[1].split()[0].replace(",", ""))
        assert count >= 11
    else:
        assert "about 11" in paginator


def test_a_login_search_matches_the_beginning_only_and_ignores_case(admin_client, many_users):
    html = _rows(admin_client.get(reverse(USERS) + "?q=USER2"))

    shown = {f"user{i}@example.com" for i in range(30) if f"user{i}@example.com<" in html}
    assert shown == {"user2@example.com"} | {f"user{i}@example.com" for i in range(20, 30)}


def test_hook_calls_are_found_by_login_prefix_and_by_event_id(admin_client, make_user, post_hook):
    make_user(login="Isaac.Brock@example.com", password="Okta")
    post_hook(import_request("  ISAAC.brock@example.com", "Okta", eventId="evt-one"))
    post_hook(import_request("someone.else@example.com", "x", eventId="evt-two"))

    by_prefix = _rows(admin_client.get(reverse(CALLS) + "?q=isaac.b"))
    by_event = _rows(admin_client.get(reverse(CALLS) + "?q=evt-two"))

    assert "ISAAC.brock@example.com" in by_prefix and "someone.else" not in by_prefix
    assert "someone.else@example.com" in by_event and "ISAAC.brock" not in by_event
    assert VerificationAttempt.objects.get(event_id="evt-one").login_key == (
        "isaac.brock@example.com"
    )


def test_hook_calls_by_period(admin_client, make_user, post_hook):
    make_user(password="Okta")
    post_hook(import_request("isaac.brock@example.com", "Okta"))
    post_hook(import_request("isaac.brock@example.com", "wrong"))
    old = VerificationAttempt.objects.get(outcome="UNVERIFIED")
    VerificationAttempt.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )

    last_day = _rows(admin_client.get(reverse(CALLS) + "?when=day"))
    last_week = _rows(admin_client.get(reverse(CALLS) + "?when=week"))

    assert "Wrong password" not in last_day and "Verified" in last_day
    assert "Wrong password" in last_week


@pytest.mark.django_db
def test_lists_offer_a_bounded_page_range_and_deep_links_land_on_the_last(
    admin_client, monkeypatch
):
    from legacy_users.logins import normalize_login

    monkeypatch.setattr(admin_lists, "MAX_PAGES", 2)
    LegacyUser.objects.bulk_create(
        LegacyUser(
            login=f"u{i:03d}@example.com", login_key=normalize_login(f"u{i:03d}@example.com")
        )
        for i in range(250)
    )

    deep = admin_client.get("/admin/legacy_users/legacyuser/?p=50000")

    assert deep.status_code == 200
    page = deep.content.decode()
    assert "narrow the list with a filter or the search" in page
    assert "u100@example.com" in page and "u199@example.com" in page  # page 2 of 2
    assert "u200@example.com" not in page
