"""Per-chat ordering: one chat's updates one after another, different chats at the same time.

PTB's concurrent updates would let a fast double tap run two steps of one conversation at
once, each reading the same stored state; the second would overwrite the first. A lock per chat
serialises them while other chats go on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["PerChatUpdateProcessor", "chat_key"]


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (None for updates without one, e.g. poll answers)."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Process updates of one chat in arrival order, and of different chats concurrently.

    Updates arrive here in order (PTB creates their tasks in order), and asyncio locks wake
    waiters first come, first served, so a chat's updates run in the order Telegram sent them.
    """

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._waiting: dict[int | None, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run ``coroutine`` once every earlier update of the same chat has finished."""
        key = chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # forget idle chats: memory stays bounded by activity
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up: locks are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: every lock is released when its update finishes."""
