"""Retention: what has outlived its period is purged by the sweeper's purge; younger rows stay.

Each test runs on SQLite and on PostgreSQL, on a fake clock: rows are written at chosen times,
then purged as of a later ``now``. Every class has a row just past its period and one just
within it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import pytest
from sqlalchemy import Table, insert, text

from bot.analytics.recorder import Recorder
from bot.config import load_settings
from bot.console.tables import ConsoleLinkRow, ConsoleSessionRow
from bot.engine import Step
from bot.engine.state import ConversationState
from bot.handoff import HandoffStore
from bot.handoff.store import _connection_of
from bot.handoff.tables import ERASED_CHAT_ID
from bot.privacy.retention import (
    CLASSES,
    ExpiredRow,
    RetentionPolicy,
    purge,
    run_sweeper,
)
from bot.storage import Storage, StoredConversation
from tests.integration.privacy.helpers import OPERATOR, STAFF, scan
from tests.integration.storage.conftest import FakeClock
from tests.keys import PSEUDONYMS

_LINKS = cast(Table, ConsoleLinkRow.__table__)  # type: ignore[attr-defined]
_SESSIONS = cast(Table, ConsoleSessionRow.__table__)  # type: ignore[attr-defined]
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
POLICY = RetentionPolicy()  # 30 days, 90 days, 1 day, 365 days
EXPIRED = {
    "conversations": 1,
    "tickets": 1,
    "outbox": 2,
    "chat_messages": 1,
    "handled_updates": 1,
    "audit_log": 1,
    "events": 1,
    "console_links": 1,
    "console_sessions": 1,
}

OLD_CHAT, YOUNG_CHAT, WAITING_CHAT = 2**40 + 1, 2**40 + 2, 2**40 + 3
NOBODY = 2**62  # a chat id no row holds: scans for words only
OLD_WORDS = ("oldCaseQzx", "oldNoteQzx", "oldReasonQzx", "oldAnswerQzx")
_ANSWER = {"story": OLD_WORDS[3]}
_CASE: dict[str, Any] = {"topic": "asylum", "language": "ru", "flow": "main", "node": "ask"}


@dataclass
class Rows:
    """The ids of the rows written, by what should happen to them."""

    now: datetime
    old_case: int
    young_case: int
    open_case: int
    old_outbox: list[int]
    young_outbox: list[int]
    pending_outbox: int


@pytest.fixture
async def rows(
    handoff: HandoffStore,
    clock: FakeClock,
    make_conversation: Callable[..., StoredConversation],
    make_state: Callable[..., ConversationState],
) -> Rows:
    """Rows of every class, each class with one past its period as of ``now`` and one not."""
    start = clock.now
    now = start + 400 * DAY

    def at(moment: datetime) -> None:
        clock.now = moment

    # conversations: idle 31 days (goes), 29 days (stays), 31 days with a case open (stays)
    at(now - 31 * DAY)
    async with handoff.transaction() as tx:
        await tx.storage.save(make_conversation(OLD_CHAT, state=make_state(variables=_ANSWER)))
        await tx.storage.save(make_conversation(WAITING_CHAT))
        waiting, _ = await tx.tickets.open(WAITING_CHAT, summary=[], **_CASE)
    at(now - 29 * DAY)
    async with handoff.transaction() as tx:
        await tx.storage.save(make_conversation(YOUNG_CHAT))

    # tickets: closed 91 days ago (erased), 89 days ago (kept), open for a year (kept)
    async with handoff.transaction() as tx:
        at(now - 365 * DAY)
        old, _ = await tx.tickets.open(YOUNG_CHAT, summary=[("story", OLD_WORDS[0])], **_CASE)
        await tx.tickets.set_thread(old.id, 900, STAFF)
        await tx.tickets.add_note(old.id, OPERATOR, OLD_WORDS[1])
        at(now - 91 * DAY)
        await tx.tickets.close(old.id, OLD_WORDS[2])
        at(now - 100 * DAY)
        young, _ = await tx.tickets.open(YOUNG_CHAT, summary=[("story", "youngCaseQzx")], **_CASE)
        at(now - 89 * DAY)
        await tx.tickets.close(young.id)

    # outbox: delivered and given up 25 hours ago (go), delivered 23 hours ago and one still
    # pending from long ago (stay)
    async with handoff.transaction() as tx:
        at(now - 25 * HOUR)
        sent = await tx.outbox.enqueue("user", "sendMessage", {"chat_id": 1, "text": "a"})
        await tx.outbox.mark_sent(sent.id)
        failed = await tx.outbox.enqueue("user", "sendMessage", {"chat_id": 1, "text": "b"})
        await tx.outbox.mark_failed(failed.id, "forbidden", final=True)
        at(now - 23 * HOUR)
        recent = await tx.outbox.enqueue("user", "sendMessage", {"chat_id": 1, "text": "c"})
        await tx.outbox.mark_sent(recent.id)
        at(now - 30 * DAY)
        pending = await tx.outbox.enqueue("staff", "sendMessage", {"text": "d"})

    # chat_messages: 49 hours (go), 47 hours (stay); handled_updates: 8 days, 6 days;
    # audit_log: 366 days, 364 days; events: 366 days, 364 days (one each)
    async with handoff.transaction() as tx:
        await tx.storage.messages.record(YOUNG_CHAT, [1], now - 49 * HOUR)
        await tx.storage.messages.record(YOUNG_CHAT, [2], now - 47 * HOUR)
        at(now - 8 * DAY)
        await tx.storage.claim_update(1)
        at(now - 6 * DAY)
        await tx.storage.claim_update(2)
        at(now - 366 * DAY)
        await tx.audit.record(OPERATOR, "claim", old.id)
        at(now - 364 * DAY)
        await tx.audit.record(OPERATOR, "close", old.id)
        recorder, visited = Recorder(PSEUDONYMS), (("main", "ask"),)
        old_step = Step(make_state(started_at="old"), (), visited)
        await recorder.record(tx.storage, YOUNG_CHAT, old_step.state, old_step, now - 366 * DAY)
        young_step = Step(make_state(started_at="young"), (), visited)
        await recorder.record(tx.storage, YOUNG_CHAT, young_step.state, young_step, now - 364 * DAY)

    # console_links and console_sessions: expired a minute ago (go), expiring in a minute (stay)
    async with handoff.transaction() as tx:
        connection = _connection_of(tx.storage)
        for table, ends in ((_LINKS, "expired"), (_LINKS, "live"), (_SESSIONS, "expired"),
                            (_SESSIONS, "live")):  # fmt: skip
            end = now - timedelta(minutes=1) if ends == "expired" else now + timedelta(minutes=1)
            values = {"token_hash": f"{table.name}-{ends}", "operator_id": OPERATOR,
                      "created_at": now - HOUR, "expires_at": end}  # fmt: skip
            if table is _SESSIONS:
                values["last_seen_at"] = now - HOUR
            await connection.execute(insert(table).values(values))
    at(now)
    return Rows(
        now=now,
        old_case=old.id,
        young_case=young.id,
        open_case=waiting.id,
        old_outbox=[sent.id, failed.id],
        young_outbox=[recent.id],
        pending_outbox=pending.id,
    )


async def _count(storage: Storage, table: str, where: str = "1 = 1") -> int:
    async with storage.engine.connect() as connection:
        result = await connection.execute(text(f"SELECT count(*) FROM {table} WHERE {where}"))
        return int(result.scalar_one())


async def _snapshot(storage: Storage) -> dict[str, int]:
    return {table: await _count(storage, table) for table in (*CLASSES, "ticket_notes")}


async def test_a_purge_deletes_what_expired_and_keeps_what_did_not(
    storage: Storage, handoff: HandoffStore, rows: Rows
) -> None:
    report = await purge(storage, handoff, POLICY, now=rows.now, dry_run=False, staff_chat_id=STAFF)

    assert not report.dry_run
    assert {purged.name: purged.count for purged in report.classes} == EXPIRED
    assert report.total == 10
    assert all(purged.rows == () for purged in report.classes)  # ids are listed in dry runs
    assert report.counts() == (
        "conversations=1 tickets=1 outbox=2 chat_messages=1 handled_updates=1 audit_log=1 events=1"
        " console_links=1 console_sessions=1"
    )

    async with handoff.transaction() as tx:
        assert await tx.storage.conversation(OLD_CHAT) is None
        assert await tx.storage.conversation(YOUNG_CHAT) is not None
        assert await tx.storage.conversation(WAITING_CHAT) is not None  # its case is open
        old = await tx.tickets.get(rows.old_case)
        young = await tx.tickets.get(rows.young_case)
        assert (old.chat_id, old.summary, old.close_reason) == (ERASED_CHAT_ID, (), None)
        assert (old.topic, old.language, old.status) == ("asylum", "ru", "closed")
        assert await tx.tickets.notes(rows.old_case) == []
        assert young.chat_id == YOUNG_CHAT
        assert young.summary == (("story", "youngCaseQzx"),)
        assert (await tx.tickets.get(rows.open_case)).chat_id == WAITING_CHAT
        for message in rows.old_outbox:
            assert await tx.outbox.get(message) is None
        assert await tx.outbox.get(rows.young_outbox[0]) is not None
        assert await tx.outbox.get(rows.pending_outbox) is not None  # not sent yet
        assert await tx.storage.messages.deletable(YOUNG_CHAT, rows.now) == [2]
        assert await tx.storage.claim_update(1)  # forgotten: could be claimed again
        assert not await tx.storage.claim_update(2)
        assert [entry.action for entry in await tx.audit.list()] == ["close"]
        staff = await tx.outbox.due("staff", rows.now, limit=100)
    # The erased case's topic goes from the staff group too, without a notice.
    assert [(m.method, m.ticket_id) for m in staff if m.created_at == rows.now] == [
        ("deleteForumTopic", rows.old_case)
    ]
    assert await scan(storage, OLD_WORDS, NOBODY) == set()
    assert await scan(storage, ("youngCaseQzx",), NOBODY) == {("tickets", "summary")}


async def test_a_second_purge_finds_nothing(
    storage: Storage, handoff: HandoffStore, rows: Rows
) -> None:
    await purge(storage, handoff, POLICY, now=rows.now, dry_run=False)
    again = await purge(storage, handoff, POLICY, now=rows.now, dry_run=False)
    assert again.total == 0


async def test_a_dry_run_lists_ids_and_ages_and_deletes_nothing(
    storage: Storage, handoff: HandoffStore, rows: Rows
) -> None:
    before = await _snapshot(storage)
    report = await purge(storage, handoff, POLICY, now=rows.now, dry_run=True)
    assert await _snapshot(storage) == before

    assert report.dry_run
    listed = {purged.name: purged.rows for purged in report.classes}
    assert {name: len(found) for name, found in listed.items()} == EXPIRED
    assert report.count("tickets") == 1
    assert listed["conversations"][0].age == 31 * DAY
    assert listed["tickets"] == (ExpiredRow(rows.old_case, 91 * DAY),)
    assert {(row.id, row.age) for row in listed["outbox"]} == {
        (rows.old_outbox[0], 25 * HOUR),
        (rows.old_outbox[1], 25 * HOUR),
    }
    assert listed["handled_updates"] == (ExpiredRow(1, 8 * DAY),)
    assert listed["audit_log"][0].age == 366 * DAY
    assert listed["events"][0].age == 366 * DAY
    # A message id is listed by age only: its row's key is the person's chat.
    assert listed["chat_messages"] == (ExpiredRow(None, 49 * HOUR),)


async def test_periods_come_from_the_settings(
    storage: Storage, handoff: HandoffStore, rows: Rows, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(
        retention_conversation_days=20,
        retention_closed_ticket_days=100,
        retention_outbox_days=2,
        retention_audit_days=1000,
    )
    policy = RetentionPolicy.from_settings(settings)
    assert policy == RetentionPolicy(20 * DAY, 100 * DAY, 2 * DAY, 1000 * DAY)
    assert RetentionPolicy.from_settings(load_settings()) == RetentionPolicy()
    report = await purge(storage, handoff, policy, now=rows.now, dry_run=True)
    assert report.count("conversations") == 2  # the young chat's, idle 29 days, too
    assert report.count("tickets") == 0  # 91 days is within 100
    assert report.count("outbox") == 0
    assert report.count("audit_log") == 0
    assert report.count("handled_updates") == 1  # fixed: 7 days


def test_a_period_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RetentionPolicy(outbox=timedelta(0))


async def test_the_sweeper_purges_at_once_and_survives_a_database_error(
    storage: Storage,
    handoff: HandoffStore,
    clock: FakeClock,
    rows: Rows,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    await _rename(storage, "audit_log", "audit_log_away")  # the database fails a round
    rounds: list[int] = []
    woken: list[bool] = []

    async def between_rounds(interval: float) -> None:
        assert interval == 3600.0
        rounds.append(await _count(storage, "conversations"))
        if len(rounds) == 1:
            await _rename(storage, "audit_log_away", "audit_log")
            clock.now = rows.now + 2 * DAY
        else:
            raise asyncio.CancelledError  # how the bot stops the sweeper

    with pytest.raises(asyncio.CancelledError):
        await run_sweeper(
            storage,
            handoff,
            POLICY,
            clock=clock,
            staff_chat_id=STAFF,
            erased=lambda: woken.append(True),
            sleep=between_rounds,
        )

    messages = [record.getMessage() for record in caplog.records]
    failed = [m for m in messages if m.startswith("retention sweep failed: ")]
    assert len(failed) == 1
    assert failed[0].endswith(("OperationalError", "ProgrammingError"))  # SQLite, PostgreSQL
    # The failed round still purged the classes before the audit log; the next did the rest
    # (the events and the console's rows after the audit log too), two days later: what had
    # been just within its period then.
    assert rounds == [2, 1]
    assert messages[-1] == (
        "retention sweep deleted conversations=1 tickets=1 outbox=1 chat_messages=1 "
        "handled_updates=1 audit_log=2 events=2 console_links=2 console_sessions=2"
    )
    assert await _count(storage, "audit_log") == 0
    assert woken == [True]  # once: the first round's report never came
    assert await _count(storage, "tickets", f"chat_id = {ERASED_CHAT_ID}") == 2
    for message in messages:
        assert str(YOUNG_CHAT) not in message
        assert all(word not in message for word in OLD_WORDS)


async def test_the_sweeper_wakes_the_delivery_only_after_erasing_cases(
    storage: Storage, handoff: HandoffStore, clock: FakeClock, rows: Rows
) -> None:
    woken: list[bool] = []
    rounds: list[float] = []

    async def twice(interval: float) -> None:
        rounds.append(interval)
        if len(rounds) == 2:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await run_sweeper(
            storage,
            handoff,
            POLICY,
            clock=clock,
            erased=lambda: woken.append(True),
            interval=5.0,
            sleep=twice,
        )
    assert rounds == [5.0, 5.0]
    assert woken == [True]  # the first round erased a case, the second nothing
    async with handoff.transaction() as tx:
        # No staff group given: the erased case's topic is left alone.
        assert [m.method for m in await tx.outbox.due("staff", limit=100)] == ["sendMessage"]


async def _rename(storage: Storage, table: str, to: str) -> None:
    async with storage.engine.begin() as connection:
        await connection.execute(text(f"ALTER TABLE {table} RENAME TO {to}"))
