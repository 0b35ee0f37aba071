"""Fixtures for the storage suite: one database per test, on SQLite and on PostgreSQL.

Every test that takes ``database_url`` (or ``storage``) runs twice: on a SQLite file in the
test's temporary folder, and on a PostgreSQL database created for that test alone on the
server in ``TEST_DATABASE_URL`` (and dropped afterwards), so tests never see each other's rows
and may run while other suites use the same server. Without ``TEST_DATABASE_URL`` the
PostgreSQL runs are skipped, except in CI (``CI`` set), where a missing server is a failure.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.engine.state import Checkpoint, ConversationState, Frame
from bot.storage import Storage, StoredConversation, parse_url
from bot.storage.engine import make_engine
from bot.storage.tables import metadata
from bot.storage.urls import ensure_sqlite_folder
from tests.keys import SEALER

T = TypeVar("T")


def postgres_base_url() -> URL | None:
    """The server to create test databases on; skips or fails the test when there is none."""
    raw = os.environ.get("TEST_DATABASE_URL")
    if not raw:
        if os.environ.get("CI"):
            pytest.fail(
                "TEST_DATABASE_URL is not set: in CI the storage suite must also run on PostgreSQL"
            )
        pytest.skip("PostgreSQL: TEST_DATABASE_URL is not set")
    return parse_url(raw)


def run_isolated(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on its own loop in another thread.

    Sync fixtures use this so their event loop can never disturb the one pytest-asyncio runs the
    test on.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _admin(base: URL, statement: str) -> None:
    # CREATE/DROP DATABASE refuse to run inside a transaction.
    engine = create_async_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    """A SQLite file that does not exist yet, in a folder that does not exist yet either."""
    return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'haven.sqlite3'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped after the test."""
    base = postgres_base_url()
    assert base is not None
    name = f"haven_test_{uuid.uuid4().hex[:16]}"
    run_isolated(_admin(base, f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        run_isolated(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database on each backend in turn."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def storage(database_url: str, clock: FakeClock) -> AsyncIterator[Storage]:
    """An open storage on a migrated, empty database."""
    opened = await Storage.open(database_url, sealer=SEALER, migrate=True, clock=clock)
    try:
        yield opened
    finally:
        await opened.close()


def _state(**changes: Any) -> ConversationState:
    """A conversation state with some of everything that must survive JSON."""
    state = ConversationState(
        root="main",
        flow="situation",
        node="ask_country",
        language="ru",
        version=7,
        turn=3,
        stack=[Frame("main", "after_situation")],
        variables={
            "country": "Казахстан",
            "note": 'Кавычки "так", обратный слэш \\ и\nперевод строки 🙂',
            "age": 27,
            "height": 1.82,
            "consent": True,
        },
        history=[
            Checkpoint("main", "menu", (), {}),
            Checkpoint("situation", "ask_country", (Frame("main", "after_situation"),), {"a": 1}),
        ],
        started_at="2026-03-01T12:00:00Z",
        updated_at="2026-03-01T12:05:00Z",
    )
    for name, value in changes.items():
        setattr(state, name, value)
    return state


@pytest.fixture
def make_state() -> Callable[..., ConversationState]:
    """``make_state(**changes)``: a state with some of everything that must survive JSON."""
    return _state


@pytest.fixture
def make_conversation(clock: FakeClock) -> Callable[..., StoredConversation]:
    """``make_conversation(chat_id, **changes)``: an active conversation created now."""

    def make(chat_id: int, **changes: Any) -> StoredConversation:
        return _conversation(chat_id, clock, **changes)

    return make


def _conversation(chat_id: int, clock: FakeClock, **changes: Any) -> StoredConversation:
    values: dict[str, Any] = {
        "chat_id": chat_id,
        "state": _state(),
        "status": "active",
        "keyboard_message_id": None,
        "created_at": clock(),
        "updated_at": clock(),
    }
    values.update(changes)
    return StoredConversation(**values)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A bare engine on the test database: no migrations run, for the migration tests."""
    url = parse_url(database_url)
    ensure_sqlite_folder(url)
    created = make_engine(url)
    try:
        yield created
    finally:
        await created.dispose()


def schema_differences(connection: Connection) -> list[object]:
    """What Alembic finds between the database and the models (empty: they match)."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def table_names(connection: Connection) -> set[str]:
    """The tables in the database, without Alembic's own."""
    return set(inspect(connection).get_table_names()) - {"alembic_version"}
