"""When a request arrived, so a hook call's time budget starts there and not when Django
first sees it.

Okta gives up 3 s after it sent the call. Time spent queued before a thread picks the
request up counts against that, so the budget must start at arrival:
- under gunicorn with `AdmissionWorker` (gunicorn.conf.py), arrival is when the worker
  accepted the connection, or when a kept-alive connection became readable;
- behind a proxy that sets `X-Request-Start` (nginx `t=$msec`, Heroku-style milliseconds)
  and is trusted (`TRUST_X_REQUEST_START`), arrival is that time, which also counts the
  proxy's own queue;
- otherwise (runserver, tests), when the WSGI application is called.

`ArrivalMiddleware` (first in MIDDLEWARE) writes it into `request.META` as
`portal.arrived` (a `time.monotonic()` value); `request_arrival()` reads it back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from gunicorn.workers.gthread import ThreadWorker

ARRIVED = "portal.arrived"
_local = threading.local()


class AdmissionWorker(ThreadWorker):
    """gunicorn's threaded worker, stamping each request's arrival for the handling thread."""

    def enqueue_req(self, conn):
        conn.portal_arrived = time.monotonic()
        super().enqueue_req(conn)

    def handle(self, conn):
        _local.arrived = getattr(conn, "portal_arrived", None)
        try:
            return super().handle(conn)
        finally:
            _local.arrived = None


def _proxy_start(value: str, now_wall: float, now_mono: float) -> float | None:
    """`X-Request-Start` (seconds, milliseconds or microseconds since the epoch, optionally
    `t=`-prefixed) on the monotonic clock; None when it does not parse."""
    try:
        stamp = float(value.strip().removeprefix("t="))
    except ValueError:
        return None
    if stamp > 1e14:
        stamp /= 1e6
    elif stamp > 1e11:
        stamp /= 1e3
    if stamp <= 0:
        return None
    return min(now_mono, now_mono - (now_wall - stamp))


class ArrivalMiddleware:
    """Puts the request's arrival (monotonic seconds) in `request.META`."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        now_mono = time.monotonic()
        arrived = getattr(_local, "arrived", None) or now_mono
        header = request.META.get("HTTP_X_REQUEST_START")
        if header and settings.TRUST_X_REQUEST_START:
            from_proxy = _proxy_start(header, time.time(), now_mono)
            if from_proxy is not None:
                arrived = min(arrived, from_proxy)
        request.META[ARRIVED] = arrived
        return self.get_response(request)


def request_arrival(meta: dict[str, Any]) -> float:
    """A request's arrival on the monotonic clock (now, when nothing stamped it)."""
    arrived = meta.get(ARRIVED)
    return arrived if isinstance(arrived, float) else time.monotonic()
