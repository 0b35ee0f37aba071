"""A strict sliding window: at most ``limit`` events in any ``period`` seconds.

Telegram lets a bot post about 20 messages a minute into one group and counts them per minute,
so a token bucket that refills steadily is the wrong model: it allows a full burst and then
keeps refilling, which puts nearly twice the limit into the first minute and earns a flood
wait. The window here remembers the last ``limit`` events and lets the next one through only
when the oldest of them is at least ``period`` old, so no span of ``period`` seconds, wherever
it starts, ever holds more than ``limit`` events.

The class only keeps time and answers "how long until the next one may go"; waiting is the
caller's business, which keeps it pure and testable with a fake clock.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

__all__ = ["SlidingWindow"]


class SlidingWindow:
    """At most ``limit`` events in any span of ``period`` seconds.

    Example:
        >>> window = SlidingWindow(2, 60.0, clock=lambda: 0.0)
        >>> window.record(); window.record()
        >>> window.wait_time()
        60.0
    """

    def __init__(
        self, limit: int, period: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Allow ``limit`` events per ``period`` seconds, timed by ``clock``.

        Args:
            limit: How many events any span of ``period`` seconds may hold.
            period: The span, in seconds.
            clock: Seconds from any fixed point that never goes back (monotonic time).

        Raises:
            ValueError: ``limit`` is below 1, or ``period`` is not a positive finite number.
        """
        if isinstance(limit, bool) or limit < 1:
            raise ValueError("a sliding window needs a limit of at least 1")
        if not (period > 0 and math.isfinite(period)):
            raise ValueError("a sliding window needs a positive, finite period")
        self._limit = limit
        self._period = float(period)
        self._clock = clock
        # Only the last `limit` events matter: the next one must be `period` after the
        # oldest of them, and everything older is already outside every window it could share.
        self._events: deque[float] = deque(maxlen=limit)

    @property
    def limit(self) -> int:
        """How many events any span of :attr:`period` seconds may hold."""
        return self._limit

    @property
    def period(self) -> float:
        """The span in seconds."""
        return self._period

    def wait_time(self) -> float:
        """How many seconds to wait before the next event may happen (0.0: now)."""
        if len(self._events) < self._limit:
            return 0.0
        return max(0.0, self._events[0] + self._period - self._clock())

    def record(self) -> None:
        """Note that an event happened now."""
        self._events.append(self._clock())
