"""The tests' one fake clock: it moves only when the code under test sleeps or a test advances it."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field


@dataclass
class FakeTime:
    """The one fake clock of the tests. `monotonic()` and `sleep()` for `net.Client`,
    `check.Checker`, `archive.Wayback` and a run's `Settings`: a sleep is recorded and advances
    the clock at once, so tests assert waits without waiting. The test servers read it too
    (`WaybackServer(clock=...)`, called from their thread), and a test may `advance` it."""

    now: float = 1_000_000.0
    sleeps: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    __call__ = monotonic

    def advance(self, seconds: float) -> None:
        """Move the clock forward (a server's windows pass without a sleep of ours)."""
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        with self._lock:
            self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)
