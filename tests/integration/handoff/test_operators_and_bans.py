"""Operators (an upsert keyed by Telegram user id, checked input) and banned chats."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.handoff import HandoffStore
from bot.privacy import Pseudonyms, generate_key
from tests.integration.handoff.helpers import CHAT, OPERATOR, OTHER_CHAT, OTHER_OPERATOR
from tests.keys import PSEUDONYMS


async def test_add_get_and_update_an_operator(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        added, created = await tx.operators.add(
            OPERATOR, alias="  Анна ", languages=["RU", "de-at", "ru"]
        )
    assert created
    assert (added.user_id, added.alias, added.languages, added.role) == (
        OPERATOR,
        "Анна",
        ("ru", "de_AT"),
        "operator",
    )
    assert added.created_at == clock.now
    clock.advance(days=1)
    async with handoff.transaction() as tx:
        updated, created = await tx.operators.add(
            OPERATOR, alias="Anna", languages=["fr"], role="admin"
        )
        assert await tx.operators.get(OPERATOR) == updated
        assert await tx.operators.get(OTHER_OPERATOR) is None
    assert not created
    assert (updated.alias, updated.languages, updated.role) == ("Anna", ("fr",), "admin")
    assert updated.created_at == added.created_at  # the first addition is kept


async def test_list_by_alias_and_remove(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        assert await tx.operators.list() == []
        await tx.operators.add(3, alias="boris", languages=["ru"])
        await tx.operators.add(1, alias="Zoe", languages=["de"])
        await tx.operators.add(2, alias="Anna", languages=["fr"])
        await tx.operators.add(4, alias="anna", languages=["fr"])
        assert [o.user_id for o in await tx.operators.list()] == [2, 4, 3, 1]
        assert await tx.operators.remove(3)
        assert not await tx.operators.remove(3)
        assert [o.user_id for o in await tx.operators.list()] == [2, 4, 1]


async def test_removing_an_operator_keeps_their_tickets(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        await tx.operators.add(OPERATOR, alias="Anna", languages=["ru"])
        ticket, _ = await tx.tickets.open(
            CHAT, topic="t", language="ru", summary=(), flow="f", node="n"
        )
        await tx.tickets.claim(ticket.id, OPERATOR)
        assert await tx.operators.remove(OPERATOR)
        assert (await tx.tickets.get(ticket.id)).assignee == OPERATOR


@pytest.mark.parametrize(
    ("user_id", "alias", "languages", "role", "message"),
    [
        (0, "a", ["ru"], "operator", "user id"),
        (-1001234567890, "a", ["ru"], "operator", "user id"),
        (2**60, "a", ["ru"], "operator", "user id"),
        (1, "   ", ["ru"], "operator", "empty"),
        (1, "x" * 33, ["ru"], "operator", "longer than 32"),
        (1, "Anna\nAdmin: trust me", ["ru"], "operator", "control"),
        (1, "a", [], "operator", "no languages"),
        (1, "a", ["ru", "english"], "operator", "'english'"),
        (1, "a", ["und"], "operator", "'und'"),
        (1, "a", ["ru"], "owner", "unknown role"),
    ],
)
async def test_add_refuses_bad_input(
    handoff: HandoffStore, user_id, alias, languages, role, message
) -> None:
    async with handoff.transaction() as tx:
        with pytest.raises(ValueError, match=message):
            await tx.operators.add(user_id, alias=alias, languages=languages, role=role)
        assert await tx.operators.list() == []


async def test_ban_and_unban(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        assert not await tx.bans.is_banned(CHAT)
        assert await tx.bans.ban(CHAT, OPERATOR)
        assert not await tx.bans.ban(CHAT, OTHER_OPERATOR)  # already: no error, no change
        assert await tx.bans.is_banned(CHAT)
        assert not await tx.bans.is_banned(OTHER_CHAT)
    async with handoff.transaction() as tx:
        assert await tx.bans.unban(CHAT)
        assert not await tx.bans.unban(CHAT)
        assert not await tx.bans.is_banned(CHAT)
        with pytest.raises(ValueError, match="user id"):
            await tx.bans.ban(CHAT, 0)


async def test_a_ban_keeps_the_persons_pseudonym_not_their_chat_id(
    storage, handoff: HandoffStore, clock
) -> None:
    async with handoff.transaction() as tx:
        assert await tx.bans.ban(CHAT, OPERATOR)
    async with storage.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT * FROM bans"))).mappings().all()
    assert [dict(row) for row in rows] == [
        {"subject": PSEUDONYMS.of(CHAT), "banned_by": OPERATOR, "created_at": rows[0]["created_at"]}
    ]
    assert str(CHAT) not in rows[0]["subject"]
    # The hash is keyed: under another key the same chat is somebody else.
    elsewhere = HandoffStore(storage, pseudonyms=Pseudonyms(generate_key()), clock=clock)
    async with elsewhere.transaction() as tx:
        assert not await tx.bans.is_banned(CHAT)
    async with handoff.transaction() as tx:
        assert await tx.bans.is_banned(CHAT)
