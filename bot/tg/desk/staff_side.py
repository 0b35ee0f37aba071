"""The advocates' side of the desk: buttons, commands and replies in the staff group.

Called by the staff group's handlers inside one transaction per update, with the operator
already looked up (:meth:`bot.handoff.Operators.get`): every action is authorized where it
happens, and nobody else gets this far. A claimed case is its assignee's: others are refused in
its topic, and only admins may act there too (or take it over with /claim); see
:mod:`bot.handoff.authority`. Everything the bot says, to the staff or to the person, is queued
in the outbox in the same transaction, so an action and its messages stand or fall together,
and a case's messages keep their order.

Every action and view, and every refusal, is recorded in the audit log
(:mod:`bot.handoff.audit`) in that same transaction, by machine words only.

Operators are known to the person only by their alias: replies are copies signed with it,
never forwards from the operator's account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from babel.dates import format_timedelta

from bot.handoff import HandoffSession, OpenTicketExists, Operator, Ticket
from bot.handoff.audit import refused
from bot.handoff.authority import NOT_YOUR_CASE, TAKEN_OVER, may_act, take_over
from bot.handoff.texts import (
    ADVOCATE_JOINED,
    ALREADY_BANNED,
    ALREADY_CLAIMED,
    BANNED,
    CANNED_USAGE,
    CASE_CLOSED,
    CASE_IS_CLOSED,
    CASE_REOPENED,
    CLAIMED_BY,
    CLOSED,
    CLOSED_WITH_REASON,
    EDITS_NOT_RELAYED,
    NOT_BANNED,
    NOT_CLOSED,
    NOTE_SAVED,
    NOTE_USAGE,
    ONLY_ADMINS,
    ONLY_IN_CASE_TOPIC,
    OTHER_CASE_OPEN,
    QUEUE_EMPTY,
    QUEUE_HEADING,
    QUEUE_OVERDUE,
    QUEUE_UNCLAIMED,
    REOPENED,
    REPLIED_FROM_CONSOLE,
    STAFF_HELP,
    UNBANNED,
    UNKNOWN_CANNED_REPLY,
    USER_BLOCKED_BOT,
)
from bot.tg.callback_data import StaffPress

from .compose import signed_caption, signed_texts, text_message
from .context import FOLLOW_UP_METHOD, DeskContext, to_staff, to_user
from .summary_message import summary_messages

__all__ = ["ACTING_COMMANDS", "MAX_REASON_SHOWN", "QUEUE_LENGTH", "StaffDesk", "StaffMessage"]

#: /queue lists at most this many cases (a message has room for about that many lines).
QUEUE_LENGTH = 50
#: A close reason is echoed in the topic up to this many characters (a message holds 4,096).
MAX_REASON_SHOWN = 1000
_CASE_COMMANDS = frozenset({"claim", "close", "reopen", "note", "ban", "unban", "canned"})
#: The commands that act (or view): someone who is not an operator trying one is recorded.
ACTING_COMMANDS = _CASE_COMMANDS | {"queue"}


@dataclass(frozen=True, slots=True)
class StaffMessage:
    """An operator's message in the staff group, as the handlers read it.

    Attributes:
        message_id: Its id in the staff group (what copyMessage copies).
        thread_id: Its forum topic; None in General.
        text: A text message's text; None for media.
        caption: A media message's caption.
        captioned: The media can carry a caption (photo, file, voice, video...), so the
            signature goes there; otherwise (a sticker) it goes in a message of its own.
        kind: ``text``, or the media's kind (:func:`bot.tg.media.kind_of`), for the case page.
    """

    message_id: int
    thread_id: int | None
    text: str | None = None
    caption: str | None = None
    captioned: bool = False
    kind: str = "text"


class StaffDesk:
    """Carries out operators' actions on cases."""

    def __init__(self, context: DeskContext) -> None:
        self.context = context

    async def press(self, tx: HandoffSession, operator: Operator, press: StaffPress) -> str | None:
        """A Claim or Close button; returns a short answer for the operator's screen, if any."""
        ticket = await tx.tickets.get(press.ticket_id, lock=True)
        language = self.context.operator_language(operator)
        if ticket is None:
            return self.context.say(language, ONLY_IN_CASE_TOPIC)
        if press.action == "claim":
            return await self._claim(tx, operator, ticket, answer_in_topic=False)
        return await self._close(tx, operator, ticket, None, answer_in_topic=False)

    async def command(
        self,
        tx: HandoffSession,
        operator: Operator,
        name: str,
        argument: str,
        thread_id: int | None,
    ) -> None:
        """A command in the staff group: case commands in a case's topic, /queue anywhere."""
        language = self.context.operator_language(operator)
        ticket = None
        if thread_id is not None:
            ticket = await tx.tickets.for_thread(thread_id, self._staff_chat_id(), lock=True)
        if name == "queue":
            await self._queue(tx, language, ticket, thread_id)
            await tx.audit.record(operator.user_id, "queue")
            return
        if name not in _CASE_COMMANDS:
            await self._reply(tx, ticket, thread_id, self.context.say(language, STAFF_HELP))
            return
        if ticket is None:
            await self._reply(tx, None, thread_id, self.context.say(language, ONLY_IN_CASE_TOPIC))
            return
        match name:
            case "claim":
                await self._claim(tx, operator, ticket, answer_in_topic=True)
            case "close":
                await self._close(tx, operator, ticket, argument, answer_in_topic=True)
            case "reopen":
                await self._reopen(tx, operator, ticket)
            case "note":
                await self._note(tx, operator, ticket, argument)
            case "ban" | "unban":
                await self._ban(tx, operator, ticket, banned=name == "ban")
            case "canned":
                await self._canned(tx, operator, ticket, argument)

    async def message(self, tx: HandoffSession, operator: Operator, message: StaffMessage) -> None:
        """An operator wrote in a case's topic: a reply for the person, signed with the alias.

        Messages in General, or in a topic that is no case's, are the team's own talk.
        """
        if message.thread_id is None:
            return
        ticket = await tx.tickets.for_thread(message.thread_id, self._staff_chat_id(), lock=True)
        if ticket is None:
            return
        refusal = await self._can_write(tx, operator, ticket, "reply")
        if refusal is not None:
            await self._reply(tx, ticket, None, refusal)  # and nothing reaches the person
            return
        detail = "text" if message.text is not None else "media"
        await tx.audit.record(operator.user_id, "reply", ticket.id, detail)
        if message.text is not None:
            await self._send_text(tx, operator, ticket, message.text)
            return
        await tx.relayed.record(
            ticket.id, "advocate", message.kind, message.caption, operator_id=operator.user_id
        )
        copy: dict[str, object] = {
            "from_chat_id": self._staff_chat_id(),
            "message_id": message.message_id,
        }
        if message.captioned:
            copy |= {
                "caption": signed_caption(operator.alias, message.caption),
                "parse_mode": "HTML",
            }
        else:
            # A sticker takes no caption: the signature comes first, on its own.
            await to_user(tx, ticket, "sendMessage", signed_texts(operator.alias, "…")[0])
        await to_user(tx, ticket, "copyMessage", copy)

    async def edited(self, tx: HandoffSession, operator: Operator, thread_id: int | None) -> None:
        """An operator edited a message in a case's topic: the person keeps the first version."""
        if thread_id is None:
            return
        ticket = await tx.tickets.for_thread(thread_id, self._staff_chat_id())
        if ticket is not None:
            language = self.context.operator_language(operator)
            await self._reply(tx, ticket, None, self.context.say(language, EDITS_NOT_RELAYED))

    async def stranger(
        self,
        tx: HandoffSession,
        user_id: int,
        action: str,
        *,
        thread_id: int | None = None,
        ticket_id: int | None = None,
    ) -> None:
        """Someone who is not an operator tried ``action``: recorded, nothing else happens.

        Args:
            tx: The update's transaction.
            user_id: Their Telegram user id.
            action: What they tried (``reply``, ``claim``, ``queue``...).
            thread_id: The topic they tried it in, to find its case.
            ticket_id: The case, when known already (a button names it).
        """
        if ticket_id is None and thread_id is not None:
            ticket = await tx.tickets.for_thread(thread_id, self._staff_chat_id())
            ticket_id = ticket.id if ticket is not None else None
        if action == "reply" and ticket_id is None:
            return  # words in a topic that is no case's: the team's own talk
        await tx.audit.record(user_id, refused(action), ticket_id)

    async def _authorized(
        self, tx: HandoffSession, operator: Operator, ticket: Ticket, action: str
    ) -> str | None:
        """None if ``operator`` may do ``action`` on ``ticket``; else the refusal, recorded."""
        if may_act(operator, ticket):
            return None
        await tx.audit.record(operator.user_id, refused(action), ticket.id)
        holder = await tx.operators.get(ticket.assignee) if ticket.assignee is not None else None
        language = self.context.operator_language(operator)
        return self.context.say(language, NOT_YOUR_CASE, alias=holder.alias if holder else "?")

    async def _can_write(
        self, tx: HandoffSession, operator: Operator, ticket: Ticket, action: str
    ) -> str | None:
        """None if a reply may go to the person, else why not (in the operator's language).

        An unclaimed case is claimed for the writer first.
        """
        language = self.context.operator_language(operator)
        if ticket.status == "closed":
            return self.context.say(language, CASE_IS_CLOSED)
        refusal = await self._authorized(tx, operator, ticket, action)
        if refusal is not None:
            return refusal
        if ticket.status == "open":
            # Answering is taking the case: the person learns that someone is there.
            await self._claim(tx, operator, ticket, answer_in_topic=True)
        if ticket.user_blocked:
            await self._reply(tx, ticket, None, self.context.say(language, USER_BLOCKED_BOT))
        return None

    async def _send_text(
        self, tx: HandoffSession, operator: Operator, ticket: Ticket, text: str
    ) -> None:
        """Queue ``text`` for the person, signed with the alias, and keep it for the case page."""
        for payload in signed_texts(operator.alias, text):
            await to_user(tx, ticket, "sendMessage", payload)
        await tx.relayed.record(ticket.id, "advocate", "text", text, operator_id=operator.user_id)

    async def _claim(
        self, tx: HandoffSession, operator: Operator, ticket: Ticket, *, answer_in_topic: bool
    ) -> str | None:
        say, language = self.context.say, self.context.operator_language(operator)
        staff_language = self.context.settings.staff_language
        if await tx.tickets.claim(ticket.id, operator.user_id):
            await tx.audit.record(operator.user_id, "claim", ticket.id)
            await self._reply(
                tx, ticket, None, say(staff_language, CLAIMED_BY, alias=operator.alias)
            )
            await self._summary_for(tx, operator, ticket)
            await to_user(
                tx, ticket, "sendMessage", text_message(say(ticket.language, ADVOCATE_JOINED))
            )
            return None
        current = await tx.tickets.get(ticket.id)
        assignee = current.assignee if current is not None else None
        holder = await tx.operators.get(assignee) if assignee is not None else None
        previous = holder.alias if holder else "?"
        if current is None or current.status == "closed":
            answer = say(language, CASE_IS_CLOSED)
        elif assignee == operator.user_id:
            answer = say(language, ALREADY_CLAIMED, alias=operator.alias)
        elif operator.role == "admin" and await take_over(
            tx, current, operator.user_id, self.context.clock
        ):
            # An admin may take a case from an advocate who is away; the whole team sees it.
            await tx.audit.record(operator.user_id, "claim", ticket.id, "take-over")
            taken = say(staff_language, TAKEN_OVER, alias=operator.alias, previous=previous)
            await self._reply(tx, ticket, None, taken)
            await self._summary_for(tx, operator, ticket)
            return None
        else:
            await tx.audit.record(operator.user_id, refused("claim"), ticket.id)
            answer = say(language, ALREADY_CLAIMED, alias=previous)
        if answer_in_topic:
            await self._reply(tx, ticket, None, answer)
            return None
        return answer

    async def _summary_for(self, tx: HandoffSession, operator: Operator, ticket: Ticket) -> None:
        """What the person shared, once more in the language of whoever took the case."""
        language = self.context.operator_language(operator)
        if language == self.context.settings.staff_language or not ticket.summary:
            return
        for payload in summary_messages(
            self.context, ticket, ticket.summary, ticket.flow, language, with_buttons=False
        ):
            await to_staff(tx, "sendMessage", payload, ticket=ticket)
        await tx.audit.record(operator.user_id, "summary", ticket.id)

    async def _close(
        self,
        tx: HandoffSession,
        operator: Operator,
        ticket: Ticket,
        reason: str | None,
        *,
        answer_in_topic: bool,
    ) -> str | None:
        say, staff_language = self.context.say, self.context.settings.staff_language
        answer = await self._authorized(tx, operator, ticket, "close")
        if answer is None and not await tx.tickets.close(ticket.id, reason):
            answer = say(self.context.operator_language(operator), CASE_IS_CLOSED)
        if answer is not None:
            if answer_in_topic:
                await self._reply(tx, ticket, None, answer)
                return None
            return answer
        reason = (reason or "").strip()
        await tx.audit.record(
            operator.user_id, "close", ticket.id, "reason-given" if reason else None
        )
        if len(reason) > MAX_REASON_SHOWN:
            reason = reason[: MAX_REASON_SHOWN - 1] + "…"
        closed = (
            say(staff_language, CLOSED_WITH_REASON, reason=reason)
            if reason
            else say(staff_language, CLOSED)
        )
        await self._reply(tx, ticket, None, closed)
        await to_staff(tx, "closeForumTopic", {}, ticket=ticket)
        # The reason is the team's: the person is only told that the case is closed.
        await to_user(
            tx,
            ticket,
            "sendMessage",
            text_message(say(ticket.language, CASE_CLOSED, case=ticket.id)),
        )
        await to_user(tx, ticket, FOLLOW_UP_METHOD, {"flow": self.context.settings.follow_up_flow})
        return None

    async def _reopen(self, tx: HandoffSession, operator: Operator, ticket: Ticket) -> None:
        say, language = self.context.say, self.context.operator_language(operator)
        refusal = await self._authorized(tx, operator, ticket, "reopen")
        if refusal is not None:
            await self._reply(tx, ticket, None, refusal)
            return
        try:
            reopened = await tx.tickets.reopen(ticket.id)
        except OpenTicketExists as error:
            other = f"#{error.open_ticket_id}" if error.open_ticket_id else "?"
            await self._reply(tx, ticket, None, say(language, OTHER_CASE_OPEN, case=other))
            return
        if not reopened:
            await self._reply(tx, ticket, None, say(language, NOT_CLOSED))
            return
        await tx.audit.record(operator.user_id, "reopen", ticket.id)
        await self._reply(tx, ticket, None, say(self.context.settings.staff_language, REOPENED))
        await to_staff(tx, "reopenForumTopic", {}, ticket=ticket)
        await to_user(
            tx,
            ticket,
            "sendMessage",
            text_message(say(ticket.language, CASE_REOPENED, case=ticket.id)),
        )

    async def _note(
        self, tx: HandoffSession, operator: Operator, ticket: Ticket, text: str
    ) -> None:
        refusal = await self.write_note(tx, operator, ticket, text, via="topic")
        language = self.context.operator_language(operator)
        await self._reply(tx, ticket, None, refusal or self.context.say(language, NOTE_SAVED))

    async def _ban(
        self, tx: HandoffSession, operator: Operator, ticket: Ticket, *, banned: bool
    ) -> None:
        say, language = self.context.say, self.context.operator_language(operator)
        action = "ban" if banned else "unban"
        if operator.role != "admin":
            await tx.audit.record(operator.user_id, refused(action), ticket.id)
            await self._reply(tx, ticket, None, say(language, ONLY_ADMINS))
            return
        if banned:
            changed = await tx.bans.ban(ticket.chat_id, operator.user_id)
            answer = BANNED if changed else ALREADY_BANNED
        else:
            changed = await tx.bans.unban(ticket.chat_id)
            answer = UNBANNED if changed else NOT_BANNED
        if changed:
            await tx.audit.record(operator.user_id, action, ticket.id)
        await self._reply(tx, ticket, None, say(language, answer))

    async def _canned(
        self, tx: HandoffSession, operator: Operator, ticket: Ticket, name: str
    ) -> None:
        say, language = self.context.say, self.context.operator_language(operator)
        canned = self.context.canned
        names = ", ".join(canned.names())
        name = name.strip()
        if not name:
            await self._reply(tx, ticket, None, say(language, CANNED_USAGE, names=names))
            return
        text = canned.get(name, ticket.language)
        if text is None:
            await self._reply(
                tx, ticket, None, say(language, UNKNOWN_CANNED_REPLY, name=name, names=names)
            )
            return
        refusal = await self.send_canned(tx, operator, ticket, name, via="topic")
        if refusal is not None:
            await self._reply(tx, ticket, None, refusal)

    # -- the web console's actions: the same rules and audit as in the staff group; what the
    # -- operator is told is returned for the page instead of posted in the topic.

    async def take(self, tx: HandoffSession, operator: Operator, ticket: Ticket) -> str | None:
        """Claim ``ticket`` (an admin takes it over); None if done, else why not."""
        return await self._claim(tx, operator, ticket, answer_in_topic=False)

    async def close_case(
        self, tx: HandoffSession, operator: Operator, ticket: Ticket, reason: str | None
    ) -> str | None:
        """Close ``ticket`` as /close does; None if done, else why not."""
        return await self._close(tx, operator, ticket, reason, answer_in_topic=False)

    async def write_note(
        self,
        tx: HandoffSession,
        operator: Operator,
        ticket: Ticket,
        text: str,
        *,
        via: Literal["topic", "console"] = "console",
    ) -> str | None:
        """Add a note (never sent to the person); None if done, else why not."""
        language = self.context.operator_language(operator)
        if not text.strip():
            return self.context.say(language, NOTE_USAGE)
        refusal = await self._authorized(tx, operator, ticket, "note")
        if refusal is not None:
            return refusal
        await tx.tickets.add_note(ticket.id, operator.user_id, text.strip())
        await tx.audit.record(operator.user_id, "note", ticket.id, _detail(via))
        return None

    async def write_to_person(
        self, tx: HandoffSession, operator: Operator, ticket: Ticket, text: str
    ) -> str | None:
        """Send ``text`` to the person exactly as a reply in the topic is sent.

        The same copy signed with the alias, queued after the case's earlier messages; the
        topic gets it too, so the team in Telegram sees what was said. None if sent, else why
        not (a closed case, someone else's case).
        """
        refusal = await self._can_write(tx, operator, ticket, "reply")
        if refusal is not None:
            return refusal
        await tx.audit.record(operator.user_id, "reply", ticket.id, "console")
        await self._send_text(tx, operator, ticket, text)
        await self._reply(tx, ticket, None, self._from_console(operator, text))
        return None

    async def send_canned(
        self,
        tx: HandoffSession,
        operator: Operator,
        ticket: Ticket,
        name: str,
        *,
        via: Literal["topic", "console"] = "console",
    ) -> str | None:
        """Send the canned reply ``name`` in the person's language; None if sent, else why not.

        The topic is shown what the person was sent, in their language, whichever way it went.
        """
        language = self.context.operator_language(operator)
        text = self.context.canned.get(name, ticket.language)
        if text is None:
            names = ", ".join(self.context.canned.names())
            return self.context.say(language, UNKNOWN_CANNED_REPLY, name=name, names=names)
        refusal = await self._can_write(tx, operator, ticket, "canned")
        if refusal is not None:
            return refusal
        await tx.audit.record(operator.user_id, "canned", ticket.id, name)
        await self._send_text(tx, operator, ticket, text)
        shown = f"↪ /canned {name}\n{text}"
        await self._reply(
            tx, ticket, None, self._from_console(operator, text) if via == "console" else shown
        )
        return None

    def _from_console(self, operator: Operator, text: str) -> str:
        """How the topic shows what an advocate sent the person from the console."""
        staff_language = self.context.settings.staff_language
        heading = self.context.say(staff_language, REPLIED_FROM_CONSOLE, alias=operator.alias)
        return f"↪ {heading}\n{text}"

    async def _queue(
        self, tx: HandoffSession, language: str, ticket: Ticket | None, thread_id: int | None
    ) -> None:
        say = self.context.say
        now = self.context.clock()
        entries = await tx.tickets.queue(self.context.settings.overdue_after, now)
        if not entries:
            await self._reply(tx, ticket, thread_id, say(language, QUEUE_EMPTY))
            return
        aliases = {operator.user_id: operator.alias for operator in await tx.operators.list()}
        lines = [say(language, QUEUE_HEADING)]
        for entry in entries[:QUEUE_LENGTH]:
            case = entry.ticket
            parts = [case.case, case.language, case.topic, _waited(now, case.created_at, language)]
            if case.assignee is None:
                parts.append(say(language, QUEUE_UNCLAIMED))
            else:
                parts.append(aliases.get(case.assignee, "?"))
            if entry.overdue:
                parts.append(f"⚠ {say(language, QUEUE_OVERDUE)}")
            lines.append(" · ".join(parts))
        if len(entries) > QUEUE_LENGTH:
            lines.append(f"… +{len(entries) - QUEUE_LENGTH}")
        await self._reply(tx, ticket, thread_id, "\n".join(lines))

    async def _reply(
        self, tx: HandoffSession, ticket: Ticket | None, thread_id: int | None, text: str
    ) -> None:
        """Post in the case's topic, or in ``thread_id`` (None: General)."""
        payload = text_message(text)
        if ticket is None and thread_id is not None:
            # A thread id means something only in its group: the delivery posts in General
            # instead, should the staff group change before the reply is sent.
            payload["chat_id"] = self._staff_chat_id()
        await to_staff(tx, "sendMessage", payload, ticket=ticket, thread_id=thread_id)

    def _staff_chat_id(self) -> int:
        """The staff group, whose topics the operators' thread ids are.

        Raises:
            RuntimeError: No staff group is set up (the staff handlers are then not installed,
                so nothing gets here).
        """
        staff_chat_id = self.context.settings.staff_chat_id
        if staff_chat_id is None:
            raise RuntimeError("staff actions need a staff group")
        return staff_chat_id


def _detail(via: Literal["topic", "console"]) -> str | None:
    """The audit's detail of an action done from the console (none from the topic)."""
    return "console" if via == "console" else None


def _waited(now: datetime, since: datetime, language: str) -> str:
    """How long a case has waited, e.g. ``2 h`` or ``35 min``, in the operator's language."""
    return format_timedelta(now - since, granularity="minute", format="narrow", locale=language)
