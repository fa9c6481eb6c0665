"""A clock for tests of waiting: it moves only when the code under test sleeps."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field


@dataclass
class FakeTime:
    """`monotonic()` and `sleep()` for `net.Client`, `check.Checker` and `archive.Wayback`: a sleep
    is recorded and advances the clock at once, so tests assert waits without waiting."""

    now: float = 1_000_000.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)
