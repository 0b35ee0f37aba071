"""URLs, opening, health checks and the SQLite settings that let many chats share one file."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import text

from bot.storage import Storage, StorageError, parse_url
from bot.storage import engine as engine_module
from bot.storage.engine import BUSY_TIMEOUT_MS, make_engine
from tests.keys import SEALER


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
    async with await Storage.open(plain, sealer=SEALER, migrate=True) as storage:
        assert await storage.ping()


async def test_a_sqlite_files_folder_is_created(tmp_path) -> None:
    path = tmp_path / "a" / "b" / "haven.sqlite3"
    async with await Storage.open(f"sqlite:///{path}", sealer=SEALER, migrate=True):
        pass
    assert path.is_file()


async def test_an_unreachable_server_is_a_storage_error_without_password() -> None:
    with pytest.raises(StorageError, match="cannot use the database") as error:
        await Storage.open("postgresql://haven:s3cret@127.0.0.1:1/haven", sealer=SEALER)
    assert "s3cret" not in str(error.value)
    assert "***" in str(error.value)


async def test_ping_says_false_when_the_server_is_gone() -> None:
    storage = Storage(
        make_engine(parse_url("postgresql+asyncpg://haven@127.0.0.1:1/haven")), sealer=SEALER
    )
    try:
        assert not await storage.ping()
    finally:
        await storage.close()


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_url: str) -> None:
    storage = await Storage.open(sqlite_url, sealer=SEALER, migrate=True)
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
    first = await Storage.open(sqlite_url, sealer=SEALER, migrate=True)
    second = await Storage.open(sqlite_url, sealer=SEALER)

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


async def test_reads_do_not_wait_for_another_connections_write_lock(sqlite_url: str) -> None:
    # A health check must answer within Docker's 5 s, not after SQLite's 30 s busy timeout,
    # while another process (here another Storage) holds the write lock in a long transaction.
    writer = await Storage.open(sqlite_url, sealer=SEALER, migrate=True)
    reader = await Storage.open(sqlite_url, sealer=SEALER)
    loop = asyncio.get_running_loop()
    try:
        async with writer.transaction() as session:
            assert await session.claim_update(1)  # BEGIN IMMEDIATE: the write lock is held
            started = loop.time()
            assert await reader.ping(timeout=1)
            assert loop.time() - started < 1.5
            started = loop.time()
            third = await Storage.open(sqlite_url, sealer=SEALER)  # reads the schema revision
            await third.close()
            assert loop.time() - started < 1.5
    finally:
        await writer.close()
        await reader.close()


async def test_ping_gives_up_after_its_timeout_even_when_the_driver_is_stuck(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A connection holding SQLite's lock in exclusive locking mode keeps everyone else out,
    # readers too: a new connection's first statement then blocks in aiosqlite's thread for
    # the busy timeout, where cancelling the await cannot reach it.
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 3000)
    async with await Storage.open(sqlite_url, sealer=SEALER, migrate=True):
        pass
    path = parse_url(sqlite_url).database
    assert path is not None
    holder = sqlite3.connect(path, isolation_level=None)
    storage = Storage(make_engine(parse_url(sqlite_url)), sealer=SEALER)  # no pooled connection yet
    loop = asyncio.get_running_loop()
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("DELETE FROM handled_updates")
        started = loop.time()
        assert not await storage.ping(timeout=0.3)
        assert loop.time() - started < 1.5
    finally:
        holder.close()
        await storage.close()
