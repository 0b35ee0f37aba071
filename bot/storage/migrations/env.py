"""Alembic's environment: run the migrations on the connection :mod:`bot.storage.schema` gives.

Haven runs Alembic from code with a connection of its async engine in
``config.attributes["connection"]``. Without one (the ``alembic`` command, e.g. to write a new
revision with ``--autogenerate``), it connects to ``sqlalchemy.url`` from the Alembic
configuration, else to ``DATABASE_URL``, else to the default SQLite file.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from bot.storage.engine import make_engine
from bot.storage.tables import metadata
from bot.storage.urls import DEFAULT_DATABASE_URL, ensure_sqlite_folder, parse_url


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_on_own_engine() -> None:
    url = parse_url(
        context.config.get_main_option("sqlalchemy.url")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_DATABASE_URL
    )
    ensure_sqlite_folder(url)
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_configure_and_run)
    finally:
        await engine.dispose()


def _run() -> None:
    if context.is_offline_mode():
        url = context.config.get_main_option("sqlalchemy.url") or DEFAULT_DATABASE_URL
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get("connection")
    if isinstance(connection, Connection):
        _configure_and_run(connection)
    else:
        asyncio.run(_run_on_own_engine())


_run()
