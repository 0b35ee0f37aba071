"""The async engine, set up for how Haven uses each database.

SQLite needs care to serve many chats at once from one file:

* WAL lets readers go on while one connection writes;
* a busy timeout makes a connection wait for the write lock instead of failing at once with
  "database is locked";
* every transaction starts with ``BEGIN IMMEDIATE``, which takes the write lock up front. A
  deferred transaction that reads first and writes later can fail with SQLITE_BUSY at the
  write, *without* waiting, when another connection committed in between (the busy timeout
  does not help there); Haven's transactions read and then write, so they take the lock first.
  This serialises transactions, which a chat bot's load easily allows.
* foreign keys are off by default in SQLite; turned on so constraints mean the same as on
  PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

__all__ = ["BUSY_TIMEOUT_MS", "CONNECT_TIMEOUT_S", "make_engine"]

BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite connection waits for another's write lock before giving up."""

CONNECT_TIMEOUT_S = 10
"""How long to wait for a PostgreSQL server (asyncpg's own default is a minute)."""


def make_engine(url: URL) -> AsyncEngine:
    """Create the engine for a URL already mapped by :func:`bot.storage.urls.parse_url`.

    Args:
        url: A ``sqlite+aiosqlite`` or ``postgresql+asyncpg`` URL.

    Returns:
        A new engine; the caller disposes of it.
    """
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url)
        _tune_sqlite(engine)
        return engine
    # pool_pre_ping: a connection dropped by a server restart is replaced instead of failing
    # the update that happens to pick it up.
    return create_async_engine(url, pool_pre_ping=True, connect_args={"timeout": CONNECT_TIMEOUT_S})


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take BEGIN away from the sqlite3 module, which only emits it before DML (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
