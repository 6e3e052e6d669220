"""Two instances of the portal on one PostgreSQL and one Redis, as when scaling out: calls
spread over both make one transition per user, and both count failures together."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from legacy_users.models import LegacyUser, VerificationAttempt
from tests.conftest import import_request

ROOT = Path(settings.BASE_DIR)
REDIS_URL = "redis://127.0.0.1:6379/13"
SECRET = "Basic dGVzdDp0ZXN0LXNlY3JldC0x"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="two instances share a PostgreSQL database (DATABASE_URL=postgres://...)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def instances():
    """Two gunicorn instances (the README's serving setup) on the test database."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "DEBUG": "false",
        "SECRET_KEY": "two-instances-test-secret-key-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "OKTA_HOOK_AUTH_VALUES": SECRET,
        "OKTA_HOOK_LOGIN_FAILURES_PER_MINUTE": "3",
        "ADMIN_ENABLED": "false",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "8",
        "LOG_LEVEL": "WARNING",
    }
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "migration_portal.wsgi", "--bind", f"127.0.0.1:{p}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for p in ports
    ]
    try:
        for port in ports:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError("an instance did not start")
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        client.flushdb()


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

    answers = [call(instances[i % 2], "target@example.com", f"guess-{i}") for i in range(6)]

    assert answers == ["UNVERIFIED"] * 6
    reasons = list(VerificationAttempt.objects.order_by("id").values_list("reason", flat=True))
    # OKTA_HOOK_LOGIN_FAILURES_PER_MINUTE=3 across both instances, not 3 each.
    assert reasons == ["wrong_password"] * 3 + ["throttled_login"] * 3
    assert LegacyUser.objects.get(login_key="target@example.com").failed_attempts == 3
