"""Production serving: gunicorn reads this file by itself (`gunicorn migration_portal.wsgi`).

Every knob can be overridden from the environment (GUNICORN_*), or on the command line.
The choices, measured with bench/hook_load.py on a 2-core machine (docs/serving.md, "Capacity"):
- one process per core, each with threads: password hashing (bcrypt, PBKDF2, scrypt,
  argon2) releases the GIL, so a process's threads hash in parallel while its other threads
  read the next requests; the threads also take calls off the socket at once, so a call's
  time budget starts when it arrives, not when a worker is free (AdmissionWorker);
- 8 threads, not more: on the cheap path a process's threads queue for Python's lock, and
  16 served fewer calls per second with a longer tail; a thread that has answered serves its
  kept-alive connection's next call itself (AdmissionWorker), which saves the main thread's
  round trip per call;
- a worker that stays silent past `timeout` is restarted: no hook call lives past Okta's
  3 s anyway (OKTA_HOOK_DEADLINE_MS ends it at 2.5 s), so 10 s only catches a stuck one.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gunicorn.arbiter import Arbiter
    from gunicorn.workers.base import Worker


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count())
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "migration_portal.serving.AdmissionWorker")
threads = _int("GUNICORN_THREADS", 8)
# Not a gunicorn setting, read by AdmissionWorker in each worker: how long a thread that has
# answered waits for its kept-alive connection's next call before handing the connection back
# to the main thread (only while no other call waits for a thread).
os.environ.setdefault("GUNICORN_KEEPALIVE_LINGER_MS", "10")
# Okta holds each call open at most 3 s; a worker silent for longer than this is stuck.
timeout = _int("GUNICORN_TIMEOUT", 10)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 5)
# Okta reuses connections; keep them a little longer than a burst's gap.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
backlog = _int("GUNICORN_BACKLOG", 2048)
# gunicorn's control socket (gunicornc) is one path per user and host by default: two
# instances on one host (the hook's and the admin's) would take each other's. Off unless a
# path of this instance's own is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
# Recycle workers now and then (jittered so they do not all restart together).
max_requests = _int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 10_000)
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"

# /metrics sums every worker's samples: prometheus-client's multiprocess mode keeps them in
# this folder (made fresh at start; a dead worker's gauges are dropped).
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "migration-portal-metrics")
)


def on_starting(server: Arbiter) -> None:
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server: Arbiter, worker: Worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
