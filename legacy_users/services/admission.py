"""Verification slots: how many password checks one process runs at once, and who waits.

A call may wait for a slot only as long as it can still be answered within its budget: it
needs the slot before `deadline - expected check time`, where the expected time is what that
hash format has been taking in this process (a moving average). A call that cannot get a
slot in time is shed at once (503, Okta retries once) instead of queueing past Okta's 3 s,
so under overload the calls that are served are served at full speed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

#: Expected seconds for a format never timed yet in this process (a bcrypt-10 check).
DEFAULT_EXPECTED = 0.06
#: Weight of the newest timing in the moving average.
SMOOTHING = 0.2


class NoSlotInTime(Exception):
    """No verification slot could be had early enough to answer within the budget."""


class VerificationSlots:
    """A process-wide semaphore of verification slots and the expected cost per format."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._semaphore: threading.BoundedSemaphore | None = None
        self._size = 0
        self._expected: dict[str, float] = {}

    def _slots(self) -> threading.BoundedSemaphore:
        size = max(1, settings.OKTA_HOOK_VERIFY_SLOTS)
        with self._lock:
            if self._semaphore is None or size != self._size:
                self._semaphore, self._size = threading.BoundedSemaphore(size), size
            return self._semaphore

    def expected(self, format_name: str) -> float:
        """What one check of `format_name` has been taking here, in seconds."""
        return self._expected.get(format_name, DEFAULT_EXPECTED)

    @contextmanager
    def slot(self, *, format_name: str, deadline: float) -> Iterator[None]:
        """Hold a slot for one check of `format_name`; NoSlotInTime when none frees up
        before the check could no longer finish by `deadline` (monotonic seconds)."""
        semaphore = self._slots()
        wait = deadline - time.monotonic() - self.expected(format_name)
        if wait <= 0 or not semaphore.acquire(timeout=wait):
            raise NoSlotInTime(f"no verification slot in time for a {format_name or '?'} check")
        started = time.monotonic()
        try:
            yield
        finally:
            took = time.monotonic() - started
            semaphore.release()
            with self._lock:
                previous = self._expected.get(format_name)
                self._expected[format_name] = (
                    took if previous is None else previous + SMOOTHING * (took - previous)
                )


#: The process's slots (gunicorn workers are processes: each has its own).
verification_slots = VerificationSlots()
