"""The worker: the periodic jobs on Procrastinate (PostgreSQL), each the same service its
management command runs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from legacy_users.models import HookCallDay, VerificationAttempt
from tests.conftest import import_request, verdict

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.WORKER_AVAILABLE, reason="the worker runs on PostgreSQL (DATABASE_URL)"
    ),
]


def test_the_schedule_names_every_periodic_job():
    from procrastinate.contrib.django import app

    schedule = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}

    assert schedule == {
        "legacy_users.tasks.okta_sync_imports": "*/5 * * * *",
        "legacy_users.tasks.rollup_calls": "*/5 * * * *",
        "legacy_users.tasks.apply_retention": "17 3 * * *",
    }


def test_a_worker_runs_a_deferred_job_to_its_end(make_user, post_hook):
    from procrastinate.contrib.django import app

    make_user(password="Okta")
    assert verdict(post_hook(import_request("isaac.brock@example.com", "Okta"))) == "VERIFIED"
    # The call is rolled up once its minute has settled: make it a few minutes old.
    VerificationAttempt.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=5))

    job_id = app.tasks["legacy_users.tasks.rollup_calls"].defer(timestamp=0)
    # The command the image's worker runs, in a process of its own, on the test database,
    # until no job is left (--one-shot).
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot", "-q", "periodic"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert sum(HookCallDay.objects.values_list("calls", flat=True)) == 1
    status = app.job_manager.list_jobs(id=job_id)[0].status
    assert status == "succeeded"
