"""The advocates' side after a move to a new staff group: thread ids mean nothing across groups.

A case whose topic is thread 10 of the old group must not be reached from thread 10 of the new
one, which may be another person's case.
"""

from __future__ import annotations

from sqlalchemy import update

from bot.handoff import HandoffStore, Operator
from bot.handoff.tables import TicketRow
from bot.tg.desk import StaffDesk, StaffMessage
from tests.integration.handoff.helpers import CHAT, OPERATOR, OTHER_CHAT, open_ticket
from tests.integration.handoff.test_overdue import desk_context
from tests.integration.storage.conftest import FakeClock

OLD_STAFF = -100999  # the group the deployment left
STAFF = -100123  # the group of desk_context(), where the operators are now
THREAD = 10


async def _operator(handoff: HandoffStore) -> Operator:
    async with handoff.transaction() as tx:
        operator, _ = await tx.operators.add(OPERATOR, alias="Anna", languages=["en"])
    return operator


async def _two_cases_with_one_thread_id(handoff: HandoffStore) -> tuple[int, int]:
    """A case with thread 10 in the old group, another with thread 10 in the new one.

    The old group's case is the newer one (opened just before the move), so guessing by age
    would pick it.
    """
    async with handoff.transaction() as tx:
        here = await open_ticket(tx, OTHER_CHAT)
        assert await tx.tickets.set_thread(here.id, THREAD, STAFF)
        moved = await open_ticket(tx, CHAT)
        assert await tx.tickets.set_thread(moved.id, THREAD, OLD_STAFF)
    return moved.id, here.id


async def _user_chats(handoff: HandoffStore) -> set[int]:
    """The people something is queued for."""
    async with handoff.transaction() as tx:
        return {message.payload["chat_id"] for message in await tx.outbox.due("user")}


async def test_a_reply_reaches_only_the_case_of_this_groups_topic(
    handoff: HandoffStore, clock: FakeClock
) -> None:
    desk = StaffDesk(desk_context(clock))
    operator = await _operator(handoff)
    moved, here = await _two_cases_with_one_thread_id(handoff)

    async with handoff.transaction() as tx:
        reply = StaffMessage(message_id=5, thread_id=THREAD, text="Hello")
        await desk.message(tx, operator, reply)
        await desk.command(tx, operator, "note", "for this case", THREAD)

    assert await _user_chats(handoff) == {OTHER_CHAT}
    async with handoff.transaction() as tx:
        assert (await tx.tickets.get(moved)).status == "open"
        assert (await tx.tickets.get(here)).assignee == OPERATOR
        assert await tx.tickets.notes(moved) == []
        assert [note.text for note in await tx.tickets.notes(here)] == ["for this case"]


async def test_a_case_whose_topics_group_is_unknown_is_reached_from_no_topic(
    handoff: HandoffStore, clock: FakeClock
) -> None:
    desk = StaffDesk(desk_context(clock))
    operator = await _operator(handoff)
    async with handoff.transaction() as tx:
        old = await open_ticket(tx, CHAT)
        table = TicketRow.__table__
        await tx.tickets._connection.execute(
            update(table).where(table.c.id == old.id).values(thread_id=THREAD)
        )
        await desk.message(tx, operator, StaffMessage(message_id=5, thread_id=THREAD, text="Hi"))
        await desk.command(tx, operator, "close", "", THREAD)

    assert await _user_chats(handoff) == set()
    async with handoff.transaction() as tx:
        assert (await tx.tickets.get(old.id)).status == "open"
        # /close outside a case's topic is answered there, naming the group the topic is in.
        [answer] = await tx.outbox.due("staff")
    assert answer.ticket_id is None
    assert (answer.payload["chat_id"], answer.payload["message_thread_id"]) == (STAFF, THREAD)


async def test_an_edit_is_noted_in_the_case_of_this_groups_topic(
    handoff: HandoffStore, clock: FakeClock
) -> None:
    desk = StaffDesk(desk_context(clock))
    operator = await _operator(handoff)
    _, here = await _two_cases_with_one_thread_id(handoff)

    async with handoff.transaction() as tx:
        await desk.edited(tx, operator, THREAD)
        [notice] = await tx.outbox.due("staff")
    assert notice.ticket_id == here
