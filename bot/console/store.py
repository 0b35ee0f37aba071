"""The console's unit of work: links, sessions, and the handoff repositories, in one transaction.

::

    console = ConsoleStore(handoff, ConsoleSigner(keys.signing), clock=clock)
    async with console.transaction() as tx:
        operator_id = await tx.links.redeem(token)
        if operator_id is not None:
            cookie = await tx.sessions.open(operator_id)
            await tx.handoff.audit.record(operator_id, "console-login")
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime

from bot.handoff import HandoffSession, HandoffStore
from bot.handoff.store import _connection_of
from bot.storage import Clock

from .links import Links
from .sessions import Sessions
from .signing import ConsoleSigner

__all__ = ["ConsoleSession", "ConsoleStore"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ConsoleSession:
    """The console's repositories of one transaction.

    Attributes:
        handoff: The handoff repositories of the same transaction (operators, audit).
        links: One-time login links.
        sessions: Signed-in browsers.
    """

    def __init__(self, handoff: HandoffSession, clock: Clock, signer: ConsoleSigner) -> None:
        """Work in ``handoff``'s transaction; get one from :class:`ConsoleStore` instead."""
        connection = _connection_of(handoff.storage)
        self.handoff = handoff
        self.links = Links(connection, clock, signer)
        self.sessions = Sessions(connection, clock, handoff.operators)


class ConsoleStore:
    """Login links and sessions, kept in the storage's database beside the handoff tables."""

    def __init__(
        self, handoff: HandoffStore, signer: ConsoleSigner, *, clock: Clock | None = None
    ) -> None:
        """Use ``handoff``'s database.

        Args:
            handoff: The handoff store (its storage must be open).
            signer: Signs and checks link and form tokens.
            clock: The source of every timestamp (timezone-aware); give the handoff store's.
        """
        self._handoff = handoff
        self.signer = signer
        self._clock = clock or _utc_now

    @property
    def clock(self) -> Clock:
        """The source of every timestamp: pages that count up to now read it too."""
        return self._clock

    def transaction(self) -> AbstractAsyncContextManager[ConsoleSession]:
        """One transaction: committed when the block exits, else rolled back."""
        return self._transaction()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[ConsoleSession]:
        async with self._handoff.transaction() as handoff:
            yield ConsoleSession(handoff, self._clock, self.signer)
