"""Haven's database: conversations and handled updates, on SQLite or PostgreSQL.

SQLite (a file under ``data/``) is the default; a ``DATABASE_URL`` such as
``postgresql+asyncpg://user@host/haven`` selects PostgreSQL. The schema is managed by the
Alembic migrations in ``migrations/``: ``haven db upgrade``, or ``Storage.open(url,
sealer=sealer, migrate=True)``. Free text is sealed on the way in (see :mod:`bot.privacy`).

Example:
    >>> storage = await Storage.open(url, sealer=keys.sealer, migrate=True)  # doctest: +SKIP
    >>> async with storage.transaction() as session:  # doctest: +SKIP
    ...     if await session.claim_update(update_id):
    ...         conversation = await session.conversation(chat_id)
    ...         await session.save(conversation)
"""

from __future__ import annotations

from .errors import StorageError
from .store import (
    Clock,
    ConversationStatus,
    Storage,
    StorageSession,
    StoredConversation,
    describe_error,
)
from .urls import DEFAULT_DATABASE_URL, display_url, parse_url

__all__ = [
    "DEFAULT_DATABASE_URL",
    "Clock",
    "ConversationStatus",
    "Storage",
    "StorageError",
    "StorageSession",
    "StoredConversation",
    "describe_error",
    "display_url",
    "parse_url",
]
