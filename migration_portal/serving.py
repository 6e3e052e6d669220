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
`portal.arrived` (on the hook's clock, `legacy_users.clock.monotonic()`);
`request_arrival()` reads it back.
"""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from gunicorn.http.parser import Parser
from gunicorn.workers.gthread import TConn, ThreadWorker

from legacy_users.clock import monotonic

ARRIVED = "portal.arrived"
_local = threading.local()


class AdmissionWorker(ThreadWorker):
    """gunicorn's threaded worker, stamping each request's arrival for the handling thread,
    and serving a kept-alive connection's next request in the same thread when it comes
    quickly.

    gunicorn hands a kept-alive connection back to its main thread after every response; the
    main thread polls it and, once the next request arrives, queues it for a thread again.
    A load balancer in front (nginx's upstream keepalive, a cloud load balancer) and any client
    that keeps its connections alive send calls back to back on them, and on the cheap path
    that round trip cost more than the hook's own work (bench/hook_load.py). A thread that has
    answered therefore waits up to `keepalive_linger` (GUNICORN_KEEPALIVE_LINGER_MS) for the
    connection's next request, but only while no other request is waiting for a thread.
    """

    #: Seconds a thread waits for a kept-alive connection's next request before handing
    #: the connection back to the main thread (0: never).
    keepalive_linger = 0.0

    def init_process(self) -> None:
        self._queued = 0
        self._queued_lock = threading.Lock()
        self._arrived: dict[TConn, float] = {}  # connections queued for a thread
        # gunicorn.conf.py sets it (10 ms unless overridden); without it, gunicorn's own way.
        self.keepalive_linger = float(os.environ.get("GUNICORN_KEEPALIVE_LINGER_MS", "0")) / 1000
        super().init_process()

    def enqueue_req(self, conn: TConn) -> None:
        arrived = monotonic()
        with self._queued_lock:
            self._queued += 1
            self._arrived[conn] = arrived
        super().enqueue_req(conn)

    def handle(self, conn: TConn) -> bool:
        with self._queued_lock:
            self._queued -= 1
            arrived = self._arrived.pop(conn, None)
        while True:
            _local.arrived = arrived
            try:
                keepalive = super().handle(conn)
            finally:
                _local.arrived = None
            if keepalive is not True or not self._next_request_soon(conn):
                return keepalive
            arrived = monotonic()

    def _next_request_soon(self, conn: TConn) -> bool:
        """Whether the connection's next request is here, or arrives within the linger while
        no other request waits for a thread."""
        if isinstance(conn.parser, Parser) and conn.parser.unreader.buf.getvalue():
            return True  # read ahead with the last request's body
        if not self.alive or self._queued or self.keepalive_linger <= 0:
            return False
        poll = select.poll()
        poll.register(conn.sock, select.POLLIN)
        return bool(poll.poll(self.keepalive_linger * 1000))


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

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now_mono = monotonic()
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
    return arrived if isinstance(arrived, float) else monotonic()
