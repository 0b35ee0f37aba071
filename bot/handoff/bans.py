"""Banned people: their messages are no longer relayed to the staff.

A ban is kept under the person's pseudonym (a keyed hash of their chat id, see
:mod:`bot.privacy.pseudonyms`), never their chat id: it must recognise them when they write
again, but not name them, and it outlives their /forget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from sqlalchemy import Table, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import Clock

from ._sql import insert_for, rowcount
from .records import check_user_id
from .tables import ERASED_CHAT_ID, BanRow

if TYPE_CHECKING:
    from bot.privacy.pseudonyms import Pseudonyms

__all__ = ["Bans"]

_BANS = cast(Table, BanRow.__table__)  # type: ignore[attr-defined]


class Bans:
    """The bans repository of one transaction; get it as ``HandoffSession.bans``."""

    def __init__(self, connection: AsyncConnection, clock: Clock, pseudonyms: Pseudonyms) -> None:
        """Work on ``connection``, which is inside a transaction; timestamps come from ``clock``,
        the subjects of bans from ``pseudonyms``."""
        self._connection = connection
        self._clock = clock
        self._pseudonyms = pseudonyms

    async def ban(self, chat_id: int, banned_by: int) -> bool:
        """Ban the person of a chat.

        Returns:
            True if they were banned now; False if they were already (the first ban is kept),
            or if the chat is :data:`ERASED_CHAT_ID`: an erased case no longer knows whose it
            was, and a ban of nobody would only look like one.
        """
        check_user_id(banned_by)
        if chat_id == ERASED_CHAT_ID:
            return False
        statement = (
            insert_for(self._connection)(_BANS)
            .values(
                subject=self._pseudonyms.of(chat_id), banned_by=banned_by, created_at=self._clock()
            )
            .on_conflict_do_nothing(index_elements=["subject"])
        )
        return rowcount(await self._connection.execute(statement)) == 1

    async def unban(self, chat_id: int) -> bool:
        """Lift the ban of a chat's person; True if they were banned."""
        statement = delete(_BANS).where(_BANS.c.subject == self._pseudonyms.of(chat_id))
        return rowcount(await self._connection.execute(statement)) == 1

    async def is_banned(self, chat_id: int) -> bool:
        """Whether the chat's person is banned."""
        statement = select(exists().where(_BANS.c.subject == self._pseudonyms.of(chat_id)))
        return bool((await self._connection.execute(statement)).scalar())
