"""The audit log, the case-opening limit and who may act on a case, on SQLite and PostgreSQL;
and ``haven audit`` through the real command line entry point."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette

from bot.cli import main
from bot.cli.audit import parse_since
from bot.handoff import HandoffStore, Operator
from bot.handoff.audit import ACTIONS, refused
from bot.handoff.authority import may_act, take_over
from bot.handoff.limits import OPENINGS_LIMIT, opening_refused
from bot.storage import Storage
from bot.web.staff import staff_routes
from tests.integration.handoff.helpers import (
    CHAT,
    OPERATOR,
    OTHER_CHAT,
    OTHER_OPERATOR,
    open_ticket,
)
from tests.keys import KEY_ENVIRONMENT, PSEUDONYMS, SEALER

ADMIN = 2**33 + 3


async def test_records_are_listed_oldest_first_and_narrowed(handoff: HandoffStore, clock) -> None:
    start = clock.now
    async with handoff.transaction() as tx:
        await tx.audit.record(OPERATOR, "claim", 1)
        clock.advance(minutes=1)
        await tx.audit.record(OTHER_OPERATOR, refused("reply"), 1)
        clock.advance(minutes=1)
        await tx.audit.record(OPERATOR, "canned", 2, "received")
        clock.advance(minutes=1)
        await tx.audit.record(OPERATOR, "queue")
    async with handoff.transaction() as tx:
        everything = await tx.audit.list()
        assert [(e.actor, e.action, e.ticket_id, e.detail) for e in everything] == [
            (OPERATOR, "claim", 1, None),
            (OTHER_OPERATOR, "refused:reply", 1, None),
            (OPERATOR, "canned", 2, "received"),
            (OPERATOR, "queue", None, None),
        ]
        assert everything[0].at == start
        assert [e.action for e in await tx.audit.list(actor=OPERATOR)] == [
            "claim",
            "canned",
            "queue",
        ]
        assert [e.actor for e in await tx.audit.list(ticket_id=1)] == [OPERATOR, OTHER_OPERATOR]
        since = await tx.audit.list(since=start + timedelta(minutes=2))
        assert [e.action for e in since] == ["canned", "queue"]
        assert [e.action for e in await tx.audit.list(limit=2)] == ["canned", "queue"]


async def test_a_record_stands_or_falls_with_its_transaction(handoff: HandoffStore) -> None:
    with pytest.raises(RuntimeError):
        async with handoff.transaction() as tx:
            await tx.audit.record(OPERATOR, "close", 1)
            raise RuntimeError("the action failed")
    async with handoff.transaction() as tx:
        assert await tx.audit.list() == []


@pytest.mark.parametrize(
    ("actor", "action", "detail"),
    [
        (OPERATOR, "read everything", None),  # not an action
        (OPERATOR, "refused:anything", None),
        (OPERATOR, "note", "the person seems afraid"),  # free text never reaches the log
        (OPERATOR, "canned", "Received"),
        (-100123, "claim", None),  # a group, not a user
    ],
)
async def test_only_machine_words_are_recorded(
    handoff: HandoffStore, actor: int, action: str, detail: str | None
) -> None:
    async with handoff.transaction() as tx:
        with pytest.raises(ValueError):
            await tx.audit.record(actor, action, 1, detail)
        assert await tx.audit.list() == []


def test_the_actions_are_machine_words() -> None:
    assert all(action.replace("-", "").isalpha() and action.islower() for action in ACTIONS)


async def test_a_person_may_open_a_few_cases_an_hour(handoff: HandoffStore, clock) -> None:
    for _ in range(OPENINGS_LIMIT):
        async with handoff.transaction() as tx:
            assert not await opening_refused(tx, CHAT, now=clock.now)
            ticket = await open_ticket(tx)
            # While it is open, asking again is never refused: it opens nothing new.
            assert not await opening_refused(tx, CHAT, now=clock.now)
            assert await tx.tickets.close(ticket.id)
        clock.advance(minutes=10)
    async with handoff.transaction() as tx:
        assert await opening_refused(tx, CHAT, now=clock.now)
        assert not await opening_refused(tx, OTHER_CHAT, now=clock.now)  # others are not
    clock.advance(minutes=31)  # the first opening is now over an hour old
    async with handoff.transaction() as tx:
        assert not await opening_refused(tx, CHAT, now=clock.now)
        assert await opening_refused(tx, CHAT, now=clock.now, limit=2)


def operator(user_id: int, role: str = "operator") -> Operator:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    return Operator(user_id=user_id, alias="A", languages=("en",), role=role, created_at=now)  # type: ignore[arg-type]


async def test_a_claimed_case_is_its_assignees_and_the_admins(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        assert may_act(operator(OPERATOR), ticket) and may_act(operator(OTHER_OPERATOR), ticket)
        assert await tx.tickets.claim(ticket.id, OPERATOR)
        claimed = await tx.tickets.get(ticket.id)
        assert claimed is not None
        assert may_act(operator(OPERATOR), claimed)
        assert not may_act(operator(OTHER_OPERATOR), claimed)
        assert may_act(operator(ADMIN, "admin"), claimed)
        # An admin takes it over; a second take-over from the old assignee finds it moved on.
        clock.advance(minutes=5)
        assert await take_over(tx, claimed, ADMIN, clock)
        assert not await take_over(tx, claimed, OTHER_OPERATOR, clock)
        taken = await tx.tickets.get(ticket.id)
        assert taken is not None
        assert (taken.status, taken.assignee, taken.claimed_at) == ("claimed", ADMIN, clock.now)
        assert not may_act(operator(OPERATOR), taken)
        # Closed, it stays the assignee's: only they or an admin may reopen it.
        assert await tx.tickets.close(ticket.id)
        closed = await tx.tickets.get(ticket.id)
        assert closed is not None
        assert not may_act(operator(OPERATOR), closed)
        assert not await take_over(tx, closed, OPERATOR, clock)


async def test_opening_the_staff_page_is_recorded(handoff: HandoffStore) -> None:
    app = Starlette(routes=staff_routes(-100777000, OPERATOR, ["en"], handoff=handoff))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        assert (await client.get("/staff")).status_code == 200
        assert (await client.get("/staff")).status_code == 200
    async with handoff.transaction() as tx:
        opened = [(e.actor, e.action, e.ticket_id) for e in await tx.audit.list()]
    assert opened == [(OPERATOR, "staff-page", None)] * 2


def _migrate_postgres(database_url: str) -> None:
    if database_url.startswith("postgresql"):
        assert main(["db", "upgrade", "--database-url", database_url]) == 0


async def _write_log(database_url: str) -> None:
    old = datetime.now(UTC) - timedelta(days=10)
    recent = datetime.now(UTC) - timedelta(hours=1)
    moments = iter([old, old, recent, recent])  # the operator, then the three records
    async with await Storage.open(database_url, sealer=SEALER, migrate=True) as storage:
        handoff = HandoffStore(storage, pseudonyms=PSEUDONYMS, clock=lambda: next(moments))
        async with handoff.transaction() as tx:
            await tx.operators.add(OPERATOR, alias="Anna", languages=["de"])
            await tx.audit.record(OPERATOR, "claim", 12)
            await tx.audit.record(OPERATOR, "canned", 12, "received")
            await tx.audit.record(7999, refused("reply"), 12)


def test_haven_audit_prints_the_log(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in KEY_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    _migrate_postgres(database_url)
    url = ["--database-url", database_url]
    capsys.readouterr()
    assert main(["audit", *url]) == 0
    assert capsys.readouterr().out == "no audit records\n"
    asyncio.run(_write_log(database_url))

    assert main(["audit", *url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["TIME", "(UTC)", "OPERATOR", "ACTION", "CASE", "DETAIL"]
    assert [line.split()[2:] for line in lines[1:]] == [
        ["Anna", f"({OPERATOR})", "claim", "#12"],
        ["Anna", f"({OPERATOR})", "canned", "#12", "received"],
        ["7999", "refused:reply", "#12"],
    ]
    assert main(["audit", "--since", "7d", "--format", "json", *url]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [(r["actor"], r["alias"], r["action"], r["case"], r["detail"]) for r in records] == [
        (OPERATOR, "Anna", "canned", 12, "received"),
        (7999, None, "refused:reply", 12, None),
    ]
    assert records[0]["at"].endswith("+00:00")
    assert main(["audit", "--operator", "7999", "--format", "json", *url]) == 0
    assert [r["action"] for r in json.loads(capsys.readouterr().out)] == ["refused:reply"]
    assert main(["audit", "--case", "13", *url]) == 0
    assert capsys.readouterr().out == "no audit records\n"


@pytest.mark.parametrize("arguments", [["--since", "yesterday"], ["--case", "0"], ["--limit", "x"]])
def test_haven_audit_usage_errors(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["audit", *arguments])
    assert exit_.value.code == 2
    assert "haven audit: error:" in capsys.readouterr().err


def test_since_takes_ages_and_iso_times() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("12h", now) == now - timedelta(hours=12)
    assert parse_since("30m", now) == now - timedelta(minutes=30)
    assert parse_since("2w", now) == now - timedelta(weeks=2)
    assert parse_since("2026-03-01", now) == datetime(2026, 3, 1, tzinfo=UTC)
    assert parse_since("2026-03-01T14:00+01:00", now) == datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
