"""What both sides of the desk share: the deployment's settings, the texts, the outbox queue."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.engine import Engine, Translator
from bot.handoff import HandoffSession, Operator, Ticket
from bot.handoff.canned import CannedReplies
from bot.handoff.hours import WorkingHours

__all__ = ["FOLLOW_UP_METHOD", "DeskContext", "DeskSettings", "to_staff", "to_user", "topic_name"]

#: The outbox's own method (not the Bot API's) that shows the person the dialogue again after
#: their case ended: the follow-up flow, or where they were. Queued after the case's last
#: messages, so the person reads the advocate's last words first.
FOLLOW_UP_METHOD = "resumeDialogue"
#: Telegram's limit on a forum topic's name.
MAX_TOPIC_NAME = 128


@dataclass(frozen=True, slots=True)
class DeskSettings:
    """How a deployment runs its desk.

    Attributes:
        staff_chat_id: The operators' supergroup (with topics); None: no advocates are set up,
            and people asking for one are told so instead of being promised an answer.
        staff_language: The language of what the bot posts in the staff group on its own (a
            case's summary, the person's actions); replies to an operator's command use the
            operator's first language instead.
        hours: When advocates answer, told to the person with their case number.
        overdue_after: How long a case may wait unclaimed before the person is reassured and
            /queue marks it overdue.
        follow_up_flow: The flow a closed case starts for the person (e.g. a one-question
            feedback); None, or a flow that is not loaded: the person is shown where they were.
    """

    staff_chat_id: int | None
    staff_language: str
    hours: WorkingHours
    overdue_after: timedelta
    follow_up_flow: str | None = None


class DeskContext:
    """The settings, flows, words and clock of the desk, and its outbox in one transaction.

    Args:
        settings: The deployment's desk settings.
        engine: The current engine (flows may be reloaded while the bot runs).
        translator: The catalogs (the bot's words, the flows' questions for summaries).
        languages: The languages the bot speaks, the source language first.
        canned: The canned replies.
        clock: The current time (timezone-aware).
    """

    def __init__(
        self,
        settings: DeskSettings,
        *,
        engine: Callable[[], Engine],
        translator: Translator,
        languages: Sequence[str],
        canned: CannedReplies,
        clock: Callable[[], datetime],
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.translator = translator
        self.languages = tuple(languages)
        self.canned = canned
        self.clock = clock

    def say(self, language: str, message: str, **values: Any) -> str:
        """The bot's words ``message`` in ``language``, placeholders filled (not escaped)."""
        text = self.translator.ui_text(language, message)
        return text.format(**values) if values else text

    def operator_language(self, operator: Operator) -> str:
        """The first of the operator's languages the bot speaks, else the staff language."""
        for language in operator.languages:
            if language in self.languages:
                return language
        return self.settings.staff_language


def topic_name(ticket: Ticket) -> str:
    """The forum topic of a case: ``#12 · ru · asylum``, nothing that names the person."""
    return f"{ticket.case} · {ticket.language} · {ticket.topic}"[:MAX_TOPIC_NAME]


async def to_staff(
    tx: HandoffSession,
    method: str,
    payload: Mapping[str, Any],
    *,
    ticket: Ticket | None,
    thread_id: int | None = None,
) -> None:
    """Queue a call for the staff group: in the case's topic, or in ``thread_id`` (General)."""
    params = dict(payload)
    if ticket is None and thread_id is not None:
        params["message_thread_id"] = thread_id
    await tx.outbox.enqueue("staff", method, params, ticket_id=ticket.id if ticket else None)


async def to_user(
    tx: HandoffSession, ticket: Ticket, method: str, payload: Mapping[str, Any]
) -> None:
    """Queue a call for the person of ``ticket``, after the case's earlier ones."""
    await tx.outbox.enqueue(
        "user", method, {"chat_id": ticket.chat_id, **payload}, ticket_id=ticket.id
    )
