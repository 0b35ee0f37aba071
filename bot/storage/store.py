"""Conversations and handled updates, saved through one async engine.

The adapter handles each update in one :meth:`Storage.transaction`: claim the ``update_id``
(so a redelivered update is dropped), load the chat's conversation, run the engine, save.
Everything in the transaction commits together or not at all, and two transactions on one
chat take turns, across processes too: on PostgreSQL the conversation is read with ``SELECT ...
FOR UPDATE`` (see :meth:`StorageSession.conversation`); SQLite runs one transaction at a time.

Nothing here logs the content of a conversation, a chat id or any other identifier: what the
people using Haven say, and that they use it at all, is sensitive.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self, cast, get_args

from sqlalchemy import Table, delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.engine.state import ConversationState, StateFormatError

from . import schema
from .engine import make_engine, read_only
from .errors import StorageError
from .message_log import MessageLog
from .tables import ConversationRow, HandledUpdateRow
from .urls import display_url, ensure_sqlite_folder, parse_url

if TYPE_CHECKING:
    from bot.privacy.sealing import Sealer

__all__ = ["Clock", "ConversationStatus", "Storage", "StorageSession", "StoredConversation"]

logger = logging.getLogger(__name__)

ConversationStatus = Literal["active", "ended", "blocked"]
Clock = Callable[[], datetime]

_STATUSES: tuple[str, ...] = get_args(ConversationStatus)
_CONVERSATIONS = cast(Table, ConversationRow.__table__)  # type: ignore[attr-defined]
_UPDATES = cast(Table, HandledUpdateRow.__table__)  # type: ignore[attr-defined]

# What connecting can raise besides SQLAlchemy's own errors: asyncpg lets socket errors and
# timeouts through unwrapped.
_CONNECT_ERRORS = (SQLAlchemyError, OSError, TimeoutError)

# pg_advisory_xact_lock(int4, int4) keys for "a chat's conversation is being created": the
# first number marks them as Haven's ("have" in ASCII), the second is the chat id folded into
# 32 bits (two chats that share it only wait for each other, which is harmless). Keys of two
# int4 never clash with the single bigint key of the migrations' lock.
_CHAT_LOCK_SPACE = 0x68617665
_CHAT_LOCK = text("SELECT pg_advisory_xact_lock(:space, :key)")


def _chat_lock_key(chat_id: int) -> int:
    return ((chat_id & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class StoredConversation:
    """A chat's conversation as stored.

    Attributes:
        chat_id: The Telegram chat.
        state: The engine's state (stored as its JSON).
        status: ``active``; ``ended`` when the flow ended; ``blocked`` when the user blocked
            the bot, so nothing more is sent.
        keyboard_message_id: The bot message whose inline keyboard is current, so the adapter
            can remove it once it is stale; None when no keyboard is showing.
        created_at: When the conversation started, timezone-aware UTC.
        updated_at: When it last changed, timezone-aware UTC.
    """

    chat_id: int
    state: ConversationState
    status: ConversationStatus
    keyboard_message_id: int | None
    created_at: datetime
    updated_at: datetime


class StorageSession:
    """The operations of one database transaction; get one from :meth:`Storage.transaction`."""

    def __init__(self, connection: AsyncConnection, clock: Clock, sealer: Sealer) -> None:
        """Wrap a connection that is inside a transaction (the storage does this)."""
        self._connection = connection
        self._clock = clock
        self._sealer = sealer

    @property
    def messages(self) -> MessageLog:
        """The message ids of people's private chats that /hide may delete, in this transaction."""
        return MessageLog(self._connection)

    async def delete_conversation(self, chat_id: int) -> bool:
        """Delete the chat's conversation (/hide: nothing of where they were stays); True if any."""
        statement = delete(_CONVERSATIONS).where(_CONVERSATIONS.c.chat_id == chat_id)
        result = cast(CursorResult[Any], await self._connection.execute(statement))
        return result.rowcount > 0

    async def claim_update(self, update_id: int) -> bool:
        """Record that an update is being handled.

        Args:
            update_id: Telegram's ``update_id``.

        Returns:
            True the first time the id is claimed; False if it was claimed before (by this or
            a committed transaction), without raising and without spoiling the transaction.
            A claim by a concurrent transaction that is still open waits for its outcome.
        """
        # ON CONFLICT DO NOTHING, not catching IntegrityError: on PostgreSQL a failed INSERT
        # aborts the whole transaction, and a savepoint per update would cost a round trip.
        insert = _insert_for(self._connection)
        statement = (
            insert(_UPDATES)
            .values(update_id=update_id, handled_at=self._clock())
            .on_conflict_do_nothing(index_elements=["update_id"])
        )
        result = cast(CursorResult[Any], await self._connection.execute(statement))
        return result.rowcount == 1

    async def conversation(self, chat_id: int) -> StoredConversation | None:
        """The chat's conversation, or None if it has none or its stored state is unreadable.

        The chat is locked until the transaction ends: on PostgreSQL another transaction that
        asks for the same chat's conversation, in this process or another, waits until this
        one commits or rolls back and then reads what it saved. (The row is read ``FOR
        UPDATE``; a chat without a row is locked with a transaction-level advisory lock, so
        two first messages cannot both start a conversation and the later save overwrite the
        earlier one.) SQLite needs neither: its transactions run one at a time.

        An unreadable state (corrupt, or written by an unknown format) is logged without any
        of its content and treated as absent, so the chat starts afresh instead of failing on
        every message; the next :meth:`save` replaces it. A state that no key opens is not
        unreadable but a wrong key: that raises, rather than losing the conversation.

        Raises:
            bot.privacy.SealError: The state is sealed, and none of the keys opens it.
        """
        # FOR UPDATE is left out of the SQL on SQLite, which has no row locks.
        query = select(_CONVERSATIONS).where(_CONVERSATIONS.c.chat_id == chat_id).with_for_update()
        row = (await self._connection.execute(query)).mappings().one_or_none()
        if row is None and self._connection.dialect.name == "postgresql":
            await self._connection.execute(
                _CHAT_LOCK, {"space": _CHAT_LOCK_SPACE, "key": _chat_lock_key(chat_id)}
            )
            # Read again: a transaction that held the lock may have created the row meanwhile.
            row = (await self._connection.execute(query)).mappings().one_or_none()
        if row is None:
            return None
        try:
            state = ConversationState.from_json(self._sealer.open(row["state"]))
        except StateFormatError:
            logger.warning("unreadable conversation state in the database; starting afresh")
            return None
        status = row["status"]
        if status not in _STATUSES:
            logger.warning("unknown conversation status in the database; starting afresh")
            return None
        return StoredConversation(
            chat_id=row["chat_id"],
            state=state,
            status=status,
            keyboard_message_id=row["keyboard_message_id"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )

    async def save(self, conversation: StoredConversation) -> None:
        """Insert the chat's conversation, or replace the one stored for its ``chat_id``.

        Every field is written as given, timestamps included (the caller owns the clock).

        Raises:
            ValueError: An unknown status, or a naive datetime.
        """
        if conversation.status not in _STATUSES:
            raise ValueError(f"unknown conversation status {conversation.status!r}")
        state = conversation.state
        values = {
            "chat_id": conversation.chat_id,
            # Sealed: the state holds the person's free-text answers.
            "state": self._sealer.seal(state.to_json()),
            "flow": state.flow,
            "flow_version": state.version,
            "language": state.language,
            "status": conversation.status,
            "keyboard_message_id": conversation.keyboard_message_id,
            "created_at": conversation.created_at,
            "updated_at": conversation.updated_at,
        }
        insert = _insert_for(self._connection)
        statement = insert(_CONVERSATIONS).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=["chat_id"],
            set_={name: statement.excluded[name] for name in values if name != "chat_id"},
        )
        await self._connection.execute(statement)


class Storage:
    """Haven's database: open it once per process, share it between all chats.

    Use :meth:`open` (not the constructor), and :meth:`close` at shutdown; ``async with``
    does the latter.
    """

    def __init__(self, engine: AsyncEngine, *, sealer: Sealer, clock: Clock = _utc_now) -> None:
        """Wrap an engine made by :func:`bot.storage.engine.make_engine`; prefer :meth:`open`."""
        self._engine = engine
        self._sealer = sealer
        self._reader = read_only(engine)
        self._clock = clock
        self._pings: set[asyncio.Task[None]] = set()
        # SQLite runs one transaction at a time (see bot.storage.engine). Queueing this
        # process's transactions here hands the lock over at once and in order, where SQLite's
        # busy handler would poll for it with sleeps of up to 100 ms; other processes still
        # wait through the busy timeout.
        self._sqlite_turn = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @classmethod
    async def open(
        cls, url: str, *, sealer: Sealer, migrate: bool = False, clock: Clock | None = None
    ) -> Storage:
        """Connect, check the schema, and return the storage.

        Args:
            url: A database URL; ``sqlite:///`` and ``postgresql://`` are mapped to the async
                drivers. A SQLite file's folder is created if missing.
            sealer: Seals the free text written to the database and opens it again;
                required, so nothing is ever stored in the clear by mistake (see
                :mod:`bot.privacy`).
            migrate: Apply Alembic migrations up to the newest first. Without it the database
                must already be at the newest revision.
            clock: The source of timestamps for handled updates and the ``updated_at`` the
                storage sets itself; timezone-aware. Defaults to the system clock in UTC.

        Returns:
            An open storage.

        Raises:
            StorageError: The URL is bad, the database unreachable, or its schema not current.
        """
        parsed = parse_url(url)
        ensure_sqlite_folder(parsed)
        engine = make_engine(parsed)
        try:
            head = schema.head_revision()
            try:
                if migrate:
                    revision = await schema.upgrade(engine)
                else:
                    revision = await schema.current_revision(read_only(engine))
            except _CONNECT_ERRORS as error:
                raise StorageError(
                    f"cannot use the database {display_url(parsed)}: {describe_error(error)}"
                ) from error
            if revision != head:
                raise StorageError(
                    f"the database {display_url(parsed)} is at schema revision "
                    f"{revision or 'none'}, this version of Haven needs {head}: "
                    "run `haven db upgrade`"
                )
        except BaseException:
            await engine.dispose()
            raise
        logger.info("database open (%s, schema revision %s)", parsed.get_backend_name(), head)
        return cls(engine, sealer=sealer, clock=clock or _utc_now)

    async def close(self) -> None:
        """Close every pooled connection (after any ping that timed out has let go of its)."""
        if self._pings:
            await asyncio.gather(*self._pings, return_exceptions=True)
        await self._engine.dispose()

    async def __aenter__(self) -> Self:
        """Return the storage itself."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the storage."""
        await self.close()

    @property
    def sealer(self) -> Sealer:
        """What seals and opens free text, for other parts of Haven that keep it here."""
        return self._sealer

    @property
    def engine(self) -> AsyncEngine:
        """The underlying engine, for other parts of Haven that keep tables in this database."""
        return self._engine

    async def ping(self, timeout: float = 5.0) -> bool:
        """Whether the database answers a trivial query within ``timeout`` seconds (/healthz).

        Returns within ``timeout`` even when the driver does not: a SQLite call blocked in
        aiosqlite's thread cannot be interrupted, and neither can the rollback that cancelling
        it queues behind it, so an attempt that runs late is cancelled and left to finish in
        the background (:meth:`close` waits for it). The query only reads, so on SQLite it
        does not wait for another connection's write lock either.
        """
        attempt = asyncio.create_task(self._ping())
        self._pings.add(attempt)
        attempt.add_done_callback(_forget_ping(self._pings))
        try:
            done, _ = await asyncio.wait({attempt}, timeout=timeout)
        except asyncio.CancelledError:
            attempt.cancel()
            raise
        if not done:
            attempt.cancel()
            logger.warning("database ping failed: no answer within %g s", timeout)
            return False
        try:
            attempt.result()
        except _CONNECT_ERRORS as error:
            logger.warning("database ping failed: %s", type(error).__name__)
            return False
        return True

    async def _ping(self) -> None:
        async with self._reader.connect() as connection:
            await connection.execute(text("SELECT 1"))

    def transaction(self) -> AbstractAsyncContextManager[StorageSession]:
        """One database transaction: committed when the block exits, rolled back on an exception.

        Example:
            >>> async with storage.transaction() as session:  # doctest: +SKIP
            ...     if await session.claim_update(update.update_id):
            ...         conversation = await session.conversation(chat_id)
        """
        return self._transaction()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[StorageSession]:
        async with self._begin() as connection:
            yield StorageSession(connection, self._clock, self._sealer)

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncConnection]:
        if self._sqlite_turn is None:
            async with self._engine.begin() as connection:
                yield connection
            return
        async with self._sqlite_turn, self._engine.begin() as connection:
            yield connection

    async def set_keyboard_message(self, chat_id: int, message_id: int | None) -> None:
        """Record which bot message carries the chat's current keyboard (None: no keyboard).

        Does nothing for a chat without a conversation.
        """
        await self._update_conversation(chat_id, keyboard_message_id=message_id)

    async def mark_blocked(self, chat_id: int) -> None:
        """Record that the user blocked the bot (Telegram answered 403), so nothing is sent.

        Does nothing for a chat without a conversation.
        """
        await self._update_conversation(chat_id, status="blocked")

    async def _update_conversation(self, chat_id: int, **values: object) -> None:
        async with self._begin() as connection:
            await connection.execute(
                update(_CONVERSATIONS)
                .where(_CONVERSATIONS.c.chat_id == chat_id)
                .values(updated_at=self._clock(), **values)
            )


def describe_error(error: BaseException) -> str:
    """One line saying what went wrong with the database, without SQL or parameters.

    SQLAlchemy's messages append the statement and its parameters; the driver's own error (its
    ``orig``) says the same thing without them. Errors without a message (a timeout) are named.
    """
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__


def _forget_ping(pings: set[asyncio.Task[None]]) -> Callable[[asyncio.Task[None]], None]:
    def forget(attempt: asyncio.Task[None]) -> None:
        pings.discard(attempt)
        if not attempt.cancelled():
            attempt.exception()  # retrieved: a late failure was already reported as a timeout

    return forget


def _insert_for(connection: AsyncConnection) -> Any:
    # Both dialects' insert() offer on_conflict_do_nothing/do_update with the same signature;
    # the generic sqlalchemy.insert does not.
    if connection.dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert
