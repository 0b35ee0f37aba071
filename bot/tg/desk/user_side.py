"""The person's side of the desk: opening a case, and what they do while it is open.

Called by :class:`bot.tg.Conversations` inside its transaction, so a case is opened, and a
message is queued for the advocates, atomically with the update that caused it. While a case
is open (or claimed) nothing the person does reaches the flow: messages of any kind go to the
advocate, and anything else (a command, an old button) is answered with a reminder that they
are talking to a person now, and how to cancel. Bot and human never both answer.
"""

from __future__ import annotations

import html

from bot.engine import Navigated, TicketOpened
from bot.handoff import HandoffSession, Ticket
from bot.handoff.limits import TOO_MANY_REQUESTS, opening_refused
from bot.handoff.texts import (
    ADVOCATES_UNAVAILABLE,
    ALREADY_WITH_ADVOCATE,
    ASKED_AGAIN,
    CANCEL_BUTTON,
    CANCEL_HINT,
    CANCELLED,
    NO_USERNAME,
    RELAY_STARTED,
    REQUEST_PASSED,
    REVEAL_BUTTON,
    REVEAL_OFFER,
    USER_CANCELLED,
    USERNAME_REVEALED,
    USERNAME_SHOWN,
)
from bot.tg.callback_data import HidePress, TicketPress, encode
from bot.tg.rendering import Button, Outgoing
from bot.tg.requests import DialogueRequest, Notice, Respond, TicketButton, Written
from bot.tg.texts import HIDE_BUTTON, LEFT_QUICKLY

from .compose import text_message
from .context import FOLLOW_UP_METHOD, DeskContext, to_staff, to_user, topic_name
from .summary_message import summary_messages

__all__ = ["UserDesk"]


class UserDesk:
    """Opens cases and handles the person's updates while one is open."""

    def __init__(self, context: DeskContext) -> None:
        self.context = context

    async def open(
        self,
        tx: HandoffSession,
        chat_id: int,
        language: str,
        event: TicketOpened,
        *,
        has_username: bool,
    ) -> list[Outgoing]:
        """Open a case for the person (or add to their open one); returns what to tell them.

        A new case gets its forum topic and a summary in the staff group; a second request
        while one is open is noted in that case's topic instead (one open case per person).
        """
        settings = self.context.settings
        if settings.staff_chat_id is None or await tx.bans.is_banned(chat_id):
            return [self._notice(language, ADVOCATES_UNAVAILABLE)]
        if await opening_refused(tx, chat_id, now=self.context.clock()):
            # Cancel and ask again, over and over, would bury everyone's cases in the group.
            return [self._notice(language, TOO_MANY_REQUESTS)]
        ticket, created = await tx.tickets.open(
            chat_id,
            topic=event.topic,
            language=language,
            summary=event.variables,
            flow=event.flow,
            node=event.node,
        )
        if not created:
            await self._asked_again(tx, ticket, event)
            return self.reminder(ticket, language, has_username=has_username)
        await to_staff(tx, "createForumTopic", {"name": topic_name(ticket)}, ticket=ticket)
        for payload in self._summary(ticket, event, with_buttons=True):
            await to_staff(tx, "sendMessage", payload, ticket=ticket)
        passed = self.context.say(
            language, REQUEST_PASSED, case=ticket.id, hours=settings.hours.describe(language)
        )
        started = self.context.say(language, RELAY_STARTED)
        return [
            Outgoing(html.escape(f"{passed}\n\n{started}", quote=False)),
            self._case_buttons(ticket, language, has_username=has_username),
        ]

    async def while_open(
        self,
        tx: HandoffSession,
        ticket: Ticket,
        request: DialogueRequest,
        language: str,
        *,
        username: str | None,
    ) -> list[Outgoing]:
        """Take one update of a person whose case is open; returns what to tell them."""
        banned = await tx.bans.is_banned(ticket.chat_id)
        match request:
            case TicketButton(press=TicketPress(action="cancel", ticket_id=pressed)) if (
                pressed == ticket.id
            ):
                return await self._cancel(tx, ticket, language)
            case _ if banned:
                # Nothing of a banned person reaches the staff, not even another request.
                return [self._notice(language, ADVOCATES_UNAVAILABLE)]
            case Written():
                return await self._relay(tx, ticket, request)
            case TicketButton(press=TicketPress(ticket_id=pressed)) if pressed != ticket.id:
                return self.reminder(ticket, language, username is not None)
            case TicketButton(press=TicketPress(action="reveal")):
                return await self._reveal(tx, ticket, language, username)
            case Respond(user_input=Navigated(action="human")):
                await to_staff(tx, "sendMessage", self._staff_text(ASKED_AGAIN), ticket=ticket)
            case Notice(message=message):
                # What the person sent cannot be passed on (e.g. a location, deleted for their
                # safety): say why, then where they are.
                notice = self._notice(language, message)
                return [notice, *self.reminder(ticket, language, username is not None)]
        return self.reminder(ticket, language, username is not None)

    def reminder(self, ticket: Ticket, language: str, has_username: bool) -> list[Outgoing]:
        """Tell the person their messages go to an advocate, with the case's buttons."""
        text = self.context.say(language, ALREADY_WITH_ADVOCATE, case=ticket.id)
        buttons = self._case_buttons(ticket, language, has_username=has_username)
        return [Outgoing(html.escape(text, quote=False), buttons.keyboard)]

    async def left(self, tx: HandoffSession, ticket: Ticket) -> None:
        """The person hid the chat (the quick exit): the case ends as when they cancel it.

        Its topic is told and closed; nothing more goes to the person, not even the dialogue
        again, whose conversation /hide has just deleted, nor a reply still on its way. Copies
        of their messages not yet made are dropped too: /hide deletes the originals.
        """
        await tx.outbox.withdraw(ticket.id, "user")
        await tx.outbox.withdraw(ticket.id, "staff", frozenset({"copyMessage"}))
        if await tx.tickets.close(ticket.id):
            await to_staff(tx, "sendMessage", self._staff_text(LEFT_QUICKLY), ticket=ticket)
            await to_staff(tx, "closeForumTopic", {}, ticket=ticket)

    async def _relay(self, tx: HandoffSession, ticket: Ticket, written: Written) -> list[Outgoing]:
        if ticket.user_blocked:
            # They write again, so they unblocked the bot: replies can reach them once more.
            await tx.tickets.set_user_blocked(ticket.id, False)
        # A copy, not a forward: the staff group never sees who sent it.
        payload = {"from_chat_id": ticket.chat_id, "message_id": written.message_id}
        await to_staff(tx, "copyMessage", payload, ticket=ticket)
        await tx.relayed.record(ticket.id, "person", written.kind, written.words)
        return []

    async def _cancel(self, tx: HandoffSession, ticket: Ticket, language: str) -> list[Outgoing]:
        if await tx.tickets.close(ticket.id):
            await to_staff(tx, "sendMessage", self._staff_text(USER_CANCELLED), ticket=ticket)
            await to_staff(tx, "closeForumTopic", {}, ticket=ticket)
            # The dialogue comes back through the outbox, after whatever the advocate's side
            # still has on its way to the person: never the bot first and a late reply after.
            await to_user(tx, ticket, FOLLOW_UP_METHOD, {"flow": None})
        return [self._notice(language, CANCELLED)]

    async def _reveal(
        self, tx: HandoffSession, ticket: Ticket, language: str, username: str | None
    ) -> list[Outgoing]:
        if username is None:
            return [self._notice(language, NO_USERNAME)]
        if await tx.tickets.reveal_username(ticket.id):
            text = self.context.say(
                self.context.settings.staff_language, USERNAME_REVEALED, username=f"@{username}"
            )
            await to_staff(tx, "sendMessage", text_message(text), ticket=ticket)
        # The cancel button stays at hand: this message's keyboard replaces the last one.
        cancel = self._case_buttons(ticket, language, has_username=False).keyboard
        shown = self._notice(language, USERNAME_SHOWN)
        return [Outgoing(shown.html, cancel)]

    async def _asked_again(self, tx: HandoffSession, ticket: Ticket, event: TicketOpened) -> None:
        await to_staff(tx, "sendMessage", self._staff_text(ASKED_AGAIN), ticket=ticket)
        if event.variables:
            for payload in self._summary(ticket, event, with_buttons=False):
                await to_staff(tx, "sendMessage", payload, ticket=ticket)

    def _summary(
        self, ticket: Ticket, event: TicketOpened, *, with_buttons: bool
    ) -> list[dict[str, object]]:
        language = self.context.settings.staff_language
        return summary_messages(
            self.context, ticket, event.variables, event.flow, language, with_buttons=with_buttons
        )

    def _case_buttons(self, ticket: Ticket, language: str, *, has_username: bool) -> Outgoing:
        say = self.context.say
        rows: list[tuple[Button, ...]] = []
        hint = say(language, CANCEL_HINT)
        if has_username and not ticket.username_revealed:
            hint = f"{say(language, REVEAL_OFFER)}\n\n{hint}"
            rows.append(
                (Button(say(language, REVEAL_BUTTON), encode(TicketPress("reveal", ticket.id))),)
            )
        rows.append(
            (Button(say(language, CANCEL_BUTTON), encode(TicketPress("cancel", ticket.id))),)
        )
        # The quick exit, last as under every menu of the dialogue.
        rows.append((Button(say(language, HIDE_BUTTON), encode(HidePress())),))
        return Outgoing(html.escape(hint, quote=False), tuple(rows))

    def _staff_text(self, message: str) -> dict[str, object]:
        return text_message(self.context.say(self.context.settings.staff_language, message))

    def _notice(self, language: str, message: str) -> Outgoing:
        return Outgoing(html.escape(self.context.say(language, message), quote=False))
