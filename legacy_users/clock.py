"""The hook's one source of time: the monotonic clock a call's budget runs on, the wall
clock the throttles count minutes by, and waiting.

Everything on a hook call's path reads `monotonic()` and waits with `sleep()`: its arrival
(`migration_portal.serving`), admission, the deadline checks, and the holds that make every
refusal take as long (`password_import`). The throttles' one-minute windows are read off
`wall()` (`throttling`): minutes every process agrees on, which the monotonic clock is not.
A test puts another clock in with `use_clock`: one that skips the waits
(`tests.fake_clock.SkippingClock`) checks a hold's length exactly without spending it, and
the tests' wall clock stands still unless a test moves it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Clock:
    """The real one: `time.monotonic`, `time.time` and `time.sleep`."""

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


_clock = Clock()


def monotonic() -> float:
    """Seconds on the hook's clock (only differences mean anything)."""
    return _clock.monotonic()


def wall() -> float:
    """Seconds since the epoch on the hook's clock (the throttles' minutes)."""
    return _clock.wall()


def sleep(seconds: float) -> None:
    """Wait `seconds` on the hook's clock."""
    _clock.sleep(seconds)


@contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Put `clock` in for the duration of the block (tests)."""
    global _clock
    previous, _clock = _clock, clock
    try:
        yield clock
    finally:
        _clock = previous
