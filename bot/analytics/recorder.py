"""Recording: the analytics events of one engine step, in the step's own transaction.

The events are written by the same transaction that saves the conversation's new state, so a
step that is rolled back (a redelivered update, a failure) leaves no events either, and a saved
step always has its events: they can neither be lost nor invented.

A step gives, in this order (every row with the conversation's language):

``started``
    A new conversation began (the first, or one after a restart or an end): its root flow and
    the node it starts at.
``language``
    The person changed the language of a running conversation: where they were.
``reached``
    One per node the step entered (:attr:`bot.engine.Step.visited`), routers and ``goto``
    passed through without a word included.
``handoff``
    The person asked for an advocate: the flow, node and topic (``general`` for the
    "Talk to a person" button).
``ended``
    The conversation ended (at an ``end`` or a ``handoff`` node): where.

``subject`` is the person's pseudonym (:class:`bot.privacy.pseudonyms.Pseudonyms`), never the
chat id. ``conversation`` is a hash of the pseudonym and the conversation's start time: it tells
one conversation of a person from the next, and as the pseudonym is keyed, nobody without the
key can compute it from a chat id either. No text and no variable's value is ever recorded.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert

from bot.engine import ConversationState, SessionEnded, Step, TicketOpened
from bot.handoff.store import _connection_of  # to join the transaction, as repositories do
from bot.privacy.pseudonyms import Pseudonyms
from bot.storage import StorageSession

from .tables import EventRow

__all__ = ["KINDS", "Recorder", "conversation_of"]

KINDS = ("started", "language", "reached", "handoff", "ended")
"""The kinds of event, in the order a step records them."""

_EVENTS = cast(Table, EventRow.__table__)  # type: ignore[attr-defined]

# Domain separation from the pseudonym itself, should the same input ever be hashed elsewhere.
_CONVERSATION = b"haven/conversation:"


def conversation_of(subject: str, started_at: str) -> str:
    """The conversation's hash: 64 hexadecimal digits from the pseudonym and the start time."""
    message = _CONVERSATION + subject.encode("ascii") + b"\x00" + started_at.encode("utf-8")
    return hashlib.sha256(message).hexdigest()


class Recorder:
    """Turns engine steps into analytics events and writes them.

    Args:
        pseudonyms: The keyed hash of chat ids (``HAVEN_PSEUDONYM_KEY``'s).
    """

    def __init__(self, pseudonyms: Pseudonyms) -> None:
        """Keep the pseudonyms."""
        self.pseudonyms = pseudonyms

    def rows(
        self, chat_id: int, before: ConversationState | None, step: Step, at: datetime
    ) -> list[dict[str, Any]]:
        """The events of ``step``, as rows of the ``events`` table (without ids).

        Args:
            chat_id: The person's private chat (only its pseudonym is kept).
            before: The state the step started from; None for a chat's first step.
            step: What the engine returned.
            at: When the step was taken.
        """
        state = step.state
        subject = self.pseudonyms.of(chat_id)
        common = {
            "at": at,
            "subject": subject,
            "conversation": conversation_of(subject, state.started_at),
            "language": state.language,
            "topic": None,
        }
        rows: list[dict[str, Any]] = []

        def add(kind: str, flow: str, node: str, topic: str | None = None) -> None:
            rows.append({**common, "kind": kind, "flow": flow, "node": node, "topic": topic})

        if before is None or before.started_at != state.started_at:
            # The root's start node: the first a new conversation enters.
            add("started", state.root, step.visited[0][1] if step.visited else state.node)
        elif before.language != state.language:
            add("language", state.flow, state.node)
        for flow, node in step.visited:
            add("reached", flow, node)
        for event in step.events:
            if isinstance(event, TicketOpened):
                add("handoff", event.flow, event.node, event.topic)
        if any(isinstance(event, SessionEnded) for event in step.events):
            add("ended", state.flow, state.node)
        return rows

    async def record(
        self,
        session: StorageSession,
        chat_id: int,
        before: ConversationState | None,
        step: Step,
        at: datetime,
    ) -> int:
        """Write the events of ``step`` in ``session``'s transaction, in one INSERT.

        Returns:
            How many events were written (0: the step changed nothing worth counting, e.g. a
            question shown again).
        """
        rows = self.rows(chat_id, before, step, at)
        if rows:
            await _connection_of(session).execute(insert(_EVENTS).values(rows))
        return len(rows)
