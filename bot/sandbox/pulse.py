"""A wake-everyone signal that plain (non-async) code can fire."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

__all__ = ["Pulse"]


class Pulse:
    """Wakes every waiter whenever something changed; waiters re-check their own condition.

    This is ``asyncio.Condition.notify_all`` without the lock: a Condition can only be notified
    by a coroutine holding its lock, but the sandbox changes state from plain methods too
    (``Sandbox.block``). Swapping in a fresh Event after setting the old one gives the same
    wake-all semantics, and since checking the predicate and taking the current Event happen
    without an ``await`` in between, no wake-up can be lost.
    """

    def __init__(self) -> None:
        """Create a pulse with no waiters."""
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake every coroutine currently waiting."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        """Wait until ``predicate()`` is true or ``timeout`` seconds have passed.

        Args:
            predicate: Checked now and after every notification.
            timeout: The longest wait in seconds (0 checks once, None waits for ever).

        Returns:
            Whether the predicate became true.
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not predicate():
            event = self._event
            if deadline is None:
                await event.wait()
                continue
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue
        return True
