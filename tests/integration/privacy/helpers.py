"""What the privacy tests share: a person with something in every table, and a database scan."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.analytics.recorder import Recorder
from bot.engine import Step
from bot.engine.state import ConversationState
from bot.handoff import HandoffStore
from bot.storage import Storage, StoredConversation
from bot.storage.tables import metadata
from tests.keys import PSEUDONYMS, SEALER

STAFF = -1009000000077
OPERATOR = 2**33 + 1
_CASE: dict[str, Any] = {"topic": "asylum", "language": "ru", "flow": "main", "node": "ask"}
_LATER_CASE: dict[str, Any] = {**_CASE, "topic": "leaving", "language": "de"}


@dataclass(frozen=True)
class Person:
    """A person who used everything: a conversation, analytics events, two cases, relays, notes,
    a ban.

    ``canaries`` are the distinctive words they (and the advocates about them) wrote, one per
    place that keeps words; ``tickets`` are their case numbers, the closed one first.
    """

    chat_id: int
    canaries: tuple[str, ...]
    tickets: tuple[int, int]


def canaries(tag: str) -> tuple[str, ...]:
    """Words that appear nowhere else: letters only, so JSON never escapes them."""
    places = ("Answer", "Summary", "Note", "Reason", "RelayIn", "RelayOut", "Later")
    return tuple(f"canary{tag}{place}Qzx" for place in places)


async def populate(
    handoff: HandoffStore,
    make_conversation: Callable[..., StoredConversation],
    make_state: Callable[..., ConversationState],
    chat_id: int,
    tag: str,
) -> Person:
    """Give the person of ``chat_id`` a row in every table that can hold them, now."""
    answer, summary, note, reason, relay_in, relay_out, later = canaries(tag)
    async with handoff.transaction() as tx:
        state = make_state(variables={"story": answer, "age": 27})
        conversation = make_conversation(chat_id, state=state)
        await tx.storage.save(conversation)
        # Two events (started, reached), recorded as the bot records a step.
        step = Step(state, (), (("main", "ask"),))
        at = conversation.updated_at
        assert await Recorder(PSEUDONYMS).record(tx.storage, chat_id, None, step, at) == 2
        await tx.storage.messages.record(chat_id, [11, 12, 13], conversation.updated_at)
        assert await tx.storage.claim_update(chat_id % 100_000)  # holds no chat id itself

        first, _ = await tx.tickets.open(chat_id, summary=[("story", summary)], **_CASE)
        await tx.tickets.set_thread(first.id, 501, STAFF)
        await tx.tickets.add_note(first.id, OPERATOR, f"worried {note}")
        await tx.outbox.enqueue(
            "staff",
            "copyMessage",
            {"from_chat_id": chat_id, "message_id": 12, "caption": relay_in},
            ticket_id=first.id,
        )
        sent = await tx.outbox.enqueue(
            "user", "sendMessage", {"chat_id": chat_id, "text": relay_out}, ticket_id=first.id
        )
        await tx.outbox.mark_sent(sent.id)
        # What the console's case page shows of the same relays.
        await tx.relayed.record(first.id, "person", "photo", relay_in)
        await tx.relayed.record(first.id, "advocate", "text", relay_out, operator_id=OPERATOR)
        await tx.tickets.close(first.id, f"done {reason}")
        await tx.outbox.enqueue(
            "user", "resumeDialogue", {"chat_id": chat_id, "flow": None}, ticket_id=first.id
        )
        await tx.audit.record(OPERATOR, "close", first.id, "reason-given")

        second, _ = await tx.tickets.open(chat_id, summary=[("plan", later)], **_LATER_CASE)
        await tx.tickets.reveal_username(second.id)
        await tx.tickets.add_note(second.id, OPERATOR, f"again {note}")
        await tx.outbox.enqueue(
            "staff", "createForumTopic", {"name": f"#{second.id}"}, ticket_id=second.id
        )
        await tx.outbox.enqueue(
            "user", "sendMessage", {"chat_id": chat_id, "text": relay_out}, ticket_id=second.id
        )
        await tx.relayed.record(second.id, "person", "text", relay_in)
        await tx.bans.ban(chat_id, OPERATOR)
    return Person(chat_id, canaries(tag), (first.id, second.id))


async def scan(storage: Storage, words: Iterable[str], chat_id: int) -> set[tuple[str, str]]:
    """Every ``(table, column)`` that holds one of ``words`` or the chat id, in any row.

    Every table and column of the metadata is read (so a table added later is covered too);
    a sealed value is opened first, so what is found is what the key would reveal. The chat id
    counts as a number in an integer column and as text anywhere else (JSON payloads).
    """
    needles = [*words, str(chat_id)]
    found: set[tuple[str, str]] = set()
    async with storage.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in await connection.execute(select(table)):
                for column, value in zip(table.columns, row, strict=True):
                    if isinstance(value, int) and not isinstance(value, bool):
                        hit = value == chat_id
                    elif isinstance(value, str):
                        text = SEALER.open(value)
                        hit = any(needle in text for needle in needles)
                    else:
                        hit = False
                    if hit:
                        found.add((table.name, column.name))
    return found
