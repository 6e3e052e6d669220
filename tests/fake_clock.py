"""A clock for the hook that skips its waits: time still passes as it really does, plus every
wait it was asked for, which is recorded and returns at once."""

from __future__ import annotations

import threading
import time

from legacy_users.clock import Clock


class SkippingClock(Clock):
    def __init__(self) -> None:
        self.skipped = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        return time.monotonic() + self.skipped

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.skipped += max(0.0, seconds)
