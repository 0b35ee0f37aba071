"""Alembic, run from code: the migrations ship inside the package and need no ``alembic.ini``.

Migrations run on a connection of Haven's own async engine (through ``run_sync``), inside one
transaction, so a failed upgrade leaves the schema as it was on both databases (SQLite runs
DDL in transactions too, as the engine emits its own BEGIN). On PostgreSQL a transaction-level
advisory lock makes workers that start together upgrade one after another instead of racing.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = [
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "upgrade",
]

SCRIPT_LOCATION = "bot.storage:migrations"

# Any constant works, as long as nothing else in the database uses it: "haven" in ASCII.
_ADVISORY_LOCK_KEY = 0x686176656E


def alembic_config() -> Config:
    """An Alembic configuration pointing at the migrations in this package.

    Returns:
        A configuration without a database URL; callers hand over a connection in
        ``config.attributes["connection"]``, which ``migrations/env.py`` uses.
    """
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    """The newest revision the code knows.

    Raises:
        RuntimeError: The migrations have more than one head (a merge is missing).
    """
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None for a database without Haven's tables."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> str | None:
    """Apply migrations up to ``revision`` in one transaction.

    Args:
        engine: The engine of the database to upgrade.
        revision: An Alembic revision; ``head`` for the newest.

    Returns:
        The revision the database is at afterwards.
    """
    async with engine.begin() as connection:
        return await connection.run_sync(_run, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str) -> str | None:
    """Undo migrations down to ``revision`` (``base`` for an empty schema), in one transaction.

    Returns:
        The revision the database is at afterwards (None at base).
    """
    async with engine.begin() as connection:
        return await connection.run_sync(_run, "downgrade", revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _run(connection: Connection, direction: str, revision: str) -> str | None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    config = alembic_config()
    config.attributes["connection"] = connection
    if direction == "upgrade":
        command.upgrade(config, revision)
    else:
        command.downgrade(config, revision)
    return _current(connection)
