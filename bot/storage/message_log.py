"""The message-id log: which messages of a person's private chat /hide may still delete.

Telegram lets a bot delete the messages of a private chat, its own and the person's, for 48
hours after they were sent; Haven cannot ask Telegram which messages a chat holds, so it notes
the id of each one as it passes. Nothing but the chat, the id and the time is kept, and only
for as long as a deletion can work: older rows are useless, are never handed out, and are
purged by the retention sweeper (:mod:`bot.privacy.retention`). Staff-group messages are
never logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection

from .tables import ChatMessageRow

__all__ = ["DELETABLE_FOR", "MessageLog"]

DELETABLE_FOR = timedelta(hours=48)
"""How long Telegram lets a bot delete a private-chat message, and so how long an id is kept."""

_MESSAGES = cast(Table, ChatMessageRow.__table__)  # type: ignore[attr-defined]


class MessageLog:
    """The message-id log of one transaction; get it as ``StorageSession.messages``."""

    def __init__(self, connection: AsyncConnection) -> None:
        """Work on ``connection``, which is inside a transaction."""
        self._connection = connection

    async def record(self, chat_id: int, message_ids: Iterable[int], at: datetime) -> None:
        """Note messages of ``chat_id`` sent at ``at`` (timezone-aware); repeats are ignored.

        A message noted twice (a redelivered update, an outbox call made again) keeps the time
        it was first noted: the earlier time is the safer guess of when Telegram's 48 hours
        began.
        """
        ids = sorted(set(message_ids))
        if not ids:
            return
        insert = _insert_for(self._connection)
        statement = insert(_MESSAGES).on_conflict_do_nothing(
            index_elements=["chat_id", "message_id"]
        )
        rows = [{"chat_id": chat_id, "message_id": i, "sent_at": at} for i in ids]
        await self._connection.execute(statement, rows)

    async def deletable(self, chat_id: int, now: datetime) -> list[int]:
        """The chat's message ids sent less than :data:`DELETABLE_FOR` before ``now``, in order."""
        query = (
            select(_MESSAGES.c.message_id)
            .where(_MESSAGES.c.chat_id == chat_id, _MESSAGES.c.sent_at > now - DELETABLE_FOR)
            .order_by(_MESSAGES.c.message_id)
        )
        return list((await self._connection.execute(query)).scalars())

    async def forget(self, chat_id: int, message_ids: Iterable[int] | None = None) -> int:
        """Drop the chat's ids (only ``message_ids`` when given); returns how many were dropped.

        /hide forgets exactly the ids it tried to delete, so a message that arrived meanwhile
        (an advocate's reply delivered by the outbox) stays known to the next /hide.
        """
        statement = delete(_MESSAGES).where(_MESSAGES.c.chat_id == chat_id)
        if message_ids is not None:
            ids = sorted(set(message_ids))
            if not ids:
                return 0
            statement = statement.where(_MESSAGES.c.message_id.in_(ids))
        return _rowcount(await self._connection.execute(statement))


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


def _insert_for(connection: AsyncConnection) -> Any:
    # Both dialects' insert() offer on_conflict_do_nothing; the generic sqlalchemy.insert not.
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
