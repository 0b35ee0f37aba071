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
* except work that only reads (the health check, the schema revision): on an engine from
  :func:`read_only` it begins with a plain deferred ``BEGIN``, which in WAL mode never waits
  for a writer, so a long write cannot stall a health check for the busy timeout.
* foreign keys are off by default in SQLite; turned on so constraints mean the same as on
  PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

__all__ = ["BUSY_TIMEOUT_MS", "CONNECT_TIMEOUT_S", "READ_ONLY", "make_engine", "read_only"]

BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite connection waits for another's write lock before giving up."""

CONNECT_TIMEOUT_S = 10
"""How long to wait for a PostgreSQL server (asyncpg's own default is a minute)."""

READ_ONLY = "haven_read_only"
"""The execution option that marks a connection's work as reads only (see :func:`read_only`)."""


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


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """The same engine and pool, for work that only reads.

    On SQLite its transactions begin with a deferred ``BEGIN`` instead of ``BEGIN IMMEDIATE``,
    so they do not queue behind a writer; on PostgreSQL nothing changes. Writing through it
    works but gives up the protection ``BEGIN IMMEDIATE`` offers (see the module docstring).

    Args:
        engine: An engine made by :func:`make_engine`.

    Returns:
        A view of the engine that shares its pool; disposing of ``engine`` closes both.
    """
    return engine.execution_options(**{READ_ONLY: True})


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
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
