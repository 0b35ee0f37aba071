"""The relayed messages of a case, kept for the console's case page: in order, the latest ones
only, their words sealed, the sender checked; gone with the case's content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.handoff import HandoffStore
from bot.handoff.relayed import RelayedMessage
from bot.privacy.erasure import erase_ticket
from tests.integration.handoff.helpers import OPERATOR, OTHER_CHAT, open_ticket
from tests.keys import SEALER


async def test_messages_come_back_oldest_first_with_every_field(
    handoff: HandoffStore, clock
) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        other = await open_ticket(tx, OTHER_CHAT)
        first = clock.now
        await tx.relayed.record(ticket.id, "person", "text", "Здравствуйте")
        clock.advance(minutes=1)
        await tx.relayed.record(ticket.id, "advocate", "text", "Guten Tag", operator_id=OPERATOR)
        await tx.relayed.record(other.id, "person", "text", "another case")
        clock.advance(minutes=1)
        await tx.relayed.record(ticket.id, "person", "photo", "справка")
        await tx.relayed.record(ticket.id, "person", "voice")  # media without a caption
    async with handoff.transaction() as tx:
        messages = await tx.relayed.of(ticket.id)
        assert await tx.relayed.of(ticket.id + 1000) == []
    assert messages == [
        RelayedMessage("person", None, "text", "Здравствуйте", first),
        RelayedMessage("advocate", OPERATOR, "text", "Guten Tag", first + timedelta(minutes=1)),
        RelayedMessage("person", None, "photo", "справка", clock.now),
        RelayedMessage("person", None, "voice", None, clock.now),
    ]


async def test_the_limit_keeps_the_latest_still_oldest_first(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        for number in range(6):
            await tx.relayed.record(ticket.id, "person", "text", f"message {number}")
        latest = await tx.relayed.of(ticket.id, limit=3)
    assert [message.text for message in latest] == ["message 3", "message 4", "message 5"]


async def test_words_are_sealed_in_the_database(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        await tx.relayed.record(ticket.id, "person", "text", "мой адрес: улица Ленина")
        await tx.relayed.record(ticket.id, "person", "document", "паспорт.pdf")
        await tx.relayed.record(ticket.id, "person", "sticker")
        rows = (
            await tx.relayed._connection.execute(
                text("SELECT kind, text FROM relayed_messages ORDER BY id")
            )
        ).all()
    kinds = [row.kind for row in rows]
    raw = [row.text for row in rows]
    assert kinds == ["text", "document", "sticker"]  # the kind stays readable, for the page
    assert raw[2] is None
    assert "Ленина" not in raw[0] and "паспорт" not in raw[1]
    assert [SEALER.open(raw[0]), SEALER.open(raw[1])] == ["мой адрес: улица Ленина", "паспорт.pdf"]


@pytest.mark.parametrize(
    ("sender", "operator_id"),
    [
        ("advocate", None),  # an advocate's message names its advocate
        ("person", OPERATOR),  # a person's names none
        ("operator", OPERATOR),  # no such sender
        ("advocate", -100123),  # a group's id is no advocate's
        ("advocate", 0),
    ],
)
async def test_sender_and_advocate_are_checked(
    handoff: HandoffStore, sender: str, operator_id: int | None
) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        with pytest.raises(ValueError):
            await tx.relayed.record(ticket.id, sender, "text", "x", operator_id=operator_id)  # type: ignore[arg-type]
        assert await tx.relayed.of(ticket.id) == []


async def test_the_database_refuses_an_unknown_sender(handoff: HandoffStore) -> None:
    """The check constraint holds even for a writer that skips the repository's check."""
    with pytest.raises(Exception, match=r"(?i)constraint|check"):
        async with handoff.transaction() as tx:
            ticket = await open_ticket(tx)
            await tx.relayed._connection.execute(
                text(
                    "INSERT INTO relayed_messages (ticket_id, sender, kind, created_at)"
                    " VALUES (:ticket, 'stranger', 'text', CURRENT_TIMESTAMP)"
                ),
                {"ticket": ticket.id},
            )


async def test_erasing_the_case_deletes_its_messages_only(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        other = await open_ticket(tx, OTHER_CHAT)
        await tx.relayed.record(ticket.id, "person", "text", "erase me")
        await tx.relayed.record(ticket.id, "advocate", "text", "me too", operator_id=OPERATOR)
        await tx.relayed.record(other.id, "person", "text", "keep me")
        erasure = await erase_ticket(tx, ticket.id, now=clock.now, staff_chat_id=None)
        assert erasure.relayed == 2
        assert await tx.relayed.of(ticket.id) == []
        assert [m.text for m in await tx.relayed.of(other.id)] == ["keep me"]
