"""The time budget of a run (`--max-time`): work still going when it runs out is stopped, and
stands in the report as not done. No I/O of its own (an event-loop timer).

Why a race rather than `asyncio.timeout` around the run: the links checked before the limit keep
their outcomes, and the report is still written whole; only what was not finished is marked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class Budget:
    """Seconds a run may take from its start (None: no limit)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._reached = asyncio.Event()
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(seconds, self._reached.set) if seconds is not None else None

    @property
    def reached(self) -> bool:
        return self._reached.is_set()

    @property
    def detail(self) -> str:
        """What a link the limit cut off says."""
        return f"not checked: --max-time {self.seconds or 0:g} s reached"

    async def within(self, work: Coroutine[Any, Any, T], default: T) -> T:
        """The work's result, or `default` when the budget runs out first (the work is cancelled)."""
        if self.reached:
            work.close()
            return default
        task = asyncio.ensure_future(work)
        stop = asyncio.ensure_future(self._reached.wait())
        try:
            await asyncio.wait((task, stop), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            unfinished = not task.done()
            if unfinished:
                task.cancel()
        return default if unfinished or task.cancelled() else task.result()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
