"""Clocks for the hook that tests control (`legacy_users.clock.use_clock` puts one in).

- `SteadyWallClock`: the real monotonic clock and waits, and a wall clock that stands still
  where the test began until the test moves it (`advance_wall`): per-minute throttle counts
  stay in one window however long a test runs, and a test turns the minute when it means to.
- `SkippingClock`: the same wall, and waits skipped: monotonic time still passes as it really
  does, plus every wait it was asked for, which is recorded and returns at once.
"""

from __future__ import annotations

import threading
import time

from legacy_users.clock import Clock


class SteadyWallClock(Clock):
    def __init__(self) -> None:
        self._wall = time.time()

    def wall(self) -> float:
        return self._wall

    def advance_wall(self, seconds: float) -> None:
        self._wall += seconds


class SkippingClock(SteadyWallClock):
    def __init__(self) -> None:
        super().__init__()
        self.skipped = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        return time.monotonic() + self.skipped

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.skipped += max(0.0, seconds)
