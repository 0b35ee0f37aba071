"""/forget's data side: erase_person leaves no row that names the person, and nothing of theirs.

Each test runs on SQLite and on PostgreSQL. The person used everything first (a conversation
with a typed answer, two cases with summaries, notes, a close reason and relays both ways,
message ids, a ban); afterwards every table and column is scanned, sealed values opened, for
their chat id and their words.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.engine.state import ConversationState
from bot.handoff import HandoffStore
from bot.handoff.tables import ERASED_CHAT_ID, TicketRow
from bot.i18n import Catalogs
from bot.privacy.erasure import ERASED_AT_REQUEST, Erasure, erase_chat, erase_person
from bot.storage import Storage, StoredConversation
from tests.integration.privacy.helpers import STAFF, Person, canaries, populate, scan
from tests.integration.storage.conftest import FakeClock
from tests.keys import PSEUDONYMS

PERSON = 2**40 + 12345
OTHER = 2**40 + 54321

# The staff's messages that erasing two cases queues: each case's topic deleted, and a word in
# General (no ticket, so no topic) for each.
NOTICE = "Case #{case} was erased at the person's request."


@pytest.fixture
async def people(
    handoff: HandoffStore,
    clock: FakeClock,
    make_conversation: Callable[..., StoredConversation],
    make_state: Callable[..., ConversationState],
) -> tuple[Person, Person]:
    person = await populate(handoff, make_conversation, make_state, PERSON, "Person")
    clock.advance(minutes=5)
    other = await populate(handoff, make_conversation, make_state, OTHER, "Other")
    clock.advance(days=3)
    return person, other


async def test_forget_leaves_no_row_that_names_the_person(
    storage: Storage, handoff: HandoffStore, clock: FakeClock, people: tuple[Person, Person]
) -> None:
    person, other = people
    everywhere = await scan(storage, person.canaries, person.chat_id)
    # The scan finds what is there: the chat id where it routes, each word where it was put.
    assert {("conversations", "chat_id"), ("tickets", "chat_id"), ("chat_messages", "chat_id")} <= (
        everywhere
    )
    assert {("conversations", "state"), ("tickets", "summary"), ("ticket_notes", "text")} <= (
        everywhere
    )
    assert {("tickets", "close_reason"), ("outbox", "payload")} <= everywhere
    assert ("relayed_messages", "text") in everywhere

    erased = await erase_person(storage, handoff, PERSON, staff_chat_id=STAFF, clock=clock)

    assert erased == Erasure(
        conversations=1, tickets=2, notes=2, outbox=5, messages=3, events=2, relayed=3
    )
    assert await scan(storage, person.canaries, person.chat_id) == set()
    # Their events went by their pseudonym; the other person's are all still there.
    assert await _event_subjects(storage) == {PSEUDONYMS.of(OTHER): 2}
    # Nobody else's: the other person's words and chat are all still where they were.
    assert await scan(storage, other.canaries, other.chat_id) == everywhere


async def test_the_cases_keep_only_their_anonymous_counts(
    storage: Storage, handoff: HandoffStore, clock: FakeClock, people: tuple[Person, Person]
) -> None:
    person, _ = people
    closed, open_ = person.tickets
    async with handoff.transaction() as tx:
        closed_at = (await tx.tickets.get(closed)).closed_at
    await erase_person(storage, handoff, PERSON, staff_chat_id=STAFF, clock=clock)

    async with handoff.transaction() as tx:
        first, second = await tx.tickets.get(closed), await tx.tickets.get(open_)
        assert await tx.tickets.notes(closed) == await tx.tickets.notes(open_) == []
        assert await tx.tickets.open_for(PERSON) is None
    assert (first.topic, first.language, second.topic, second.language) == (
        "asylum",
        "ru",
        "leaving",
        "de",
    )
    for case in (first, second):
        assert (case.chat_id, case.status, case.summary, case.close_reason) == (
            ERASED_CHAT_ID,
            "closed",
            (),
            None,
        )
        assert not case.username_revealed
        assert (case.flow, case.node, case.assignee) == ("main", "ask", None)
    assert first.closed_at == closed_at  # when it really closed
    assert second.closed_at == clock.now  # it was open: closed by the erasure
    assert first.thread_id == 501  # the topic the queued deletion acts on
    assert await _erased_at(storage) == {closed: clock.now, open_: clock.now}


async def test_the_staff_are_told_and_the_topics_are_deleted(
    storage: Storage, handoff: HandoffStore, clock: FakeClock, people: tuple[Person, Person]
) -> None:
    person, other = people
    async with handoff.transaction() as tx:
        before = await tx.outbox.pending_count("staff")
    await erase_person(storage, handoff, PERSON, staff_chat_id=STAFF, clock=clock)

    async with handoff.transaction() as tx:
        assert await tx.outbox.pending_count("staff") == before - 2 + 4  # the person's 2 gone
        queued = [m for m in await tx.outbox.due("staff", limit=100) if m.created_at == clock.now]
    calls = [(m.method, m.ticket_id, m.payload) for m in queued]
    closed, open_ = person.tickets
    assert calls == [
        ("deleteForumTopic", closed, {}),
        ("sendMessage", None, _notice(NOTICE.format(case=closed))),
        ("deleteForumTopic", open_, {}),
        ("sendMessage", None, _notice(NOTICE.format(case=open_))),
    ]
    assert NOTICE == ERASED_AT_REQUEST
    # The other person's case still has its pending topic and relay, in order.
    async with handoff.transaction() as tx:
        staff = [m for m in await tx.outbox.due("staff", limit=100) if m.ticket_id in other.tickets]
    assert [m.method for m in staff] == ["copyMessage", "createForumTopic"]


async def test_the_notice_is_in_the_staff_language(
    storage: Storage,
    handoff: HandoffStore,
    clock: FakeClock,
    people: tuple[Person, Person],
    tmp_path: Path,
) -> None:
    catalog = tmp_path / "locales" / "de" / "LC_MESSAGES" / "bot.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        f'msgid "{ERASED_AT_REQUEST}"\n'
        'msgstr "Fall #{case} wurde auf Wunsch der Person gelöscht."\n',
        encoding="utf-8",
    )
    translator = Catalogs.load(tmp_path / "locales")
    await erase_person(
        storage,
        handoff,
        PERSON,
        staff_chat_id=STAFF,
        clock=clock,
        translator=translator,
        staff_language="de",
    )
    closed, _ = people[0].tickets
    async with handoff.transaction() as tx:
        texts = [m.payload.get("text") for m in await tx.outbox.due("staff", limit=100)]
    assert f"Fall #{closed} wurde auf Wunsch der Person gelöscht." in texts


async def test_a_ban_outlives_the_erasure(
    storage: Storage, handoff: HandoffStore, clock: FakeClock, people: tuple[Person, Person]
) -> None:
    await erase_person(storage, handoff, PERSON, staff_chat_id=STAFF, clock=clock)
    async with handoff.transaction() as tx:
        assert await tx.bans.is_banned(PERSON)  # /forget cannot lift a ban
        assert await tx.bans.is_banned(OTHER)


async def test_an_erased_case_can_be_neither_reopened_nor_banned(
    storage: Storage, handoff: HandoffStore, clock: FakeClock, people: tuple[Person, Person]
) -> None:
    # A topic Telegram would not delete still shows the case's buttons and takes commands.
    await erase_person(storage, handoff, PERSON, staff_chat_id=STAFF, clock=clock)
    closed, _ = people[0].tickets
    async with handoff.transaction() as tx:
        assert not await tx.tickets.reopen(closed)
        ticket = await tx.tickets.get(closed)
        assert ticket is not None and ticket.status == "closed"
        assert ticket.chat_id == ERASED_CHAT_ID
        assert not await tx.bans.ban(ticket.chat_id, 9001)  # a ban of nobody is none
        assert not await tx.bans.is_banned(ERASED_CHAT_ID)


async def test_erasing_again_or_a_stranger_erases_nothing(
    storage: Storage, handoff: HandoffStore, clock: FakeClock, people: tuple[Person, Person]
) -> None:
    await erase_person(storage, handoff, PERSON, staff_chat_id=STAFF, clock=clock)
    async with handoff.transaction() as tx:
        pending = await tx.outbox.pending_count()
    assert await erase_person(storage, handoff, PERSON, staff_chat_id=STAFF, clock=clock) == (
        Erasure()
    )
    assert await erase_person(storage, handoff, 4242, staff_chat_id=STAFF, clock=clock) == (
        Erasure()
    )
    async with handoff.transaction() as tx:
        assert await tx.outbox.pending_count() == pending  # no second notice


async def test_without_a_staff_group_nothing_is_queued(
    storage: Storage, handoff: HandoffStore, clock: FakeClock, people: tuple[Person, Person]
) -> None:
    person, _ = people
    erased = await erase_person(storage, handoff, PERSON, staff_chat_id=None, clock=clock)
    assert erased.tickets == 2
    assert await scan(storage, person.canaries, person.chat_id) == set()
    async with handoff.transaction() as tx:
        methods = [m.method for m in await tx.outbox.due("staff", limit=100)]
    assert "deleteForumTopic" not in methods
    assert set(await _outbox_tickets(storage)).isdisjoint(person.tickets)


async def test_an_erasure_is_one_transaction(
    storage: Storage, handoff: HandoffStore, clock: FakeClock, people: tuple[Person, Person]
) -> None:
    person, _ = people
    before = await scan(storage, person.canaries, person.chat_id)

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted):
        async with handoff.transaction() as tx:
            erased = await erase_chat(
                tx, PERSON, pseudonyms=handoff.pseudonyms, now=clock.now, staff_chat_id=STAFF
            )
            assert erased.tickets == 2
            raise Interrupted  # e.g. the update's claim failed after the erasure
    assert await scan(storage, person.canaries, person.chat_id) == before
    assert await _erased_at(storage) == {}


def test_erasures_add_up() -> None:
    one = Erasure(conversations=1, messages=3)
    other = Erasure(tickets=1, notes=2, outbox=4)
    assert one + other == Erasure(1, 1, 2, 4, 3)
    assert (one + other).total == 11
    assert canaries("A") != canaries("B")


def _notice(text_: str) -> dict[str, object]:
    return {"text": text_, "link_preview_options": {"is_disabled": True}}


async def _erased_at(storage: Storage) -> dict[int, object]:
    table = TicketRow.__table__  # type: ignore[attr-defined]
    async with storage.engine.connect() as connection:
        rows = await connection.execute(
            select(table.c.id, table.c.erased_at).where(table.c.erased_at.is_not(None))
        )
        return {row.id: row.erased_at for row in rows}


async def _outbox_tickets(storage: Storage) -> list[int | None]:
    async with storage.engine.connect() as connection:
        return list((await connection.execute(text("SELECT ticket_id FROM outbox"))).scalars())


async def _event_subjects(storage: Storage) -> dict[str, int]:
    async with storage.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT subject, COUNT(*) FROM events GROUP BY subject")
        )
        return {row[0]: row[1] for row in rows}
