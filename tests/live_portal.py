"""The portal served for real: gunicorn processes with the README's serving setup
(gunicorn.conf.py), on the test database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from legacy_users.models import FailureCounter


def answers(url: str, *, tries: int = 100) -> bool:
    """Whether `url` answers within `tries` tenths of a second (a process just started)."""
    for _ in range(tries):
        try:
            urllib.request.urlopen(url, timeout=1)
            return True
        except OSError:
            time.sleep(0.1)
    return False


ROOT = Path(settings.BASE_DIR)
#: The hook secret the test settings configure, which the live servers are given too.
SECRET = settings.OKTA_HOOK_AUTH_VALUES[0]

#: Live servers share the test database with the test (only PostgreSQL can be shared so).
needs_live_services = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="live servers share a PostgreSQL database (DATABASE_URL=postgres://...)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def portal_instances(count: int, **env_overrides: str) -> Iterator[list[str]]:
    """`count` gunicorn instances, each serving the hook only; yields their base URLs."""
    FailureCounter.objects.all().delete()
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "live-portal-test-secret-key-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "OKTA_HOOK_AUTH_VALUES": SECRET,
        "ADMIN_ENABLED": "false",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "8",
        "LOG_LEVEL": "WARNING",
        **env_overrides,
    }
    ports = [_free_port() for _ in range(count)]
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
            if not answers(f"http://127.0.0.1:{port}/healthz"):
                raise RuntimeError("an instance did not start")
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        FailureCounter.objects.all().delete()
