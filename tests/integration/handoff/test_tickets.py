"""Tickets: one open per chat (also under concurrency), claim races, close and reopen, notes,
the queue and its overdue flag, flags for blocked users and revealed usernames."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from bot.handoff import HandoffStore, OpenTicketExists
from bot.handoff.tables import TicketRow
from tests.integration.handoff.helpers import (
    CHAT,
    OPERATOR,
    OTHER_CHAT,
    OTHER_OPERATOR,
    SUMMARY,
    open_ticket,
)
from tests.keys import SEALER

STAFF = -1001234567890
NEW_STAFF = -1009876543210  # the group a deployment moved to


async def _count(handoff: HandoffStore) -> int:
    async with handoff.transaction() as tx:
        connection = tx.tickets._connection
        return (await connection.execute(select(func.count()).select_from(TicketRow))).scalar_one()


async def test_open_creates_a_ticket_with_every_field(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        ticket, created = await tx.tickets.open(
            CHAT, topic="asylum", language="ru", summary=SUMMARY, flow="main", node="ask"
        )
    assert created
    assert ticket.case == f"#{ticket.id}"
    assert (ticket.chat_id, ticket.topic, ticket.language) == (CHAT, "asylum", "ru")
    assert (ticket.flow, ticket.node, ticket.status) == ("main", "ask", "open")
    assert ticket.summary == SUMMARY
    assert [type(value) for _, value in ticket.summary] == [str, bool, int, float]
    assert ticket.assignee is ticket.thread_id is ticket.thread_chat_id is None
    assert ticket.close_reason is None
    assert not ticket.username_revealed and not ticket.user_blocked
    assert ticket.created_at == ticket.updated_at == clock.now
    assert ticket.created_at.tzinfo is UTC
    assert ticket.claimed_at is ticket.closed_at is ticket.overdue_notified_at is None
    async with handoff.transaction() as tx:
        assert await tx.tickets.get(ticket.id) == ticket
        assert await tx.tickets.open_for(CHAT) == ticket
        assert await tx.tickets.get(ticket.id + 1) is None
        assert await tx.tickets.open_for(OTHER_CHAT) is None


async def test_a_second_open_returns_the_open_ticket_and_merges_nothing(
    handoff: HandoffStore, clock
) -> None:
    async with handoff.transaction() as tx:
        first, created = await tx.tickets.open(
            CHAT, topic="asylum", language="ru", summary=SUMMARY, flow="main", node="a"
        )
    assert created
    clock.advance(minutes=5)
    async with handoff.transaction() as tx:
        again, created = await tx.tickets.open(
            CHAT, topic="other", language="de", summary=[("x", "y")], flow="f", node="b"
        )
    assert not created
    assert again == first  # nothing of the second request was merged in
    async with handoff.transaction() as tx:
        other = await open_ticket(tx, OTHER_CHAT)
    assert other.id != first.id


async def test_a_closed_ticket_makes_room_for_a_new_one(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        first = await open_ticket(tx)
        assert await tx.tickets.close(first.id)
        second, created = await tx.tickets.open(
            CHAT, topic="t", language="ru", summary=(), flow="f", node="n"
        )
    assert created
    assert second.id > first.id
    assert second.summary == ()


async def test_twenty_concurrent_opens_for_one_chat_make_one_ticket(
    handoff: HandoffStore,
) -> None:
    async def press_human() -> tuple[int, bool]:
        async with handoff.transaction() as tx:
            ticket, created = await tx.tickets.open(
                CHAT, topic="asylum", language="ru", summary=SUMMARY, flow="main", node="n"
            )
            await asyncio.sleep(0.01)  # hold the transaction open while the others try
            return ticket.id, created

    results = await asyncio.gather(*(press_human() for _ in range(20)))
    assert [created for _, created in results].count(True) == 1
    assert len({ticket_id for ticket_id, _ in results}) == 1
    assert await _count(handoff) == 1


async def test_the_database_itself_refuses_a_second_not_closed_ticket(
    handoff: HandoffStore, clock
) -> None:
    async with handoff.transaction() as tx:
        await open_ticket(tx)
    # Around the repository, as a bug or a manual fix might: the partial unique index stops it.
    row = {
        "chat_id": CHAT,
        "topic": "t",
        "language": "ru",
        "status": "claimed",
        "summary": "[]",
        "flow": "f",
        "node": "n",
        "username_revealed": False,
        "user_blocked": False,
        "created_at": clock.now,
        "updated_at": clock.now,
    }
    with pytest.raises(IntegrityError):
        async with handoff.transaction() as tx:
            await tx.tickets._connection.execute(TicketRow.__table__.insert().values(row))
    async with handoff.transaction() as tx:  # a closed one is fine
        await tx.tickets._connection.execute(
            TicketRow.__table__.insert().values({**row, "status": "closed"})
        )
    assert await _count(handoff) == 2


async def test_open_is_undone_with_its_transaction(handoff: HandoffStore) -> None:
    with pytest.raises(RuntimeError):
        async with handoff.transaction() as tx:
            assert await tx.storage.claim_update(7)
            await open_ticket(tx)
            raise RuntimeError("the handler failed")
    async with handoff.transaction() as tx:
        assert await tx.tickets.open_for(CHAT) is None
        assert await tx.storage.claim_update(7)  # the claim was rolled back with it


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"topic": ""}, "topic"),
        ({"language": ""}, "language"),
        ({"summary": [("name",)]}, "pairs"),
        ({"summary": [(1, "value")]}, "pairs"),
        ({"summary": [("name", None)]}, "pairs"),
        ({"summary": [("name", ["a", "list"])]}, "pairs"),
        ({"summary": [("ratio", float("nan"))]}, "JSON"),
    ],
)
async def test_open_refuses_bad_values(handoff: HandoffStore, changes, message) -> None:
    async with handoff.transaction() as tx:
        with pytest.raises(ValueError, match=message):
            await open_ticket(tx, **changes)


async def test_set_thread_records_the_first_topic_in_a_group_only(
    handoff: HandoffStore, clock
) -> None:
    thread = 2**31 + 5
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        assert await tx.tickets.for_thread(thread, STAFF) is None
        clock.advance(seconds=3)
        assert await tx.tickets.set_thread(ticket.id, thread, STAFF)
        assert not await tx.tickets.set_thread(ticket.id, thread + 1, STAFF)  # a retried topic
        assert not await tx.tickets.set_thread(ticket.id + 1, thread, STAFF)
        found = await tx.tickets.for_thread(thread, STAFF)
    assert found is not None
    assert (found.id, found.thread_id, found.thread_chat_id) == (ticket.id, thread, STAFF)
    assert found.updated_at == clock.now
    assert found.topic_in(STAFF) == thread
    assert found.topic_in(NEW_STAFF) is found.topic_in(None) is None


async def test_a_topic_in_a_new_group_replaces_the_old_groups(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        assert await tx.tickets.set_thread(ticket.id, 10, STAFF)
        assert await tx.tickets.set_thread(ticket.id, 20, NEW_STAFF)
        assert not await tx.tickets.set_thread(ticket.id, 30, NEW_STAFF)
        moved = await tx.tickets.get(ticket.id)
        assert (moved.thread_id, moved.thread_chat_id) == (20, NEW_STAFF)
        assert (await tx.tickets.for_thread(20, NEW_STAFF)).id == ticket.id
        # Its old topic is no longer the case's: a reply there reaches nobody.
        assert await tx.tickets.for_thread(10, STAFF) is None


async def test_for_thread_never_returns_a_ticket_of_another_group(handoff: HandoffStore) -> None:
    # The same thread id in two groups: two different topics, maybe two people's cases.
    async with handoff.transaction() as tx:
        there = await open_ticket(tx)
        await tx.tickets.set_thread(there.id, 10, NEW_STAFF)
        here = await open_ticket(tx, OTHER_CHAT)
        await tx.tickets.set_thread(here.id, 10, STAFF)
        # The group decides, not which ticket is newer.
        assert (await tx.tickets.for_thread(10, NEW_STAFF)).id == there.id
        assert (await tx.tickets.for_thread(10, STAFF)).id == here.id
        assert await tx.tickets.for_thread(10, -100777) is None
        assert await tx.tickets.for_thread(10, STAFF, lock=True) == await tx.tickets.get(here.id)


async def test_a_topic_in_an_unknown_group_is_no_groups(handoff: HandoffStore) -> None:
    # A ticket whose topic was recorded before its group was (the column came later).
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        table = TicketRow.__table__
        await tx.tickets._connection.execute(
            update(table).where(table.c.id == ticket.id).values(thread_id=10)
        )
        old = await tx.tickets.get(ticket.id)
        assert (old.thread_id, old.thread_chat_id, old.topic_in(STAFF)) == (10, None, None)
        assert await tx.tickets.for_thread(10, STAFF) is None
        assert await tx.tickets.set_thread(ticket.id, 11, STAFF)  # it gets a topic here
        assert (await tx.tickets.for_thread(11, STAFF)).id == ticket.id


async def test_for_thread_prefers_the_newest_ticket(handoff: HandoffStore) -> None:
    # Telegram does not reuse a thread id within a group; should it ever, the newest case wins.
    async with handoff.transaction() as tx:
        old = await open_ticket(tx)
        await tx.tickets.set_thread(old.id, 10, STAFF)
        await tx.tickets.close(old.id)
        new = await open_ticket(tx, OTHER_CHAT)
        await tx.tickets.set_thread(new.id, 10, STAFF)
        assert (await tx.tickets.for_thread(10, STAFF)).id == new.id


async def test_claim_assigns_an_open_ticket_once(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
    clock.advance(minutes=2)
    async with handoff.transaction() as tx:
        assert await tx.tickets.claim(ticket.id, OPERATOR)
        assert not await tx.tickets.claim(ticket.id, OPERATOR)  # no change: already claimed
        assert not await tx.tickets.claim(ticket.id, OTHER_OPERATOR)
        assert not await tx.tickets.claim(ticket.id + 1, OPERATOR)
        claimed = await tx.tickets.get(ticket.id)
    assert (claimed.status, claimed.assignee) == ("claimed", OPERATOR)
    assert claimed.claimed_at == claimed.updated_at == clock.now
    assert claimed.created_at == ticket.created_at
    async with handoff.transaction() as tx:
        with pytest.raises(ValueError, match="user id"):
            await tx.tickets.claim(ticket.id, -100)


async def test_concurrent_claims_have_one_winner(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)

    async def claim(operator: int) -> bool:
        async with handoff.transaction() as tx:
            won = await tx.tickets.claim(ticket.id, operator)
            await asyncio.sleep(0.01)
            return won

    operators = [OPERATOR + n for n in range(20)]
    results = await asyncio.gather(*(claim(operator) for operator in operators))
    assert results.count(True) == 1
    async with handoff.transaction() as tx:
        claimed = await tx.tickets.get(ticket.id)
    assert claimed.assignee == operators[results.index(True)]


async def test_close_keeps_the_assignee_and_the_reason(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        await tx.tickets.claim(ticket.id, OPERATOR)
    clock.advance(hours=1)
    async with handoff.transaction() as tx:
        assert await tx.tickets.close(ticket.id, "  решено  ")
        assert not await tx.tickets.close(ticket.id, "again")
        assert not await tx.tickets.close(ticket.id + 1)
        closed = await tx.tickets.get(ticket.id)
        assert await tx.tickets.open_for(CHAT) is None
    assert (closed.status, closed.assignee, closed.close_reason) == ("closed", OPERATOR, "решено")
    assert closed.closed_at == closed.updated_at == clock.now


async def test_close_without_a_reason(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        assert await tx.tickets.close(ticket.id, "   ")
        assert (await tx.tickets.get(ticket.id)).close_reason is None


async def test_reopen_returns_to_the_assignee_or_to_the_queue(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        claimed = await open_ticket(tx)
        await tx.tickets.claim(claimed.id, OPERATOR)
        await tx.tickets.close(claimed.id, "done")
        unclaimed = await open_ticket(tx, OTHER_CHAT)
        await tx.tickets.close(unclaimed.id)

        assert await tx.tickets.reopen(claimed.id)
        assert await tx.tickets.reopen(unclaimed.id)
        assert not await tx.tickets.reopen(claimed.id)  # not closed any more
        assert not await tx.tickets.reopen(claimed.id + 100)
        again = await tx.tickets.get(claimed.id)
        waiting = await tx.tickets.get(unclaimed.id)
    assert (again.status, again.assignee) == ("claimed", OPERATOR)
    assert again.closed_at is again.close_reason is None
    assert (waiting.status, waiting.assignee) == ("open", None)


async def test_reopen_conflicts_with_the_chats_other_ticket(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        old = await open_ticket(tx)
        await tx.tickets.close(old.id)
        new = await open_ticket(tx)
    async with handoff.transaction() as tx:
        with pytest.raises(OpenTicketExists) as refused:
            await tx.tickets.reopen(old.id)
        assert (refused.value.ticket_id, refused.value.open_ticket_id) == (old.id, new.id)
        # The refusal did not spoil the transaction (it would on PostgreSQL without a savepoint).
        assert await tx.tickets.claim(new.id, OPERATOR)
    async with handoff.transaction() as tx:
        assert (await tx.tickets.get(old.id)).status == "closed"
        assert (await tx.tickets.get(new.id)).status == "claimed"
        await tx.tickets.close(new.id)
        assert await tx.tickets.reopen(old.id)  # once the other is closed, it may


async def test_concurrent_reopen_and_open_leave_one_ticket_not_closed(
    handoff: HandoffStore,
) -> None:
    async with handoff.transaction() as tx:
        old = await open_ticket(tx)
        await tx.tickets.close(old.id)

    async def reopen() -> str:
        async with handoff.transaction() as tx:
            try:
                reopened = await tx.tickets.reopen(old.id)
            except OpenTicketExists:
                return "refused"
            await asyncio.sleep(0.01)
            return "reopened" if reopened else "unchanged"

    async def open_new() -> str:
        async with handoff.transaction() as tx:
            _, created = await tx.tickets.open(
                CHAT, topic="t", language="ru", summary=(), flow="f", node="n"
            )
            await asyncio.sleep(0.01)
            return "created" if created else "existing"

    results = await asyncio.gather(*(reopen() if n % 2 else open_new() for n in range(10)))
    assert results.count("reopened") + results.count("created") == 1
    async with handoff.transaction() as tx:
        queue = await tx.tickets.queue(timedelta(hours=1))
    assert len(queue) == 1


async def test_notes_are_kept_in_order(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        other = await open_ticket(tx, OTHER_CHAT)
        first = await tx.tickets.add_note(ticket.id, OPERATOR, "звонил юрист\nвторая строка")
        clock.advance(minutes=1)
        second = await tx.tickets.add_note(ticket.id, OTHER_OPERATOR, "second")
        await tx.tickets.add_note(other.id, OPERATOR, "elsewhere")
        assert await tx.tickets.add_note(ticket.id + 100, OPERATOR, "lost") is None
        with pytest.raises(ValueError, match="blank"):
            await tx.tickets.add_note(ticket.id, OPERATOR, " \n ")
    async with handoff.transaction() as tx:
        notes = await tx.tickets.notes(ticket.id)
        assert await tx.tickets.notes(ticket.id + 100) == []
    assert notes == [first, second]
    assert (first.ticket_id, first.operator_id, first.text) == (
        ticket.id,
        OPERATOR,
        "звонил юрист\nвторая строка",
    )
    assert second.created_at == clock.now


async def test_the_queue_by_age_with_the_overdue_flag(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        oldest = await open_ticket(tx, 1)
        clock.advance(minutes=10)
        claimed = await open_ticket(tx, 2)
        await tx.tickets.claim(claimed.id, OPERATOR)
        clock.advance(minutes=10)
        closed = await open_ticket(tx, 3)
        await tx.tickets.close(closed.id)
        clock.advance(minutes=10)
        newest = await open_ticket(tx, 4)
    clock.advance(minutes=5)
    async with handoff.transaction() as tx:
        queue = await tx.tickets.queue(timedelta(minutes=30))
        later = await tx.tickets.queue(timedelta(minutes=30), now=clock.now + timedelta(hours=1))
    assert [(entry.ticket.id, entry.overdue) for entry in queue] == [
        (oldest.id, True),  # waited exactly 35 minutes
        (claimed.id, False),  # claimed tickets are never overdue
        (newest.id, False),
    ]
    assert [entry.overdue for entry in later] == [True, False, True]


async def test_overdue_notice_is_recorded_once(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        claimed = await open_ticket(tx, OTHER_CHAT)
        await tx.tickets.claim(claimed.id, OPERATOR)
        clock.advance(hours=1)
        assert await tx.tickets.mark_overdue_notified(ticket.id)
        assert not await tx.tickets.mark_overdue_notified(ticket.id)
        assert not await tx.tickets.mark_overdue_notified(claimed.id)
        assert (await tx.tickets.get(ticket.id)).overdue_notified_at == clock.now


async def test_user_blocked_flag(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        assert await tx.tickets.set_user_blocked(ticket.id)
        assert not await tx.tickets.set_user_blocked(ticket.id)
        assert (await tx.tickets.get(ticket.id)).user_blocked
        assert await tx.tickets.set_user_blocked(ticket.id, blocked=False)
        assert not (await tx.tickets.get(ticket.id)).user_blocked


async def test_reveal_username_once_and_only_while_not_closed(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        assert await tx.tickets.reveal_username(ticket.id)
        assert not await tx.tickets.reveal_username(ticket.id)
        assert (await tx.tickets.get(ticket.id)).username_revealed
        other = await open_ticket(tx, OTHER_CHAT)
        await tx.tickets.close(other.id)
        assert not await tx.tickets.reveal_username(other.id)
        assert not (await tx.tickets.get(other.id)).username_revealed


async def test_the_summary_is_sealed_readable_json(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        raw = (
            await tx.tickets._connection.execute(
                text("SELECT summary FROM tickets WHERE id = :id"), {"id": ticket.id}
            )
        ).scalar_one()
    assert "Казахстан" not in raw
    opened = SEALER.open(raw)
    assert opened == '[["country","Казахстан"],["in_service",true],["age",27],["height",1.82]]'


async def test_join_shares_the_callers_transaction(storage, handoff: HandoffStore) -> None:
    with pytest.raises(RuntimeError):
        async with storage.transaction() as session:
            assert await session.claim_update(99)
            await open_ticket(handoff.join(session))
            raise RuntimeError("rolled back together")
    async with storage.transaction() as session:
        assert await session.claim_update(99)
        assert await handoff.join(session).tickets.open_for(CHAT) is None
