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

Someone who sends faster than the flood limit allows (:mod:`bot.tg.flood_limit`) is not read
at all for a while: the update is counted as it arrives, and one over the limit is dropped
before it waits for anything. The first one dropped in a period takes the chat's turn to tell
the person, so that the notice comes after the answers to what was read.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from .flood_limit import FloodLimit, Verdict, limited_chat

__all__ = [
    "MAX_CONCURRENT_UPDATES",
    "PTB_CONCURRENT_UPDATES",
    "FloodNotify",
    "PerChatUpdateProcessor",
    "chat_key",
]

#: How many updates (of different chats) run at the same time.
MAX_CONCURRENT_UPDATES = 256
#: PTB's own limit: high enough never to bind, so that only ours (taken after the lock) does.
PTB_CONCURRENT_UPDATES = 100_000

FloodNotify = Callable[[Update], Awaitable[None]]
"""Tells the person of an update over the flood limit that it was not read."""


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
        self._flood: tuple[FloodLimit, FloodNotify] | None = None

    def limit_floods(self, limit: FloodLimit, notify: FloodNotify) -> None:
        """From now on, read a private chat's updates only within ``limit``.

        Args:
            limit: How many updates of one chat are read per period.
            notify: Called (in the chat's turn) for the first update dropped in a period.
        """
        self._flood = (limit, notify)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run ``coroutine`` once every earlier update of the same chat has finished.

        An update over the flood limit is not run at all (see :meth:`limit_floods`).
        """
        verdict, limited = Verdict.READ, limited_chat(update)
        if self._flood is not None and limited is not None:
            verdict = self._flood[0].check(limited)  # on arrival, before any wait
        if verdict is not Verdict.READ:
            if asyncio.iscoroutine(coroutine):
                coroutine.close()  # never to run: no handler sees the update
            if verdict is Verdict.NOTIFY and self._flood is not None:
                assert isinstance(update, Update)  # limited_chat() takes only updates
                async with self.turn(limited):
                    await self._flood[1](update)
            return
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
