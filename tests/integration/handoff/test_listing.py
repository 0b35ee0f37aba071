"""The console's list of tickets: narrowed by status, language, topic and assignee in the
database, overdue first, closed ones last (the last closed first), bounded; and the languages
and topics it can be narrowed by."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.handoff import HandoffStore
from bot.handoff.tickets import UNASSIGNED
from bot.privacy.erasure import erase_ticket
from tests.integration.handoff.helpers import OPERATOR, OTHER_OPERATOR, open_ticket

OVERDUE_AFTER = timedelta(minutes=30)


async def _cases(handoff: HandoffStore, clock) -> dict[str, int]:
    """Six tickets ten minutes apart, judged 65 minutes after the first was opened:

    ``old`` open 65 min (overdue), ``mine`` claimed by OPERATOR, ``done`` closed after
    OPERATOR claimed it, ``late`` open 35 min (overdue), ``theirs`` claimed by OTHER_OPERATOR
    (German, about work), ``fresh`` open 15 min (not yet overdue, French).
    """
    ids: dict[str, int] = {}
    async with handoff.transaction() as tx:
        ids["old"] = (await open_ticket(tx, 1)).id
        clock.advance(minutes=10)
        ids["mine"] = (await open_ticket(tx, 2)).id
        await tx.tickets.claim(ids["mine"], OPERATOR)
        clock.advance(minutes=10)
        ids["done"] = (await open_ticket(tx, 3)).id
        await tx.tickets.claim(ids["done"], OPERATOR)
        await tx.tickets.close(ids["done"])
        clock.advance(minutes=10)
        ids["late"] = (await open_ticket(tx, 4)).id
        clock.advance(minutes=10)
        ids["theirs"] = (await open_ticket(tx, 5, language="de", topic="work")).id
        await tx.tickets.claim(ids["theirs"], OTHER_OPERATOR)
        clock.advance(minutes=10)
        ids["fresh"] = (await open_ticket(tx, 6, language="fr")).id
    clock.advance(minutes=15)
    return ids


def _named(ids: dict[str, int], entries) -> list[tuple[str, bool]]:
    names = {number: name for name, number in ids.items()}
    return [(names[entry.ticket.id], entry.overdue) for entry in entries]


async def test_not_closed_by_default_overdue_first_then_oldest(
    handoff: HandoffStore, clock
) -> None:
    ids = await _cases(handoff, clock)
    async with handoff.transaction() as tx:
        entries, more = await tx.tickets.listing(OVERDUE_AFTER)
        queue = await tx.tickets.queue(OVERDUE_AFTER)
    assert _named(ids, entries) == [
        ("old", True),
        ("late", True),
        ("mine", False),  # claimed: never overdue, however old
        ("theirs", False),
        ("fresh", False),
    ]
    assert not more
    # The same tickets and flags as the staff group's /queue, in another order.
    assert {(e.ticket.id, e.overdue) for e in entries} == {(e.ticket.id, e.overdue) for e in queue}


async def test_narrowed_by_status_language_topic_and_assignee(handoff: HandoffStore, clock) -> None:
    ids = await _cases(handoff, clock)
    async with handoff.transaction() as tx:

        async def names(**narrowed) -> list[str]:
            entries, _ = await tx.tickets.listing(OVERDUE_AFTER, **narrowed)
            return [name for name, _ in _named(ids, entries)]

        assert await names(statuses=["open"]) == ["old", "late", "fresh"]
        assert await names(statuses=["claimed"]) == ["mine", "theirs"]
        assert await names(statuses=["closed"]) == ["done"]
        assert await names(language="de") == ["theirs"]
        assert await names(language="fr", statuses=["open", "claimed", "closed"]) == ["fresh"]
        assert await names(topic="work") == ["theirs"]
        assert await names(topic="asylum", language="ru") == ["old", "late", "mine"]
        assert await names(assignee=OPERATOR) == ["mine"]
        assert await names(assignee=OPERATOR, statuses=["claimed", "closed"]) == ["mine", "done"]
        assert await names(assignee=OTHER_OPERATOR) == ["theirs"]
        assert await names(assignee=UNASSIGNED) == ["old", "late", "fresh"]
        assert await names(assignee=UNASSIGNED, statuses=["closed"]) == []
        assert await names(language="nl") == []


async def test_closed_tickets_come_last_the_last_closed_first(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        first = await open_ticket(tx, 1)
        second = await open_ticket(tx, 2)
        waiting = await open_ticket(tx, 3)
        await tx.tickets.close(second.id)
        clock.advance(minutes=1)
        await tx.tickets.close(first.id)  # opened first, closed last
    async with handoff.transaction() as tx:
        entries, _ = await tx.tickets.listing(OVERDUE_AFTER, statuses=["open", "claimed", "closed"])
    assert [entry.ticket.id for entry in entries] == [waiting.id, first.id, second.id]


async def test_the_listing_is_bounded_and_says_more_matched(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        opened = []
        for chat in range(1, 6):
            opened.append((await open_ticket(tx, chat)).id)
            clock.advance(minutes=1)
    async with handoff.transaction() as tx:
        three, more = await tx.tickets.listing(OVERDUE_AFTER, limit=3)
        five, no_more = await tx.tickets.listing(OVERDUE_AFTER, limit=5)
        with pytest.raises(ValueError):
            await tx.tickets.listing(OVERDUE_AFTER, limit=0)
    assert [entry.ticket.id for entry in three] == opened[:3] and more
    assert [entry.ticket.id for entry in five] == opened and not no_more


async def test_overdue_is_judged_at_the_moment_given(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        older = await open_ticket(tx, 1)
        clock.advance(minutes=20)
        newer = await open_ticket(tx, 2)
    async with handoff.transaction() as tx:
        # At 29 minutes nothing is overdue yet; at exactly 30 the older ticket is.
        early, _ = await tx.tickets.listing(OVERDUE_AFTER, now=clock.now + timedelta(minutes=9))
        due, _ = await tx.tickets.listing(OVERDUE_AFTER, now=clock.now + timedelta(minutes=10))
        # Both overdue: the older first.
        both, _ = await tx.tickets.listing(OVERDUE_AFTER, now=clock.now + timedelta(hours=1))
    assert [(e.ticket.id, e.overdue) for e in early] == [(older.id, False), (newer.id, False)]
    assert [(e.ticket.id, e.overdue) for e in due] == [(older.id, True), (newer.id, False)]
    assert [(e.ticket.id, e.overdue) for e in both] == [(older.id, True), (newer.id, True)]


async def test_an_overdue_ticket_comes_before_an_older_claimed_one(
    handoff: HandoffStore, clock
) -> None:
    async with handoff.transaction() as tx:
        claimed = await open_ticket(tx, 1)
        await tx.tickets.claim(claimed.id, OPERATOR)
        clock.advance(minutes=5)
        waiting = await open_ticket(tx, 2)
        clock.advance(minutes=40)
        entries, _ = await tx.tickets.listing(OVERDUE_AFTER)
    assert [(e.ticket.id, e.overdue) for e in entries] == [
        (waiting.id, True),
        (claimed.id, False),
    ]


async def test_facets_are_the_languages_and_topics_of_all_tickets(
    handoff: HandoffStore, clock
) -> None:
    async with handoff.transaction() as tx:
        assert await tx.tickets.facets() == ([], [])
        await open_ticket(tx, 1, language="ru", topic="asylum")
        await open_ticket(tx, 2, language="de", topic="work")
        closed = await open_ticket(tx, 3, language="fr", topic="asylum")
        await tx.tickets.close(closed.id)
        await erase_ticket(tx, closed.id, now=clock.now, staff_chat_id=None)
        assert await tx.tickets.facets() == (["de", "fr", "ru"], ["asylum", "work"])


async def test_an_erased_ticket_is_listed_without_its_content(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx, 1)
        await tx.tickets.close(ticket.id, "done")
        await erase_ticket(tx, ticket.id, now=clock.now, staff_chat_id=None)
        [entry], _ = await tx.tickets.listing(OVERDUE_AFTER, statuses=["closed"])
    assert entry.ticket.id == ticket.id
    assert entry.ticket.summary == () and entry.ticket.close_reason is None
