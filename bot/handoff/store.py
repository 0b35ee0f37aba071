"""The handoff store: tickets, operators, bans and the outbox, one transaction at a time.

It extends :class:`bot.storage.Storage` by composition. A unit of work is one transaction,
the storage's own, so it can also claim the update and save the conversation::

    handoff = HandoffStore(storage, pseudonyms=keys.pseudonyms, clock=clock)
    async with handoff.transaction() as tx:
        if await tx.storage.claim_update(update_id):
            ticket, created = await tx.tickets.open(chat_id, topic=..., ...)
            await tx.outbox.enqueue("staff", "createForumTopic", {...}, ticket_id=ticket.id)

Code that already holds a :class:`bot.storage.StorageSession` joins its transaction with
:meth:`HandoffStore.join` instead. Nothing commits on its own: the transaction commits when
its block ends, and an exception rolls all of it back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import Clock, Storage, StorageSession

from .audit import Audit
from .bans import Bans
from .operators import Operators
from .outbox import DEFAULT_RETRY, Outbox, RetryPolicy
from .relayed import RelayedMessages
from .tickets import Tickets

if TYPE_CHECKING:
    from bot.privacy.pseudonyms import Pseudonyms
    from bot.privacy.sealing import Sealer

__all__ = ["HandoffSession", "HandoffStore"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class HandoffSession:
    """The handoff repositories of one transaction, and the storage session they share it with.

    Attributes:
        storage: The storage's session (claim updates, load and save conversations).
        tickets: Tickets and their notes.
        operators: Who may act in the staff group.
        bans: Banned chats.
        outbox: Bot API calls waiting to be made.
        audit: The audit log of operators' actions and views.
        relayed: The messages relayed between people and advocates, for the console.
    """

    def __init__(
        self, session: StorageSession, clock: Clock, retry: RetryPolicy, pseudonyms: Pseudonyms
    ) -> None:
        """Work in ``session``'s transaction; get one from :class:`HandoffStore` instead."""
        connection = _connection_of(session)
        sealer = _sealer_of(session)  # the storage's: one database, one set of keys
        self.storage = session
        self.tickets = Tickets(connection, clock, sealer)
        self.operators = Operators(connection, clock)
        self.bans = Bans(connection, clock, pseudonyms)
        self.outbox = Outbox(connection, clock, retry, sealer)
        self.audit = Audit(connection, clock)
        self.relayed = RelayedMessages(connection, clock, sealer)


class HandoffStore:
    """Tickets, operators, bans and the outbox, kept in the storage's database.

    Open the :class:`~bot.storage.Storage` first (its migrations create these tables too);
    closing it is the storage owner's job.
    """

    def __init__(
        self,
        storage: Storage,
        *,
        pseudonyms: Pseudonyms,
        clock: Clock | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        """Use ``storage``'s database.

        Args:
            storage: An open storage; its sealer seals the tickets' and the outbox's free text.
            pseudonyms: The keyed hashes that bans are kept under instead of chat ids.
            clock: The source of every timestamp written (timezone-aware); give the same one
                as the storage's. Defaults to the system clock in UTC.
            retry: When the outbox retries a failed message, and when it gives up.
        """
        self._storage = storage
        self._pseudonyms = pseudonyms
        self._clock = clock or _utc_now
        self._retry = retry

    @property
    def pseudonyms(self) -> Pseudonyms:
        """The keyed hashes of chat ids that bans are kept under."""
        return self._pseudonyms

    def transaction(self) -> AbstractAsyncContextManager[HandoffSession]:
        """One transaction of the storage: committed when the block exits, else rolled back."""
        return self._transaction()

    def join(self, session: StorageSession) -> HandoffSession:
        """The handoff repositories in a storage transaction that is already open."""
        return HandoffSession(session, self._clock, self._retry, self._pseudonyms)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[HandoffSession]:
        async with self._storage.transaction() as session:
            yield self.join(session)


def _connection_of(session: StorageSession) -> AsyncConnection:
    # StorageSession keeps its connection to itself; sharing the transaction (so a relay is
    # queued atomically with the update that caused it) needs it. Read in this one place.
    return session._connection


def _sealer_of(session: StorageSession) -> Sealer:
    # As the connection: the storage's sealer seals what the handoff tables hold too.
    return session._sealer
