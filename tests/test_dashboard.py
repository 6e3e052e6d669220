"""The dashboard at /admin/: the migration's figures, live, for the operators."""

import json
import re

import pytest
from django.urls import reverse

from legacy_users.models import LegacyUser, LoadRun
from tests.conftest import import_request, verdict

pytestmark = pytest.mark.django_db


def _page(admin_client) -> str:
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def _stage(html: str, label: str) -> int:
    found = re.search(rf'data-stage="{re.escape(label)}"[^>]*>(\d+)<', html)
    assert found, label
    return int(found.group(1))


def _cell(html: str, element_id: str) -> int:
    return int(re.search(rf'id="{element_id}">(\d+)<', html).group(1))


@pytest.fixture
def population(make_user):
    make_user(password="Okta", hash_format="bcrypt", okta_push_state="hook")
    make_user(login="imported@example.com", password="x", okta_push_state="imported_hash")
    make_user(login="failed@example.com", password="x", okta_push_state="failed")
    make_user(login="odd@example.com", password_hash="????", hash_format="")


def test_the_funnel_moves_when_a_user_signs_in(admin_client, population, post_hook):
    before = _page(admin_client)

    assert verdict(post_hook(import_request("isaac.brock@example.com", "Okta"))) == "VERIFIED"
    after = _page(admin_client)

    assert _stage(before, "Loaded") == _stage(after, "Loaded") == 4
    assert _stage(before, "In Okta") == 2
    assert (
        _stage(before, "Verified (we said VERIFIED)"),
        _stage(after, "Verified (we said VERIFIED)"),
    ) == (0, 1)
    assert (_cell(before, "never-signed-in"), _cell(after, "never-signed-in")) == (4, 3)
    assert (_cell(before, "calls-day"), _cell(after, "calls-day")) == (0, 1)
    chart = json.loads(re.search(r'id="per-day-data"[^>]*>(.*?)</script>', after).group(1))
    assert len(chart["labels"]) == 90 and chart["verified"][-1] == 1


def test_failures_formats_and_what_needs_attention(admin_client, population, post_hook):
    post_hook(import_request("isaac.brock@example.com", "wrong"))
    LoadRun.objects.create(
        file_name="export.csv",
        rows=4,
        outcome="applied",
        started_at="2026-11-01T10:00Z",
        finished_at="2026-11-01T10:01Z",
    )

    html = _page(admin_client)

    reasons = html.split('id="reasons"')[1].split("</table>")[0]
    assert "wrong_password" in reasons and ">1<" in reasons
    formats = html.split('id="formats"')[1].split("</table>")[0]
    assert "bcrypt" in formats and "(unknown)" in formats
    attention = html.split('id="attention"')[1].split("</table>")[0]
    assert "Okta push failures" in attention
    assert "matches no known format" in attention
    assert "export.csv" in html.split('id="imports"')[1]


def test_an_empty_migration_says_so(admin_client):
    html = _page(admin_client)

    assert "Migration: 0 legacy users" in html
    assert "No users loaded yet" in html
    assert LegacyUser.objects.count() == 0


@pytest.mark.django_db
def test_the_dashboard_shows_each_state_s_current_count(admin_client, make_user):
    from legacy_users.logins import normalize_login
    from legacy_users.models import LegacyUser

    LegacyUser.objects.bulk_create(
        LegacyUser(login=f"p{i}@example.com", login_key=normalize_login(f"p{i}@example.com"))
        for i in range(1234)
    )
    LegacyUser.objects.filter(login_key__in=["p1@example.com", "p2@example.com"]).update(
        status="verified"
    )

    page = admin_client.get("/admin/").content.decode()

    assert 'data-status="Pending">1,232<' in page
    assert 'data-status="Verified">2<' in page


def test_each_figure_links_to_the_users_it_counts(admin_client, population):
    """Following the dashboard's links lists exactly the users each line counts."""
    from html import unescape

    html = _page(admin_client)
    attention = html.split('id="attention"')[1].split("</table>")[0]
    links = dict(
        (label.strip(), unescape(href))
        for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', attention)
    )

    failed = admin_client.get(links["Okta push failures"]).content.decode()
    unknown = admin_client.get(links["Users whose hash matches no known format"]).content.decode()

    assert links["Okta push failures"].startswith(
        reverse("admin:legacy_users_legacyuser_changelist") + "?"
    )
    assert "failed@example.com" in failed and "imported@example.com" not in failed
    assert "odd@example.com" in unknown and "failed@example.com" not in unknown


def test_the_formats_weak_password_and_reasons_links_list_what_they_count(
    admin_client, population, post_hook
):
    from html import unescape

    LegacyUser.objects.filter(login_key="failed@example.com").update(weak_password=True)
    post_hook(import_request("isaac.brock@example.com", "wrong"))
    html = _page(admin_client)
    links = {
        label.strip(): unescape(href)
        for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', html)
    }

    bcrypt = admin_client.get(links["bcrypt"]).content.decode()
    unknown = admin_client.get(links["(unknown)"]).content.decode()
    weak = admin_client.get(links["Weak password"]).content.decode()
    wrong = admin_client.get(links["wrong_password"]).content.decode()

    assert "isaac.brock@example.com" in bcrypt and "odd@example.com" not in bcrypt
    assert "odd@example.com" in unknown and "isaac.brock@example.com" not in unknown
    assert "failed@example.com" in weak and "isaac.brock@example.com" not in weak
    assert links["wrong_password"].startswith(
        reverse("admin:legacy_users_verificationattempt_changelist") + "?"
    )
    assert "isaac.brock@example.com" in wrong and "1 hook call" in wrong
