"""Console sessions: a random token in the browser's cookie, its SHA-256 in the table.

A session ends :data:`IDLE_TIMEOUT` after its last request, and in any case
:data:`MAX_AGE` after sign-in. Each request checks the session *and* that its operator is
still in the ``operators`` table, taking the role from there: an operator who is removed is
refused at their next request, and their sessions are deleted then.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.handoff import Operator, Operators
from bot.handoff._sql import rowcount
from bot.handoff.records import check_user_id
from bot.storage import Clock

from .signing import token_hash
from .tables import ConsoleSessionRow

__all__ = ["IDLE_TIMEOUT", "MAX_AGE", "Sessions", "SignedIn"]

#: A session without a request for this long has ended.
IDLE_TIMEOUT: Final = timedelta(hours=2)
#: No session lasts longer than this, however busy: then /console again.
MAX_AGE: Final = timedelta(hours=12)

_SESSIONS = cast(Table, ConsoleSessionRow.__table__)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A request's valid session.

    Attributes:
        operator: The operator as the ``operators`` table has them now (alias, role,
            languages).
        expires_at: When the session ends unless used again.
    """

    operator: Operator
    expires_at: datetime


class Sessions:
    """The sessions of one transaction; get it as ``ConsoleSession.sessions``."""

    def __init__(self, connection: AsyncConnection, clock: Clock, operators: Operators) -> None:
        """Work on ``connection``, which is inside a transaction; timestamps come from ``clock``."""
        self._connection = connection
        self._clock = clock
        self._operators = operators

    async def open(self, operator_id: int) -> str:
        """Start a session for ``operator_id``; the token, for the cookie (only its hash is kept).

        Raises:
            ValueError: Not a user id.
        """
        check_user_id(operator_id)
        token = secrets.token_urlsafe(32)
        now = self._clock()
        await self._connection.execute(
            _SESSIONS.insert().values(
                token_hash=token_hash(token),
                operator_id=operator_id,
                created_at=now,
                last_seen_at=now,
                expires_at=min(now + IDLE_TIMEOUT, now + MAX_AGE),
            )
        )
        return token

    async def check(self, token: str) -> SignedIn | None:
        """The session of ``token``, renewed, if it is valid and its operator still exists.

        A session whose operator was removed is deleted, with every other of theirs.
        """
        now = self._clock()
        digest = token_hash(token)
        result = await self._connection.execute(
            select(_SESSIONS.c.operator_id, _SESSIONS.c.created_at).where(
                _SESSIONS.c.token_hash == digest, _SESSIONS.c.expires_at > now
            )
        )
        row = result.one_or_none()
        if row is None:
            return None
        operator_id, created_at = row
        operator = await self._operators.get(operator_id)
        if operator is None:
            await self.close_all(operator_id)
            return None
        expires_at = min(now + IDLE_TIMEOUT, created_at + MAX_AGE)
        await self._connection.execute(
            update(_SESSIONS)
            .where(_SESSIONS.c.token_hash == digest)
            .values(last_seen_at=now, expires_at=expires_at)
        )
        return SignedIn(operator, expires_at)

    async def close(self, token: str) -> bool:
        """End the session of ``token`` (logout). True if there was one."""
        statement = delete(_SESSIONS).where(_SESSIONS.c.token_hash == token_hash(token))
        return rowcount(await self._connection.execute(statement)) == 1

    async def close_all(self, operator_id: int) -> int:
        """End every session of ``operator_id``; how many there were."""
        statement = delete(_SESSIONS).where(_SESSIONS.c.operator_id == operator_id)
        return rowcount(await self._connection.execute(statement))

    async def count(self, operator_id: int) -> int:
        """How many sessions of ``operator_id`` are kept (valid or not yet purged)."""
        result = await self._connection.execute(
            select(_SESSIONS.c.token_hash).where(_SESSIONS.c.operator_id == operator_id)
        )
        return len(result.all())

    async def purge(self, before: datetime | None = None) -> int:
        """Delete the sessions that ended before ``before`` (default: now); how many."""
        cutoff = before or self._clock()
        statement = delete(_SESSIONS).where(_SESSIONS.c.expires_at <= cutoff)
        return rowcount(await self._connection.execute(statement))
