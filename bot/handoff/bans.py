"""Banned chats: their messages are no longer relayed to the staff."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import Clock

from ._sql import insert_for, rowcount
from .records import check_user_id
from .tables import BanRow

__all__ = ["Bans"]

_BANS = cast(Table, BanRow.__table__)  # type: ignore[attr-defined]


class Bans:
    """The bans repository of one transaction; get it as ``HandoffSession.bans``."""

    def __init__(self, connection: AsyncConnection, clock: Clock) -> None:
        """Work on ``connection``, which is inside a transaction; timestamps come from ``clock``."""
        self._connection = connection
        self._clock = clock

    async def ban(self, chat_id: int, banned_by: int) -> bool:
        """Ban a chat.

        Returns:
            True if it was banned now; False if it was already (the first ban is kept).
        """
        check_user_id(banned_by)
        statement = (
            insert_for(self._connection)(_BANS)
            .values(chat_id=chat_id, banned_by=banned_by, created_at=self._clock())
            .on_conflict_do_nothing(index_elements=["chat_id"])
        )
        return rowcount(await self._connection.execute(statement)) == 1

    async def unban(self, chat_id: int) -> bool:
        """Lift a chat's ban; True if it was banned."""
        statement = delete(_BANS).where(_BANS.c.chat_id == chat_id)
        return rowcount(await self._connection.execute(statement)) == 1

    async def is_banned(self, chat_id: int) -> bool:
        """Whether the chat is banned."""
        statement = select(exists().where(_BANS.c.chat_id == chat_id))
        return bool((await self._connection.execute(statement)).scalar())
