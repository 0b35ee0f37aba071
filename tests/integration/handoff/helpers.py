"""Values and a helper shared by the handoff tests."""

from __future__ import annotations

from typing import Any

from bot.handoff import HandoffSession, Ticket

CHAT = 2**40 + 12345  # private chat ids are past 32 bits
OTHER_CHAT = 2**40 + 54321
OPERATOR = 2**33 + 1
OTHER_OPERATOR = 2**33 + 2
SUMMARY = (("country", "Казахстан"), ("in_service", True), ("age", 27), ("height", 1.82))


async def open_ticket(tx: HandoffSession, chat_id: int = CHAT, **changes: Any) -> Ticket:
    """Open (or find) the chat's ticket with typical values."""
    values: dict[str, Any] = {
        "topic": "asylum",
        "language": "ru",
        "summary": SUMMARY,
        "flow": "main",
        "node": "ask_advocate",
    }
    values.update(changes)
    ticket, _ = await tx.tickets.open(chat_id, **values)
    return ticket
