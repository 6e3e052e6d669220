"""Verification slots: how many password checks one process runs at once, and who waits.

A call may wait for a slot only as long as it can still be answered within its budget: it
needs the slot before `deadline - longest likely check time`. That time is what the format's
checks have been taking in this process, measured under the machine's current load: their
moving average plus twice their moving mean deviation (the way TCP bounds a round trip; about
the 95th percentile of checks that vary normally), never less than 1.5 times the average, so
that a format whose checks vary (busy cores, a cold cache) is given the time its slow checks
take, not its typical one's. (Four deviations shed more bcrypt-12 calls at 75 connections in
bench/hook_load.py and gained nothing: the slowest answer stayed under 2.7 s either way.)
A call whose turn, given the calls queued ahead of it, would come too late is shed at once
(503, Okta retries once) instead of queueing past Okta's 3 s, so under overload the extra
calls are answered in milliseconds and the calls that are served are served at full speed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from legacy_users.app_settings import hook_settings
from legacy_users.clock import monotonic
from legacy_users.metrics import CHECK_SECONDS

#: Expected seconds for a format never timed yet in this process: a bcrypt-12 check on a
#: busy core. Erring long at a cold start sheds a call too many rather than answer late
#: (measured: at 0.06 s, a cold bcrypt-12 call under load ended at 3.0 s).
DEFAULT_EXPECTED = 0.25
#: Weight of the newest timing in the moving average.
SMOOTHING = 0.2
#: A call starts its check only with at least this multiple of the format's average left
#: (its likely longest check, when longer), so it still ends within the budget.
HEADROOM = 1.5
#: Weight of the newest deviation from the average in the moving mean deviation.
DEVIATION_SMOOTHING = 0.25
#: How many mean deviations above the average a slow check is taken to take.
DEVIATIONS = 2.0


class NoSlotInTime(Exception):
    """No verification slot could be had early enough to answer within the budget."""


class VerificationSlots:
    """A process-wide semaphore of verification slots and the expected cost per format."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._semaphore: threading.BoundedSemaphore | None = None
        self._size = 0
        self._expected: dict[str, float] = {}
        self._deviation: dict[str, float] = {}
        self._busy = 0  # slots held
        self._waiting = 0  # calls queued for one
        self._typical = 0.0  # a moving average over every format checked here

    def _slots(self) -> threading.BoundedSemaphore:
        size = max(1, hook_settings().verify_slots)
        with self._lock:
            if self._semaphore is None or size != self._size:
                self._semaphore, self._size = threading.BoundedSemaphore(size), size
            return self._semaphore

    def expected(self, format_name: str) -> float:
        """What one check of `format_name` has been taking here, in seconds."""
        return self._expected.get(format_name, DEFAULT_EXPECTED)

    def longest(self, format_name: str) -> float:
        """How long one check of `format_name` can be expected to take at most, in seconds."""
        expected = self.expected(format_name)
        spread = expected + DEVIATIONS * self._deviation.get(format_name, 0.0)
        return max(HEADROOM * expected, spread)

    def observe(self, format_name: str, took: float) -> None:
        """Fold one check's time (seconds) into the format's average and deviation."""
        with self._lock:
            previous = self._expected.get(format_name)
            if previous is None:
                self._expected[format_name] = took
            else:
                deviation = self._deviation.get(format_name, 0.0)
                self._deviation[format_name] = deviation + DEVIATION_SMOOTHING * (
                    abs(took - previous) - deviation
                )
                self._expected[format_name] = previous + SMOOTHING * (took - previous)
            self._typical += SMOOTHING * (took - self._typical)

    def _queue_wait(self, expected: float) -> float:
        """How long a call arriving now would wait for a slot, if every check takes
        `expected` (call with the lock held)."""
        if self._busy < self._size:
            return 0.0
        return (self._waiting + 1) * expected / self._size

    def admit(self, *, deadline: float) -> None:
        """Refuse a call at once (NoSlotInTime) when the checks already running and queued
        here cannot leave it a turn before its `deadline`, before it costs anything more.
        The typical check time of this process stands in for its not yet known format."""
        self._slots()
        with self._lock:
            expected = self._typical
            late = monotonic() + self._queue_wait(expected) + HEADROOM * expected >= deadline
        if late:
            raise NoSlotInTime("the checks queued here leave no turn within the budget")

    @contextmanager
    def slot(self, *, format_name: str, deadline: float) -> Iterator[None]:
        """Hold a slot for one check of `format_name`; NoSlotInTime when none frees up
        before the check could no longer finish by `deadline` (monotonic seconds)."""
        semaphore = self._slots()
        expected, longest = self.expected(format_name), self.longest(format_name)
        with self._lock:
            # The checks queued ahead of this one run `size` at a time: if they cannot be
            # done in time, say so now rather than after waiting out the budget.
            queue_wait = self._queue_wait(expected)
            self._waiting += 1
        try:
            wait = deadline - monotonic() - longest
            if queue_wait > wait or wait <= 0 or not semaphore.acquire(timeout=wait):
                raise NoSlotInTime(f"no verification slot in time for a {format_name or '?'} check")
        finally:
            with self._lock:
                self._waiting -= 1
        with self._lock:
            self._busy += 1
        started = monotonic()
        try:
            yield
        finally:
            took = monotonic() - started
            with self._lock:
                self._busy -= 1
            semaphore.release()
            CHECK_SECONDS.labels(format_name or "unknown").observe(took)
            self.observe(format_name, took)


#: The process's slots (gunicorn workers are processes: each has its own).
verification_slots = VerificationSlots()
