"""The Okta push as a job the worker runs: started from the admin by an operator (the
selected users, or every pending one), one at a time, with its progress, its waits on
Okta's rate limits and its failures kept on the job, pausable and resumable."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.timesince import timeuntil

from legacy_users.models import LegacyUser, PushJob, PushJobStatus
from legacy_users.okta_org import okta_client
from legacy_users.services.okta_profiles import users_unpushed
from legacy_users.services.okta_push import PushStrategy, okta_users_push
from okta_api import OktaError

ACTIVE = (PushJobStatus.QUEUED, PushJobStatus.RUNNING, PushJobStatus.PAUSING)


class PushJobRefused(Exception):
    """A push job cannot start or change now; the message says why."""


def push_job_start(
    *, started_by: str, strategy: PushStrategy, user_ids: list[int] | None = None
) -> PushJob:
    """Queue a push of `user_ids` (None: every pending user) for the worker. Refused while
    another push is under way: one at a time."""
    with transaction.atomic():
        if PushJob.objects.select_for_update().filter(status__in=ACTIVE).exists():
            raise PushJobRefused("another push is under way: pause it or wait for it to end")
        job = PushJob.objects.create(
            created_at=timezone.now(),
            started_by=started_by[:150],
            strategy=strategy.value,
            user_ids=user_ids,
            status=PushJobStatus.QUEUED,
            total=_users(user_ids).count(),
        )
        transaction.on_commit(lambda: _defer(job.pk))
    return job


def _defer(job_id: int) -> None:
    from legacy_users.tasks import okta_push_job

    okta_push_job.defer(job_id=job_id)


def _users(user_ids: list[int] | None):  # type: ignore[no-untyped-def]
    users = users_unpushed()
    return users if user_ids is None else users.filter(pk__in=user_ids)


def push_job_pause(*, job_id: int) -> None:
    """Ask a queued or running push to stop after its current batch."""
    changed = PushJob.objects.filter(
        pk=job_id, status__in=(PushJobStatus.QUEUED, PushJobStatus.RUNNING)
    ).update(status=PushJobStatus.PAUSING)
    if not changed:
        raise PushJobRefused("only a queued or running push can be paused")


def push_job_resume(*, job_id: int) -> None:
    """Queue a paused push again: it goes on where it stopped."""
    with transaction.atomic():
        if PushJob.objects.select_for_update().filter(status__in=ACTIVE).exists():
            raise PushJobRefused("another push is under way")
        changed = PushJob.objects.filter(pk=job_id, status=PushJobStatus.PAUSED).update(
            status=PushJobStatus.QUEUED
        )
        if not changed:
            raise PushJobRefused("only a paused push can be resumed")
        transaction.on_commit(lambda: _defer(job_id))


def push_job_run(*, job_id: int) -> PushJob:
    """Run a queued push to its end, or until it is paused (the worker's job)."""
    job = PushJob.objects.get(pk=job_id)
    if job.status == PushJobStatus.PAUSING:
        PushJob.objects.filter(pk=job_id).update(status=PushJobStatus.PAUSED)
        return PushJob.objects.get(pk=job_id)
    now = timezone.now()
    PushJob.objects.filter(pk=job_id).update(
        status=PushJobStatus.RUNNING,
        started_at=job.started_at or now,
        run_started_at=now,
        run_done_from=job.done,
    )
    among = None if job.user_ids is None else LegacyUser.objects.filter(pk__in=job.user_ids)
    states: dict[str, int] = dict(job.states or {})
    base_done = job.done

    def wanted() -> bool:
        status = PushJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
        return status != PushJobStatus.PAUSING

    try:
        with okta_client() as client:

            def progress(done: int) -> None:
                PushJob.objects.filter(pk=job_id).update(
                    done=base_done + done, waited_seconds=client.waited
                )

            report = okta_users_push(
                client=client,
                strategy=PushStrategy(job.strategy),
                among=among,
                on_progress=progress,
                should_continue=wanted,
            )
    except OktaError as exc:
        PushJob.objects.filter(pk=job_id).update(
            status=PushJobStatus.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        return PushJob.objects.get(pk=job_id)
    for state, count in report.states.items():
        states[str(state)] = states.get(str(state), 0) + count
    errors = "; ".join(f"{login}: {error}" for login, error in report.errors[:5])
    PushJob.objects.filter(pk=job_id).update(
        status=PushJobStatus.PAUSED if report.stopped else PushJobStatus.DONE,
        states=states,
        message=errors[:500],
        finished_at=None if report.stopped else timezone.now(),
    )
    return PushJob.objects.get(pk=job_id)


def push_job_left(job: PushJob, now: datetime) -> str:
    """ ", about 2 hours, 10 minutes left" at the current run's pace, or "" when that cannot be
    told (not running, or nothing pushed yet in this run)."""
    left = job.time_left(now)
    if left is None:
        return ""
    return f", about {timeuntil(now + left, now)} left"
