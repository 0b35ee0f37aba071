"""Per-chat ordering: one chat's updates one after another, different chats at the same time.

PTB's concurrent updates would let a fast double tap run two steps of one conversation at
once, each reading the same stored state; the second would overwrite the first. A lock per chat
serialises them while other chats go on.

The limit on how many updates run at once is ours, not PTB's. PTB takes its own slot before an
update reaches :meth:`PerChatUpdateProcessor.do_process_update`, so under PTB's limit one chat
that floods the bot (or waits out Telegram's flood control) would fill every slot with updates
that only wait for that chat's lock, and every other chat would stall behind it. So PTB's limit
is set so high that it never binds, and a slot of ours is taken only once the chat's lock is
held: a chat runs at most one update at a time and so holds at most one slot.

A chat's waiting updates are never dropped (each is something the person did, and they are
handled in order); they wait for the chat's lock, holding no slot. What one waiting update costs
is a PTB task and its small Update object, and a chat can only send so fast: Telegram itself
limits how quickly a person's messages arrive.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["MAX_CONCURRENT_UPDATES", "PTB_CONCURRENT_UPDATES", "PerChatUpdateProcessor", "chat_key"]

#: How many updates (of different chats) run at the same time.
MAX_CONCURRENT_UPDATES = 256
#: PTB's own limit: high enough never to bind, so that only ours (taken after the lock) does.
PTB_CONCURRENT_UPDATES = 100_000


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (None for updates without one, e.g. poll answers)."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Process updates of one chat in arrival order, and of different chats concurrently.

    Updates arrive here in order (PTB creates their tasks in order), and asyncio locks wake
    waiters first come, first served, so a chat's updates run in the order Telegram sent them.

    Args:
        max_concurrent_updates: how many updates run at once, across all chats; an update
            waiting for its chat's earlier updates does not count.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be a positive integer")
        super().__init__(max(PTB_CONCURRENT_UPDATES, max_concurrent_updates))
        self.limit = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._waiting: dict[int | None, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run ``coroutine`` once every earlier update of the same chat has finished."""
        async with self.turn(chat_key(update)):
            await coroutine

    @asynccontextmanager
    async def turn(self, chat_id: int | None) -> AsyncIterator[None]:
        """The chat's turn: after its earlier updates, before its later ones.

        Work on a chat that does not come from an update (the dialogue shown again after a
        case with an advocate ends) takes its turn here too, so it never runs beside a step.
        """
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        try:
            async with lock, self._slots:  # the chat's turn first, then a slot
                yield
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:  # forget idle chats: memory stays bounded by activity
                del self._waiting[chat_id]
                del self._locks[chat_id]

    async def initialize(self) -> None:
        """Nothing to set up: locks are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: every lock and slot is released when its update finishes."""
