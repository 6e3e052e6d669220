"""The worker's jobs (Procrastinate, on the portal's PostgreSQL: no other broker to run):
the periodic ones a crontab would otherwise run, and the Okta pushes operators
start from the admin. `python manage.py procrastinate
worker` runs them; every worker may run the schedule, and each run happens once.

Each job calls the same service the management command calls, so running the command by
hand does exactly what the worker does.
"""

from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from legacy_users.app_settings import app_settings
from legacy_users.okta_org import okta_client
from legacy_users.services.hook_stats import rollup_hook_calls
from legacy_users.services.okta_log import okta_imports_sync
from legacy_users.services.push_jobs import push_job_run
from legacy_users.services.retention import records_prune

logger = logging.getLogger(__name__)


@app.periodic(cron="*/5 * * * *", periodic_id="okta-sync-imports")
@app.task(queue="periodic", queueing_lock="okta-sync-imports", pass_context=False)
def okta_sync_imports(timestamp: int) -> None:
    """Okta's System Log: confirmations, and event hook deliveries checked (every 5 min)."""
    if not app_settings().okta_api_configured:
        return
    with okta_client() as client:
        report = okta_imports_sync(client=client)
    logger.info("okta_sync_imports: read %s events up to %s", report.read, report.until)


@app.periodic(cron="*/5 * * * *", periodic_id="rollup-hook-calls")
@app.task(queue="periodic", queueing_lock="rollup-hook-calls", pass_context=False)
def rollup_calls(timestamp: int) -> None:
    """The dashboard's hourly and daily figures (every 5 min)."""
    logger.info("rollup_hook_calls: %s calls", rollup_hook_calls())


@app.periodic(cron="17 3 * * *", periodic_id="apply-retention")
@app.task(queue="periodic", queueing_lock="apply-retention", pass_context=False)
def apply_retention(timestamp: int) -> None:
    """Records past their retention, deleted in batches (daily, 03:17)."""
    report = records_prune()
    logger.info(
        "apply_retention: %s hook calls, %s Okta events, %s load runs",
        report.hook_calls,
        report.okta_events,
        report.load_runs,
    )


@app.task(queue="push", pass_context=False)
def okta_push_job(job_id: int) -> None:
    """An Okta push an operator started from the admin (one at a time)."""
    job = push_job_run(job_id=job_id)
    logger.info("okta push %s: %s, %s of %s", job.pk, job.status, job.done, job.total)
