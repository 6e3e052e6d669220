"""Readiness and metrics: what an orchestrator and Prometheus see."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from migration_portal import health
from tests.conftest import import_request, verdict

pytestmark = pytest.mark.django_db
ROOT = Path(django_settings.BASE_DIR)


def test_ready_when_the_database_answers_and_migrations_are_applied(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "migrations": "ok"}


def test_not_ready_while_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("app", False)] * 2
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["migrations"] == "2 not applied"


def test_metrics_need_their_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404

    settings.METRICS_TOKEN = "metrics-token-for-the-tests"
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_metrics_count_hook_calls_by_outcome_and_reason(client, settings, make_user, post_hook):
    settings.METRICS_TOKEN = "metrics-token-for-the-tests"
    headers = {"Authorization": "Bearer metrics-token-for-the-tests"}

    def count(line_start: str) -> float:
        text = client.get("/metrics", headers=headers).content.decode()
        lines = [line for line in text.splitlines() if line.startswith(line_start)]
        return float(lines[0].rsplit(" ", 1)[1]) if lines else 0.0

    verified = 'portal_hook_calls_total{outcome="VERIFIED",reason="verified"}'
    wrong = 'portal_hook_calls_total{outcome="UNVERIFIED",reason="wrong_password"}'
    before = count(verified), count(wrong)
    user = make_user(password="Okta")

    assert verdict(post_hook(import_request(user.login, "Okta"))) == "VERIFIED"
    assert verdict(post_hook(import_request(user.login, "nope"))) == "UNVERIFIED"

    assert (count(verified), count(wrong)) == (before[0] + 1, before[1] + 1)
    text = client.get("/metrics", headers=headers).content.decode()
    assert 'portal_hash_check_seconds_count{format="bcrypt"}' in text
    assert "portal_hook_call_seconds_bucket" in text
    assert user.login not in text


def test_metrics_add_up_across_worker_processes(tmp_path):
    """gunicorn's workers are processes: each writes its samples, /metrics sums them."""
    env = {
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "migration_portal.settings",
        "DEBUG": "true",
        "PATH": "/usr/bin:/bin",
    }
    count_one = (
        "import django; django.setup(); from legacy_users.metrics import record_hook_call; "
        "record_hook_call(outcome='VERIFIED', reason='verified', seconds=0.01)"
    )
    for _ in range(3):  # three workers, one call each
        subprocess.run([sys.executable, "-c", count_one], cwd=ROOT, env=env, check=True)
    read = (
        "import django; django.setup(); "
        "from prometheus_client import CollectorRegistry, generate_latest, multiprocess; "
        "r = CollectorRegistry(); multiprocess.MultiProcessCollector(r); "
        "print(generate_latest(r).decode())"
    )

    text = subprocess.run(
        [sys.executable, "-c", read], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout

    assert 'portal_hook_calls_total{outcome="VERIFIED",reason="verified"} 3.0' in text
