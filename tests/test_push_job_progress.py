"""A push's progress as operators see it: the share done and, while it runs, the time left
at the current run's pace (a resumed push is judged by its own run, not the pause)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from legacy_users.models import PushJob, PushJobStatus
from legacy_users.services.push_jobs import push_job_left

pytestmark = pytest.mark.django_db


def _job(**fields) -> PushJob:
    now = timezone.now()
    values = {
        "created_at": now - timedelta(hours=1),
        "started_by": "olga",
        "strategy": "auto",
        "status": PushJobStatus.RUNNING,
        "total": 1000,
        "done": 300,
        # Resumed at 100 done, ten minutes ago (the pause before it does not count).
        "run_done_from": 100,
        "run_started_at": now - timedelta(minutes=10),
        **fields,
    }
    return PushJob.objects.create(**values)


def test_the_time_left_follows_this_runs_pace():
    job = _job()
    now = job.run_started_at + timedelta(minutes=10)

    # 200 users in 600 s: the other 700 take 2,100 s.
    assert job.time_left(now) == timedelta(seconds=2100)
    assert push_job_left(job, now) == ", about 35\xa0minutes left"
    assert job.percent == 30


@pytest.mark.parametrize(
    "fields",
    [
        {"status": PushJobStatus.PAUSED},
        {"status": PushJobStatus.DONE, "done": 1000},
        {"done": 100},  # nothing pushed yet in this run
        {"run_started_at": None},
    ],
)
def test_no_time_left_is_guessed_without_a_pace(fields):
    job = _job(**fields)

    assert job.time_left(timezone.now()) is None
    assert push_job_left(job, timezone.now()) == ""


def test_operators_see_the_share_and_the_time_left(client):
    job = _job()
    operator = User.objects.create_user("olga", is_staff=True)
    operator.groups.add(Group.objects.get(name="Operator"))
    client.force_login(operator)

    listing = client.get("/admin/legacy_users/pushjob/").content.decode()
    dashboard = client.get("/admin/").content.decode()

    for page in (listing, dashboard):
        assert "30%: 300 of 1,000" in page
        assert "about 35\xa0minutes left" in page or "about 35&nbsp;minutes left" in page
    assert f"Push {job.pk}: Running" in dashboard
