"""Flood control for groups: at most so many of the bot's messages per chat in a sliding window.

Telegram lets a bot post about 20 messages a minute into one group; beyond that a call is
refused with 429 "Too Many Requests: retry after N" and nothing is posted. The sandbox models
this only when a :class:`GroupLimit` is set, so tests that do not care are unaffected.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from bot.sandbox.chats import ChatRecord
from bot.sandbox.errors import SandboxError

__all__ = ["COUNTED_METHODS", "FloodControl", "GroupLimit"]

COUNTED_METHODS = frozenset(
    {"sendMessage", "copyMessage", "sendPhoto", "sendDocument", "createForumTopic"}
)
"""The methods that create a message in a chat (createForumTopic: its service message)."""


@dataclass(frozen=True)
class GroupLimit:
    """How many messages the bot may post into one group within a sliding window.

    Attributes:
        messages: The most messages within any ``seconds`` window, e.g. 20.
        seconds: The window's length in seconds, e.g. 60.
    """

    messages: int
    seconds: float

    def __post_init__(self) -> None:
        """Reject limits that would refuse everything or nothing.

        Raises:
            ValueError: ``messages`` is below 1 or ``seconds`` is not positive.
        """
        if self.messages < 1:
            raise ValueError("messages must be at least 1")
        if not self.seconds > 0:
            raise ValueError("seconds must be positive")


class FloodControl:
    """Counts the bot's messages per group and refuses the one that would exceed the limit.

    A call first :meth:`take` s a slot (or is refused), and gives it back with :meth:`release`
    when it fails for another reason, so only messages actually posted are counted. While no
    limit is set nothing is counted.

    Attributes:
        limit: The limit in force, or None (off).
        refusals: Every refused call as ``(method, chat_id)``, in order.
    """

    def __init__(self, monotonic: Callable[[], float], limit: GroupLimit | None = None) -> None:
        """Create the counter.

        Args:
            monotonic: A monotonic clock in seconds, e.g. ``time.monotonic``.
            limit: The limit in force, or None.
        """
        self._monotonic = monotonic
        self.limit = limit
        self.refusals: list[tuple[str, int]] = []
        self._posted: defaultdict[int, deque[float]] = defaultdict(deque)

    def take(self, method: str, chat: ChatRecord) -> float | None:
        """Count one message into ``chat``, or refuse it.

        Args:
            method: The Bot API method, recorded with a refusal.
            chat: Where the message would be posted.

        Returns:
            The slot taken (give it to :meth:`release` if the call fails), or None when the
            chat is not limited.

        Raises:
            SandboxError: 429 with ``retry_after``: whole seconds, at least 1, until the
                oldest counted message leaves the window.
        """
        limit = self.limit
        if limit is None or chat.type == "private" or method not in COUNTED_METHODS:
            return None
        now = self._monotonic()
        posted = self._posted[chat.id]
        while posted and now - posted[0] >= limit.seconds:
            posted.popleft()
        if len(posted) >= limit.messages:
            retry_after = max(1, math.ceil(posted[0] + limit.seconds - now))
            self.refusals.append((method, chat.id))
            raise SandboxError(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"Too Many Requests: retry after {retry_after}",
                retry_after=retry_after,
            )
        posted.append(now)
        return now

    def release(self, chat: ChatRecord, slot: float | None) -> None:
        """Give back a slot from :meth:`take` whose call posted nothing."""
        if slot is None:
            return
        posted = self._posted.get(chat.id)
        if posted is not None and slot in posted:
            posted.remove(slot)
