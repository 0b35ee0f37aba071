"""Sealed at rest: what people and advocates write never reaches the database in the clear.

A canary goes through every sealed column (a conversation's free-text answer, a ticket's
summary and close reason, a note, a relayed message); then neither the columns read with plain
SQL nor, on SQLite, the database file and its write-ahead log hold it, while the API reads it
back. ``haven keys rotate`` re-seals everything with a new first key, so the old key can go.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.cli import main
from bot.cli.keys import SEALED_COLUMNS
from bot.config import ConfigError
from bot.handoff import HandoffStore
from bot.privacy import Sealer, SealError, check_keys, generate_key
from bot.storage import Storage
from tests.keys import NEW_SECRET_KEY, PSEUDONYM_KEY, PSEUDONYMS, SEALER, SECRET_KEY

CANARY = "CANARY-7f3a Меня ищут по повестке"
CHAT = 2**40 + 777
OPERATOR = 2**33 + 1
PLAIN_CHAT = 2**40 + 778


@pytest.fixture
def cli_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``set(secret)``: the HAVEN_SECRET_KEY the command line sees (no .env, no key file)."""
    for name in ("HAVEN_SECRET_KEY", "HAVEN_PSEUDONYM_KEY", "TELEGRAM_BOT_TOKEN", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HAVEN_PSEUDONYM_KEY", PSEUDONYM_KEY)

    def set_secret(secret: str) -> None:
        monkeypatch.setenv("HAVEN_SECRET_KEY", secret)

    yield set_secret


async def haven(argv: list[str]) -> int:
    """``haven ARGV`` in a thread: the command runs its own event loop."""
    return await asyncio.to_thread(main, argv)


async def fill(storage: Storage, clock: Any, make_conversation: Any, make_state: Any) -> int:
    """The canary in every sealed column; returns the ticket's id."""
    state = make_state(variables={"story": CANARY, "age": 27})
    async with storage.transaction() as session:
        await session.save(make_conversation(CHAT, state=state))
    handoff = HandoffStore(storage, pseudonyms=PSEUDONYMS, clock=clock)
    async with handoff.transaction() as tx:
        ticket, _ = await tx.tickets.open(
            CHAT, topic="asylum", language="ru", summary=[("story", CANARY)], flow="m", node="n"
        )
        await tx.tickets.add_note(ticket.id, OPERATOR, f"note: {CANARY}")
        await tx.outbox.enqueue(
            "user", "sendMessage", {"chat_id": CHAT, "text": CANARY}, ticket_id=ticket.id
        )
        assert await tx.tickets.close(ticket.id, f"reason: {CANARY}")
        await tx.bans.ban(CHAT, OPERATOR)
    return ticket.id


async def read_back(storage: Storage, ticket_id: int) -> list[str]:
    """The canary's places, read through the API."""
    async with storage.transaction() as session:
        conversation = await session.conversation(CHAT)
    handoff = HandoffStore(storage, pseudonyms=PSEUDONYMS)
    async with handoff.transaction() as tx:
        ticket = await tx.tickets.get(ticket_id)
        [note] = await tx.tickets.notes(ticket_id)
        [message] = await tx.outbox.due("user", now=ticket.updated_at)
        assert await tx.bans.is_banned(CHAT)
    assert conversation is not None and ticket is not None
    return [
        str(conversation.state.variables["story"]),
        str(dict(ticket.summary)["story"]),
        str(ticket.close_reason),
        note.text,
        str(message.payload["text"]),
    ]


async def raw_columns(storage: Storage) -> dict[str, list[Any]]:
    """Every sealed column's stored values, read with plain SQL."""
    found: dict[str, list[Any]] = {}
    async with storage.engine.connect() as connection:
        for sealed in SEALED_COLUMNS:
            query = f"SELECT {sealed.column} FROM {sealed.table.name} ORDER BY {sealed.key}"
            found[sealed.name] = list((await connection.execute(text(query))).scalars())
    return found


async def every_value(storage: Storage) -> str:
    """Every value of every row of every table, as text."""
    async with storage.engine.connect() as connection:
        names = await connection.run_sync(
            lambda sync: sync.dialect.get_table_names(sync)  # type: ignore[no-any-return]
        )
        rows = [
            repr(row)
            for name in names
            for row in (await connection.execute(text(f'SELECT * FROM "{name}"'))).all()
        ]
    return "\n".join(rows)


def sqlite_files(database_url: str) -> list[Path]:
    database = Path(database_url.split(":///", 1)[1])
    return [path for path in (database, Path(f"{database}-wal")) if path.exists()]


def canary_bytes() -> list[bytes]:
    return [CANARY.encode(), b"CANARY-7f3a", "повестке".encode(), "повестке".encode("utf-16-le")]


async def test_the_canary_is_sealed_everywhere_and_read_back(
    storage: Storage, database_url: str, clock, make_conversation, make_state
) -> None:
    ticket_id = await fill(storage, clock, make_conversation, make_state)

    columns = await raw_columns(storage)
    assert all(values for values in columns.values())  # not vacuous: every column was written
    for name, values in columns.items():
        for value in values:
            assert value.startswith("s1:"), name
            assert "CANARY" not in value and "повестке" not in value, name
    everything = await every_value(storage)
    assert "CANARY" not in everything and "повестке" not in everything
    assert str(CHAT) in everything  # not vacuous: the routing id is there, in the clear
    assert PSEUDONYMS.of(CHAT) in everything and everything.count(str(CHAT)) >= 1

    if database_url.startswith("sqlite"):
        files = sqlite_files(database_url)
        assert len(files) == 2  # the database, and its log while the storage is open
        contents = {path.name: path.read_bytes() for path in files}
        # Not vacuous: the sealed values are on disk (in the log until a checkpoint).
        assert b"s1:gAAAAA" in b"".join(contents.values())
        for name, content in contents.items():
            for canary in canary_bytes():
                assert canary not in content, name

    assert await read_back(storage, ticket_id) == [
        CANARY,
        CANARY,
        f"reason: {CANARY}",
        f"note: {CANARY}",
        CANARY,
    ]


async def test_the_sqlite_file_holds_no_canary_after_closing(
    sqlite_url: str, clock, make_conversation, make_state
) -> None:
    storage = await Storage.open(sqlite_url, sealer=SEALER, migrate=True, clock=clock)
    try:
        await fill(storage, clock, make_conversation, make_state)
    finally:
        await storage.close()  # checkpoints the log into the database file
    files = sqlite_files(sqlite_url)
    assert b"s1:gAAAAA" in files[0].read_bytes()  # not vacuous: checkpointed into the file
    for path in files:
        content = path.read_bytes()
        for canary in canary_bytes():
            assert canary not in content, path.name


async def add_plain_rows(storage: Storage, clock: Any, make_state: Any) -> None:
    """A conversation and a ticket as written before sealing existed, in the clear."""
    now = clock()
    if storage.engine.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # SQLite's timestamp column holds naive UTC
    values = {"state": make_state(variables={"story": "plain"}).to_json(), "t": now}
    async with storage.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO conversations (chat_id, state, flow, flow_version, language, status,"
                f" created_at, updated_at) VALUES ({PLAIN_CHAT}, :state, 'situation', 7, 'ru',"
                " 'active', :t, :t)"
            ),
            values,
        )
        await connection.execute(
            text(
                "INSERT INTO tickets (chat_id, topic, language, status, summary, flow, node,"
                " username_revealed, user_blocked, created_at, updated_at) VALUES"
                f" ({PLAIN_CHAT}, 'asylum', 'ru', 'open', '[[\"story\",\"plain\"]]', 'm', 'n',"
                " FALSE, FALSE, :t, :t)"
            ),
            values,
        )


async def test_rotate_reseals_everything_so_the_old_key_can_go(
    storage: Storage,
    database_url: str,
    clock,
    make_conversation,
    make_state,
    cli_keys,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ticket_id = await fill(storage, clock, make_conversation, make_state)
    await add_plain_rows(storage, clock, make_state)
    before = await raw_columns(storage)
    cli_keys(f"{NEW_SECRET_KEY},{SECRET_KEY}")
    url = ["--database-url", database_url]

    # A dry run counts and writes nothing.
    assert await haven(["keys", "rotate", "--dry-run", "--format", "json", *url]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["dry_run"] is True
    assert summary["resealed"] == 7 and summary["unreadable"] == 0  # 5 sealed + 2 plain
    assert {(c["table"], c["column"]): c["sealed_plain"] for c in summary["columns"]} == {
        ("conversations", "state"): 1,
        ("tickets", "summary"): 1,
        ("tickets", "close_reason"): 0,
        ("ticket_notes", "text"): 0,
        ("outbox", "payload"): 0,
    }
    assert await raw_columns(storage) == before

    assert await haven(["keys", "rotate", "--batch-size", "1", *url]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == "done: 7 value(s) re-sealed with the first key"
    assert "conversations.state: 2/2" in err.splitlines()  # progress, batch by batch
    assert "CANARY" not in out + err and str(CHAT) not in out + err

    after = await raw_columns(storage)
    new_only = Sealer([NEW_SECRET_KEY])
    for name, values in after.items():
        for value in values:
            if value is not None:
                assert new_only.is_current(value), name
    # Again: nothing left to do.
    assert await haven(["keys", "rotate", *url]) == 0
    assert (
        capsys.readouterr().out.splitlines()[-1] == "done: 0 value(s) re-sealed with the first key"
    )

    # The old key removed: everything still reads, the plain rows included.
    reopened = await Storage.open(database_url, sealer=new_only, clock=clock)
    try:
        assert await read_back(reopened, ticket_id) == [
            CANARY,
            CANARY,
            f"reason: {CANARY}",
            f"note: {CANARY}",
            CANARY,
        ]
        async with reopened.transaction() as session:
            plain = await session.conversation(PLAIN_CHAT)
        assert plain is not None and plain.state.variables["story"] == "plain"
        handoff = HandoffStore(reopened, pseudonyms=PSEUDONYMS)
        async with handoff.transaction() as tx:
            ticket = await tx.tickets.open_for(PLAIN_CHAT)
        assert ticket is not None and ticket.summary == (("story", "plain"),)
    finally:
        await reopened.close()


async def test_a_key_that_opens_nothing_is_a_clear_error(
    storage: Storage,
    database_url: str,
    clock,
    make_conversation,
    make_state,
    cli_keys,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ticket_id = await fill(storage, clock, make_conversation, make_state)
    stranger = generate_key()
    wrong = await Storage.open(database_url, sealer=Sealer([stranger]), clock=clock)
    try:
        with pytest.raises(SealError, match="HAVEN_SECRET_KEY"):
            async with wrong.transaction() as session:
                await session.conversation(CHAT)
        handoff = HandoffStore(wrong, pseudonyms=PSEUDONYMS)
        with pytest.raises(SealError):
            async with handoff.transaction() as tx:
                await tx.tickets.get(ticket_id)
    finally:
        await wrong.close()

    before = await raw_columns(storage)
    cli_keys(stranger)
    assert await haven(["keys", "rotate", "--database-url", database_url]) == 1
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if "error" in line]
    reason = "cannot be opened with any key in HAVEN_SECRET_KEY"
    assert errors == [
        f"haven keys rotate: error: conversations.state: 1 value(s) {reason}",
        f"haven keys rotate: error: tickets.summary of row {ticket_id} {reason}",
        f"haven keys rotate: error: tickets.close_reason of row {ticket_id} {reason}",
        f"haven keys rotate: error: ticket_notes.text of row 1 {reason}",
        f"haven keys rotate: error: outbox.payload of row 1 {reason}",
    ]
    assert "CANARY" not in out + err and str(CHAT) not in out + err and "s1:" not in out + err
    assert await raw_columns(storage) == before  # nothing it could not open was touched


async def test_the_bot_refuses_keys_that_open_nothing_it_holds(
    storage: Storage, database_url: str, clock, make_conversation, make_state
) -> None:
    await check_keys(storage)  # an empty database: any keys do
    await add_plain_rows(storage, clock, make_state)
    stranger = generate_key()

    async def check(*secret: str) -> None:
        opened = await Storage.open(database_url, sealer=Sealer(list(secret)), clock=clock)
        try:
            await check_keys(opened)
        finally:
            await opened.close()

    await check(stranger)  # nothing sealed yet: plain rows need no key
    await fill(storage, clock, make_conversation, make_state)
    await check(SECRET_KEY)
    await check(stranger, SECRET_KEY)  # a new key in front of the old: the way to rotate
    with pytest.raises(ConfigError) as raised:
        await check(stranger)  # the old key replaced, not kept behind the new one
    [problem] = raised.value.problems
    assert problem.startswith("HAVEN_SECRET_KEY: none of its keys opens what the database holds")
    assert stranger not in problem and SECRET_KEY not in problem
