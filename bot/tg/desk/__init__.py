"""The hand-off desk on Telegram: cases between people and the advocates' staff group.

:class:`Desk` holds both sides: :class:`UserDesk` (the person opens a case and writes to the
advocate; called by :class:`bot.tg.Conversations` inside its transaction) and
:class:`StaffDesk` (operators claim, answer, note and close in the case's forum topic; called by
:func:`staff_handlers`). Neither calls the Bot API for a case: every message is queued in the
handoff outbox in the transaction of the update that caused it, and delivered in order by
``bot.tg.outbox_delivery``, which paces the staff group within Telegram's limits. After a
transaction that queued something, :meth:`Desk.wake` tells the delivery to look.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.handoff import HandoffSession, HandoffStore
from bot.storage import StorageSession

from .context import FOLLOW_UP_METHOD, DeskContext, DeskSettings, topic_name
from .handlers import staff_handlers
from .staff_side import StaffDesk, StaffMessage
from .upkeep import DeliveryHooksForDesk, ResumeDialogue, note_user_blocked, remind_overdue
from .user_side import UserDesk

__all__ = [
    "FOLLOW_UP_METHOD",
    "DeliveryHooksForDesk",
    "Desk",
    "DeskContext",
    "DeskSettings",
    "ResumeDialogue",
    "StaffDesk",
    "StaffMessage",
    "UserDesk",
    "note_user_blocked",
    "remind_overdue",
    "staff_handlers",
    "topic_name",
]


class Desk:
    """Both sides of the desk over one handoff store.

    Attributes:
        handoff: Tickets, operators, bans and the outbox.
        context: Settings, flows, words and clock.
        user: The person's side.
        staff: The advocates' side.
        wake: Called after a transaction that queued messages; the delivery sets it.
    """

    def __init__(self, handoff: HandoffStore, context: DeskContext) -> None:
        self.handoff = handoff
        self.context = context
        self.user = UserDesk(context)
        self.staff = StaffDesk(context)
        self.wake: Callable[[], None] = lambda: None

    def join(self, session: StorageSession) -> HandoffSession:
        """The handoff repositories in a storage transaction that is already open."""
        return self.handoff.join(session)

    async def user_blocked(self, chat_id: int) -> None:
        """The person blocked the bot: their open case, if any, says so and its topic is told."""
        async with self.handoff.transaction() as tx:
            ticket = await tx.tickets.open_for(chat_id)
            if ticket is not None:
                await note_user_blocked(tx, self.context, ticket.id)
        self.wake()
