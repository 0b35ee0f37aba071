"""Pending updates and getUpdates long polling, with Telegram's confirmation rules."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from bot.sandbox.errors import SandboxError
from bot.sandbox.pulse import Pulse

__all__ = ["DEFAULT_UPDATE_TYPES", "UpdateQueue"]

Update = dict[str, Any]

# Telegram sends these only when asked for by name in allowed_updates.
_OPT_IN = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
"""The update types delivered when allowed_updates is empty or was never set."""

_TERMINATED = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


@dataclass
class _Pending:
    update: Update
    # A redelivered update ignores the offset once: it models a confirmation that was lost.
    redelivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


class UpdateQueue:
    """Updates waiting for the bot, handed out by getUpdates or the webhook worker."""

    def __init__(self) -> None:
        """Create an empty queue that delivers the default update types."""
        self._pending: list[_Pending] = []
        self._allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._allowed_list: list[str] = []
        self._poll_generation = 0
        self._closed = False
        self.pulse = Pulse()

    @property
    def pending(self) -> list[Update]:
        """The updates not yet confirmed, oldest first."""
        return [p.update for p in self._pending]

    @property
    def allowed_updates(self) -> list[str]:
        """The allowed_updates the bot set last (empty: the default types)."""
        return list(self._allowed_list)

    def set_allowed(self, allowed: Sequence[str] | None) -> None:
        """Change which updates will be queued from now on (None keeps the setting).

        As on Telegram, updates created before the change are still delivered.
        """
        if allowed is None:
            return
        self._allowed_list = [str(kind) for kind in allowed]
        self._allowed = frozenset(self._allowed_list) or DEFAULT_UPDATE_TYPES

    def allows(self, kind: str) -> bool:
        """Return whether updates of this type are currently delivered."""
        return kind in self._allowed and (kind not in _OPT_IN or kind in self._allowed_list)

    def put(self, update: Update, *, redelivered: bool = False) -> None:
        """Queue an update and wake pollers and the webhook worker."""
        self._pending.append(_Pending(update, redelivered))
        self.pulse.notify()

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last ``-offset``."""
        if offset < 0:
            del self._pending[:offset]
            return
        self._pending = [p for p in self._pending if p.redelivered or p.update_id >= offset]

    def remove(self, update_id: int) -> None:
        """Forget one update (delivered to the webhook, or given up on)."""
        self._pending = [p for p in self._pending if p.update_id != update_id]

    def clear(self) -> None:
        """Drop every pending update (drop_pending_updates)."""
        self._pending.clear()

    def close(self) -> None:
        """Make every current and future poll return at once (server shutdown)."""
        self._closed = True
        self.pulse.notify()

    def reopen(self) -> None:
        """Undo :meth:`close` when the sandbox is served again."""
        self._closed = False

    async def poll(
        self,
        *,
        offset: int | None,
        limit: int,
        timeout: float,
        conflict: Callable[[], SandboxError | None],
    ) -> list[Update]:
        """Answer getUpdates: confirm, then wait up to ``timeout`` for something to return.

        Args:
            offset: Confirms every update below it (see :meth:`confirm`).
            limit: At most this many updates are returned.
            timeout: Seconds to wait when nothing is pending (long polling).
            conflict: Returns an error while getUpdates is not allowed (a webhook is set).

        Returns:
            The oldest pending updates, possibly none.

        Raises:
            SandboxError: 409 when a webhook is set, or when a newer getUpdates request
                replaced this one (Telegram allows one poller at a time).
        """
        self._poll_generation += 1
        generation = self._poll_generation
        self.pulse.notify()  # a poll still waiting is now superseded and must say so
        if offset is not None:
            self.confirm(offset)

        def ready() -> bool:
            return (
                bool(self._pending)
                or self._closed
                or generation != self._poll_generation
                or conflict() is not None
            )

        await self.pulse.wait_until(ready, max(0.0, timeout))
        if generation != self._poll_generation:
            raise SandboxError(HTTPStatus.CONFLICT, _TERMINATED)
        error = conflict()
        if error is not None:
            raise error
        batch = self._pending[:limit]
        # A redelivered update is not waiting for confirmation: it was confirmed before.
        handed_out = {id(entry) for entry in batch if entry.redelivered}
        self._pending = [p for p in self._pending if id(p) not in handed_out]
        return [entry.update for entry in batch]

    async def next_pending(self) -> Update | None:
        """Wait for the oldest pending update (for the webhook worker); None once closed."""
        await self.pulse.wait_until(lambda: bool(self._pending) or self._closed, None)
        return None if self._closed else self._pending[0].update
