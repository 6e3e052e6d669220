"""Two instances of the portal on one PostgreSQL, as when scaling out: calls spread over
both make one transition per user, and both count failures together (in the database)."""

import json
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from legacy_users.models import LegacyUser, VerificationAttempt
from tests.conftest import import_request
from tests.live_portal import SECRET, needs_live_services, portal_instances

pytestmark = [pytest.mark.django_db(transaction=True), *needs_live_services]


@pytest.fixture
def instances():
    """Two gunicorn instances (the README's serving setup) on the test database."""
    with portal_instances(2, OKTA_HOOK_LOGIN_FAILURES_PER_MINUTE="3") as bases:
        yield bases


def call(base: str, login: str, password: str) -> str:
    body = import_request(login, password)
    body["eventId"] = uuid.uuid4().hex
    request = urllib.request.Request(
        base + "/hooks/password-import",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": SECRET},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["commands"][0]["value"]["credential"]


def test_calls_spread_over_two_instances_make_one_transition_per_user(instances, make_user):
    users = [make_user(login=f"u{i}@example.com", password=f"pw-{i}") for i in range(5)]
    calls = [(instances[k % 2], f"u{i}@example.com", f"pw-{i}") for i in range(5) for k in range(6)]

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda c: call(*c), calls))

    assert answers == ["VERIFIED"] * 30
    for user in users:
        user.refresh_from_db()
        attempts = VerificationAttempt.objects.filter(user=user)
        assert user.status == "verified"
        assert attempts.count() == 6
        # One transition: verified_at is set once, by one of these calls, and kept.
        moments = sorted(a.created_at for a in attempts)
        assert moments[0] - timedelta(seconds=1) <= user.verified_at <= moments[-1]
        assert user.failed_attempts == 0


def test_two_instances_share_the_failure_counters(instances, make_user):
    make_user(login="target@example.com", password="right")
    # The servers count per wall-clock minute in their own processes: the six calls (a few
    # hundred ms) must not straddle a minute, so start afresh when less than 3 s are left.
    if time.time() % 60 > 57:
        time.sleep(60 - time.time() % 60 + 0.1)

    answers = [call(instances[i % 2], "target@example.com", f"guess-{i}") for i in range(6)]

    assert answers == ["UNVERIFIED"] * 6
    reasons = list(VerificationAttempt.objects.order_by("id").values_list("reason", flat=True))
    # OKTA_HOOK_LOGIN_FAILURES_PER_MINUTE=3 across both instances, not 3 each.
    assert reasons == ["wrong_password"] * 3 + ["throttled_login"] * 3
    assert LegacyUser.objects.get(login_key="target@example.com").failed_attempts == 3
