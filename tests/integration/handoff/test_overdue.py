"""Cases that wait too long: the person is reassured once, in their language."""

from __future__ import annotations

from datetime import timedelta

from bot.handoff import HandoffStore
from bot.handoff.canned import CannedReplies
from bot.handoff.hours import WorkingHours
from bot.handoff.texts import OVERDUE
from bot.library import FlowLibrary
from bot.tg.desk import DeskContext, DeskSettings, remind_overdue
from tests.e2e.runtime_fixtures import REPO
from tests.integration.storage.conftest import FakeClock


def desk_context(clock: FakeClock) -> DeskContext:
    library = FlowLibrary(REPO / "flows", REPO / "locales", clock)
    return DeskContext(
        DeskSettings(
            staff_chat_id=-100123,
            staff_language="en",
            hours=WorkingHours.parse("Mon-Fri 09:00-18:00 Europe/Berlin"),
            overdue_after=timedelta(minutes=30),
        ),
        engine=lambda: library.engine,
        translator=library.translator,
        languages=library.languages,
        canned=CannedReplies({}),
        clock=clock,
    )


async def test_an_unclaimed_case_is_reminded_once_after_the_wait(
    handoff: HandoffStore, clock: FakeClock
) -> None:
    context = desk_context(clock)
    async with handoff.transaction() as tx:
        waiting, _ = await tx.tickets.open(
            1001, topic="general", language="ru", summary=(), flow="start", node="menu"
        )
        taken, _ = await tx.tickets.open(
            1002, topic="general", language="de", summary=(), flow="start", node="menu"
        )
        assert await tx.tickets.claim(taken.id, 7001)
    clock.advance(minutes=29)
    assert await remind_overdue(handoff, context) == 0
    clock.advance(minutes=2)
    assert await remind_overdue(handoff, context) == 1
    assert await remind_overdue(handoff, context) == 0  # once only
    async with handoff.transaction() as tx:
        [message] = await tx.outbox.due("user")
        queue = await tx.tickets.queue(timedelta(minutes=30))
    assert message.ticket_id == waiting.id
    assert message.payload["chat_id"] == 1001
    assert message.payload["text"] == context.say("ru", OVERDUE) != OVERDUE
    assert [(entry.ticket.id, entry.overdue) for entry in queue] == [
        (waiting.id, True),
        (taken.id, False),
    ]
