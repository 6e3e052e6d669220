"""What the migration measures about itself, in Prometheus's terms (prometheus-client).

Under gunicorn every worker is a process: with PROMETHEUS_MULTIPROC_DIR set (gunicorn.conf.py
sets it) each writes its samples there and `/metrics` adds them up. Labels hold outcomes,
reasons and format names only: never a login, never anything a caller typed.
"""

import os

from prometheus_client import Counter, Histogram, values

_pid = os.getpid()


def _process_id() -> int:
    """This process's id, remembered: prometheus-client asks on every sample it records, to
    notice a fork, and `os.getpid()` is a system call each time (glibc no longer caches it)."""
    return _pid


def _forked() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)
if values.ValueClass is not values.MutexValue:
    # prometheus-client chose its multiprocess mode: the same, with the remembered id.
    values.ValueClass = values.MultiProcessValue(process_identifier=_process_id)

HOOK_CALLS = Counter(
    "portal_hook_calls_total",
    "Password import hook calls answered, by outcome and reason.",
    ["outcome", "reason"],
)
HOOK_SECONDS = Histogram(
    "portal_hook_call_seconds",
    "Time from a hook call's arrival to its answer.",
    ["outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0),
)
CHECK_SECONDS = Histogram(
    "portal_hash_check_seconds",
    "Time one password check took, by hash format.",
    ["format"],
    buckets=(0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0),
)
SHED_CALLS = Counter(
    "portal_hook_shed_total",
    "Hook calls answered 503 because no verification slot freed up within their budget.",
)
ACCOUNT_LOCKS = Counter(
    "portal_account_lock_failures_total",
    "Wrong passwords that counted toward an account-wide lock (failures from many sources).",
)
LOADER_ROWS = Counter(
    "portal_loader_rows_total",
    "Rows the loader read, by what became of them.",
    ["result"],
)


def record_hook_call(*, outcome: str, reason: str, seconds: float) -> None:
    """Count one answered hook call and how long it took from arrival."""
    HOOK_CALLS.labels(outcome, reason).inc()
    HOOK_SECONDS.labels(outcome).observe(seconds)
