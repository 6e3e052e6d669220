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


@pytest.fixture(autouse=True)
def _no_jobs_left():
    """Procrastinate's tables are not Django models the test flush empties."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")


def run_worker(queue: str, **env: str) -> subprocess.CompletedProcess:
    """The command the image's worker runs, in a process of its own, on the test database,
    until no job is left in `queue` (--one-shot)."""
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return subprocess.run(
        [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot", "-q", queue],
        cwd=Path(settings.BASE_DIR),
        env={**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


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
    result = run_worker("periodic")

    assert result.returncode == 0, result.stderr[-2000:]
    assert sum(HookCallDay.objects.values_list("calls", flat=True)) == 1
    status = app.job_manager.list_jobs(id=job_id)[0].status
    assert status == "succeeded"


def _okta_env(fake):
    return {"OKTA_ORG_URL": fake.url, "OKTA_API_TOKEN": fake.token}


def test_an_operator_starts_a_push_the_worker_runs_with_its_progress(client, make_user, fake_okta):
    from django.contrib.auth.models import Group, User

    from legacy_users.models import LegacyUser, PushJob

    for i in range(3):
        make_user(
            login=f"u{i}@example.com", email=f"u{i}@example.com", first_name="U", last_name="S"
        )
    operator = User.objects.create_user("olga", is_staff=True)
    operator.groups.add(Group.objects.get(name="Operator"))
    client.force_login(operator)

    started = client.post("/admin/legacy_users/pushjob/push-all/", follow=True)
    again = client.post("/admin/legacy_users/pushjob/push-all/", follow=True)

    assert "queued for 3 users (every pending user)" in started.content.decode()
    assert "nother push is under way" in again.content.decode()  # the admin capitalises it
    result = run_worker("push", **_okta_env(fake_okta))
    assert result.returncode == 0, result.stderr[-2000:]
    job = PushJob.objects.get()
    assert (job.status, job.done, job.total, job.states) == ("done", 3, 3, {"hook": 3})
    assert set(LegacyUser.objects.values_list("okta_push_state", flat=True)) == {"hook"}
    dashboard = client.get("/admin/").content.decode()
    assert f"Push {job.pk}: Done" in dashboard and "3 of 3" in dashboard


def test_a_paused_push_stops_and_a_resumed_one_goes_on(make_user, fake_okta):
    from legacy_users.models import LegacyUser, PushJob
    from legacy_users.services.okta_push import PushStrategy
    from legacy_users.services.push_jobs import push_job_pause, push_job_resume, push_job_start

    for i in range(2):
        make_user(
            login=f"u{i}@example.com", email=f"u{i}@example.com", first_name="U", last_name="S"
        )
    job = push_job_start(started_by="olga", strategy=PushStrategy.HOOK)
    push_job_pause(job_id=job.pk)

    run_worker("push", **_okta_env(fake_okta))
    job.refresh_from_db()
    assert job.status == "paused" and fake_okta.users == {}

    push_job_resume(job_id=job.pk)
    run_worker("push", **_okta_env(fake_okta))
    job.refresh_from_db()
    assert (job.status, job.done) == ("done", 2)
    assert LegacyUser.objects.filter(okta_push_state="hook").count() == 2
    assert PushJob.objects.count() == 1
