"""URLs, opening, health checks and the SQLite settings that let many chats share one file."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bot.storage import Storage, StorageError, parse_url
from bot.storage.engine import BUSY_TIMEOUT_MS, make_engine


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("sqlite:///data/haven.sqlite3", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///data/haven.sqlite3", "sqlite+aiosqlite"),
        ("postgresql://haven@db/haven", "postgresql+asyncpg"),
        ("postgres://haven@db/haven", "postgresql+asyncpg"),
        ("postgresql+asyncpg://haven@db/haven", "postgresql+asyncpg"),
    ],
)
def test_urls_map_to_the_async_drivers(url: str, driver: str) -> None:
    assert parse_url(url).drivername == driver


@pytest.mark.parametrize(
    "url", ["mysql://a@b/c", "sqlite+pysqlite:///x.db", "postgresql+psycopg2://a@b/c", "nonsense"]
)
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(StorageError):
        parse_url(url)


async def test_plain_urls_open_and_ping(database_url: str) -> None:
    plain = database_url.replace("+aiosqlite", "").replace("+asyncpg", "")
    async with await Storage.open(plain, migrate=True) as storage:
        assert await storage.ping()


async def test_a_sqlite_files_folder_is_created(tmp_path) -> None:
    path = tmp_path / "a" / "b" / "haven.sqlite3"
    async with await Storage.open(f"sqlite:///{path}", migrate=True):
        pass
    assert path.is_file()


async def test_an_unreachable_server_is_a_storage_error_without_password() -> None:
    with pytest.raises(StorageError, match="cannot use the database") as error:
        await Storage.open("postgresql://haven:s3cret@127.0.0.1:1/haven")
    assert "s3cret" not in str(error.value)
    assert "***" in str(error.value)


async def test_ping_says_false_when_the_server_is_gone() -> None:
    storage = Storage(make_engine(parse_url("postgresql+asyncpg://haven@127.0.0.1:1/haven")))
    try:
        assert not await storage.ping()
    finally:
        await storage.close()


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_url: str) -> None:
    storage = await Storage.open(sqlite_url, migrate=True)
    try:
        async with storage.engine.connect() as connection:
            values = {
                name: (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "busy_timeout", "foreign_keys")
            }
    finally:
        await storage.close()
    assert values == {"journal_mode": "wal", "busy_timeout": BUSY_TIMEOUT_MS, "foreign_keys": 1}


async def test_two_processes_on_one_sqlite_file_wait_for_each_other(
    sqlite_url: str, make_conversation
) -> None:
    # Two Storage objects stand for two processes: they share no in-process queue, so they
    # meet SQLite's lock and must wait through the busy timeout rather than fail.
    first = await Storage.open(sqlite_url, migrate=True)
    second = await Storage.open(sqlite_url)

    async def handle(storage: Storage, chat_id: int) -> None:
        for step in range(5):
            async with storage.transaction() as session:
                assert await session.claim_update(chat_id * 100 + step)
                conversation = await session.conversation(chat_id) or make_conversation(chat_id)
                await asyncio.sleep(0.002)
                conversation.keyboard_message_id = step
                await session.save(conversation)

    try:
        await asyncio.gather(
            *(handle(first if chat_id % 2 else second, chat_id) for chat_id in range(1, 11))
        )
        async with first.transaction() as session:
            for chat_id in range(1, 11):
                assert (await session.conversation(chat_id)).keyboard_message_id == 4
    finally:
        await first.close()
        await second.close()
