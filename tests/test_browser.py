"""The admin in a real browser (Chromium driven by Playwright), as its operators use it.

Needs Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it) and Playwright
(requirements-dev.txt). Without Chromium these tests are skipped, unless BROWSER_TESTS is
`required` (as in CI), when they fail. Screenshots go to test-artifacts/.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from legacy_users.models import LegacyUser
from tests.browser_support import require_chromium
from tests.browser_support import shot as _shot
from tests.conftest import import_request

require_chromium()

PASSWORD = "browser-test-password-1"

pytestmark = pytest.mark.django_db(transaction=True)


def _person(name: str, group: str | None = None, **flags) -> User:
    person = User.objects.create_user(name, password=PASSWORD, is_staff=True, **flags)
    if group:
        person.groups.add(Group.objects.get(name=group))
    return person


def _log_in(page, live_server, name: str) -> None:
    page.goto(live_server.url + "/")  # the front door leads to the admin's login
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.wait_for_selector("#dashboard")


def _no_horizontal_scroll(page) -> bool:
    """Neither the page nor a list's own results box scrolls sideways: every column shows."""
    return page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.results')]
            .every(box => box.scrollWidth <= box.clientWidth)"""
    )


@pytest.fixture
def population(make_user):
    make_user(password="Okta", hash_format="bcrypt", okta_push_state="hook")
    for i in range(30):
        make_user(login=f"user{i}@example.com", password="x", hash_format="bcrypt")
    locked = make_user(login="locked.out@example.com", password="x")
    LegacyUser.objects.filter(pk=locked.pk).update(
        locked_until=timezone.now() + timezone.timedelta(minutes=15), failed_attempts=12
    )


def test_the_dashboard_moves_after_a_sign_in(page, live_server, population, post_hook):
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    _person("admin", is_superuser=True)
    _log_in(page, live_server, "admin")
    verified = page.locator('[data-stage="Verified (we said VERIFIED)"]')
    assert verified.inner_text() == "0"
    assert page.evaluate("typeof Chart") == "function"  # the vendored Chart.js loaded
    assert _no_horizontal_scroll(page)
    # Under the admin's Content-Security-Policy: the chart drew, the bars have their
    # lengths, and the browser refused nothing.
    assert page.evaluate("document.getElementById('per-day-chart').width") > 0
    assert page.evaluate(
        "[...document.querySelectorAll('#funnel .bar > div')].some(b => b.style.width === '100%')"
    )
    assert refused == []

    post_hook(import_request("isaac.brock@example.com", "Okta"))
    page.reload()

    assert verified.inner_text() == "1"
    assert page.locator("#calls-day").inner_text() == "1"
    _shot(page, "dashboard")


def test_lists_filter_search_and_fit_a_laptop_screen(page, live_server, population, post_hook):
    post_hook(import_request("user7@example.com", "wrong"))
    _person("admin", is_superuser=True)
    _log_in(page, live_server, "admin")

    page.goto(live_server.url + "/admin/legacy_users/legacyuser/")
    assert _no_horizontal_scroll(page)
    _shot(page, "users")
    with page.expect_navigation():
        page.click("text=Locked now")
    assert page.locator("#result_list tbody tr").count() == 1
    assert "locked.out@example.com" in page.locator("#result_list").inner_text()

    page.goto(live_server.url + "/admin/legacy_users/legacyuser/")
    page.fill("#searchbar", "USER1")
    with page.expect_navigation():
        page.press("#searchbar", "Enter")
    found = page.locator("#result_list").inner_text()
    assert "user1@example.com" in found and "user12@example.com" in found
    assert "user2@example.com" not in found

    page.goto(live_server.url + "/admin/legacy_users/verificationattempt/")
    assert _no_horizontal_scroll(page)
    assert "user7@example.com" in page.locator("#result_list").inner_text()
    _shot(page, "hook-calls")


def test_an_operator_unlocks_a_user(page, live_server, population):
    _person("olivia", group="Operator")
    _log_in(page, live_server, "olivia")

    page.goto(live_server.url + "/admin/legacy_users/legacyuser/?locked=yes")
    page.check("#result_list tbody input.action-select")
    page.select_option("select[name=action]", "unlock_users")
    with page.expect_navigation():
        page.click("button[name=index]")

    assert "Unlocked locked.out@example.com." in page.locator(".messagelist").inner_text()
    assert LegacyUser.objects.get(login_key="locked.out@example.com").locked_until is None


def test_a_viewer_reads_but_cannot_act(page, live_server, population):
    _person("victor", group="Viewer")
    _log_in(page, live_server, "victor")

    page.goto(live_server.url + "/admin/legacy_users/legacyuser/?locked=yes")

    assert "locked.out@example.com" in page.locator("#result_list").inner_text()
    assert page.locator("select[name=action]").count() == 0
    assert page.locator("text=Export these users").count() == 0
    _shot(page, "viewer-users")
