"""One-time login links: what the bot's /console sends an operator.

A link holds a signed random token (:class:`bot.console.signing.ConsoleSigner`); the table
keeps only its SHA-256, so a copy of the database opens nothing. A link is valid for
:data:`LINK_LIFETIME` and only once: it is redeemed with one conditional ``UPDATE ... WHERE
used_at IS NULL AND expires_at > now``, so of two browsers racing with the same link exactly
one signs in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.handoff._sql import rowcount
from bot.handoff.records import check_user_id
from bot.storage import Clock

from .signing import ConsoleSigner, token_hash
from .tables import ConsoleLinkRow

__all__ = ["LINK_LIFETIME", "Links"]

#: How long a login link works.
LINK_LIFETIME: Final = timedelta(minutes=10)

_LINKS = cast(Table, ConsoleLinkRow.__table__)  # type: ignore[attr-defined]


class Links:
    """The login links of one transaction; get it as ``ConsoleSession.links``."""

    def __init__(self, connection: AsyncConnection, clock: Clock, signer: ConsoleSigner) -> None:
        """Work on ``connection``, which is inside a transaction; timestamps come from ``clock``."""
        self._connection = connection
        self._clock = clock
        self._signer = signer

    async def create(self, operator_id: int) -> str:
        """A new link token for ``operator_id``, valid for :data:`LINK_LIFETIME`.

        Returns:
            The token, to be put in the link; only its hash is stored.

        Raises:
            ValueError: Not a user id.
        """
        check_user_id(operator_id)
        token = self._signer.new_link_token()
        now = self._clock()
        await self._connection.execute(
            _LINKS.insert().values(
                token_hash=token_hash(token),
                operator_id=operator_id,
                created_at=now,
                expires_at=now + LINK_LIFETIME,
            )
        )
        return token

    async def operator_of(self, token: str) -> int | None:
        """Whose valid link ``token`` is (signed, unused, unexpired), without using it up.

        The sign-in page asks this before it offers its button.
        """
        if not self._signer.is_link_token(token):
            return None
        result = await self._connection.execute(
            select(_LINKS.c.operator_id).where(
                _LINKS.c.token_hash == token_hash(token),
                _LINKS.c.used_at.is_(None),
                _LINKS.c.expires_at > self._clock(),
            )
        )
        return result.scalar_one_or_none()

    async def redeem(self, token: str) -> int | None:
        """Use ``token`` up: the operator it signs in, or None if it is not a valid link now."""
        if not self._signer.is_link_token(token):
            return None  # forged: refused before any query
        now = self._clock()
        statement = (
            update(_LINKS)
            .where(
                _LINKS.c.token_hash == token_hash(token),
                _LINKS.c.used_at.is_(None),
                _LINKS.c.expires_at > now,
            )
            .values(used_at=now)
            .returning(_LINKS.c.operator_id)
        )
        found: int | None = (await self._connection.execute(statement)).scalar_one_or_none()
        return found

    async def owner_of_spent(self, token: str) -> int | None:
        """Whose link ``token`` was, when it is signed and known but used or expired.

        For the audit log: a second use of a link is worth recording against its operator.
        """
        if not self._signer.is_link_token(token):
            return None
        result = await self._connection.execute(
            select(_LINKS.c.operator_id).where(_LINKS.c.token_hash == token_hash(token))
        )
        return result.scalar_one_or_none()

    async def expires_at(self, token: str) -> datetime | None:
        """When the link ``token`` stops working, or None if no such link was made."""
        result = await self._connection.execute(
            select(_LINKS.c.expires_at).where(_LINKS.c.token_hash == token_hash(token))
        )
        return result.scalar_one_or_none()

    async def expire(self, token: str) -> bool:
        """End the link ``token`` now (say, when its message was seen by someone else).

        Returns:
            True if such a link was still valid.
        """
        now = self._clock()
        statement = (
            update(_LINKS)
            .where(_LINKS.c.token_hash == token_hash(token), _LINKS.c.expires_at > now)
            .values(expires_at=now)
        )
        return rowcount(await self._connection.execute(statement)) == 1

    async def purge(self, before: datetime | None = None) -> int:
        """Delete the links that expired before ``before`` (default: now), used or not.

        A used link is kept until it expires, so that a second use within its ten minutes is
        still recognised (and recorded) as one.

        Returns:
            How many were deleted.
        """
        cutoff = before or self._clock()
        statement = delete(_LINKS).where(_LINKS.c.expires_at <= cutoff)
        return rowcount(await self._connection.execute(statement))
