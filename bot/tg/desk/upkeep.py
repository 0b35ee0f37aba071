"""What the desk does on its own: reassure people whose case waits, note blocked bots."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.handoff import HandoffSession, HandoffStore, OutboxMessage
from bot.handoff.texts import OVERDUE, RELAY_FAILED, USER_BLOCKED_BOT

from .compose import text_message
from .context import FOLLOW_UP_METHOD, DeskContext, to_staff, to_user

__all__ = ["DeliveryHooksForDesk", "ResumeDialogue", "note_user_blocked", "remind_overdue"]

ResumeDialogue = Callable[[int, str | None], Awaitable[None]]
"""Shows a person the dialogue again: their chat id, and the flow to start (None: as it was)."""

log = logging.getLogger(__name__)

#: What carries an advocate's words to the person.
_RELAYS = frozenset({"sendMessage", "copyMessage"})


async def remind_overdue(handoff: HandoffStore, context: DeskContext) -> int:
    """Tell each person whose case waits unclaimed past ``overdue_after`` that it is not forgotten.

    Each case is reminded once (the store records it, so two workers cannot both send it).

    Returns:
        How many people were reminded.
    """
    reminded = 0
    async with handoff.transaction() as tx:
        now = context.clock()
        for entry in await tx.tickets.queue(context.settings.overdue_after, now):
            ticket = entry.ticket
            if not entry.overdue or ticket.overdue_notified_at is not None:
                continue
            if await tx.tickets.mark_overdue_notified(ticket.id):
                text = context.say(ticket.language, OVERDUE)
                await to_user(tx, ticket, "sendMessage", text_message(text))
                reminded += 1
    if reminded:
        log.info("reminded %d people that their case waits", reminded)
    return reminded


async def note_user_blocked(
    tx: HandoffSession, context: DeskContext, ticket_id: int | None
) -> None:
    """The person of a case blocked the bot: mark the case and tell its topic (once)."""
    if ticket_id is None:
        return
    ticket = await tx.tickets.get(ticket_id)
    if ticket is None or not await tx.tickets.set_user_blocked(ticket.id):
        return
    text = context.say(context.settings.staff_language, USER_BLOCKED_BOT)
    await to_staff(tx, "sendMessage", text_message(text), ticket=ticket)


class DeliveryHooksForDesk:
    """What the outbox's delivery asks of the desk (see ``bot.tg.outbox_delivery``)."""

    def __init__(self, context: DeskContext, resume: ResumeDialogue) -> None:
        self.context = context
        self._resume = resume
        self.internal_methods = frozenset({FOLLOW_UP_METHOD})

    async def internal(self, message: OutboxMessage) -> None:
        """Show the person the dialogue again after their case closed."""
        chat_id = message.payload["chat_id"]
        flow = message.payload.get("flow")
        await self._resume(int(chat_id), flow if isinstance(flow, str) else None)

    async def user_blocked(self, tx: HandoffSession, message: OutboxMessage) -> None:
        """A message could not reach the person: they blocked the bot."""
        await note_user_blocked(tx, self.context, message.ticket_id)

    async def gave_up(self, tx: HandoffSession, message: OutboxMessage) -> None:
        """A reply could not reach the person, even after retries: its topic is told."""
        if message.destination != "user" or message.method not in _RELAYS:
            return  # a staff message failing is not announced to the staff (no loops)
        ticket = await tx.tickets.get(message.ticket_id) if message.ticket_id else None
        if ticket is not None:
            text = self.context.say(self.context.settings.staff_language, RELAY_FAILED)
            await to_staff(tx, "sendMessage", text_message(text), ticket=ticket)
