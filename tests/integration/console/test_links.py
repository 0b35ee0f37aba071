"""One-time login links on SQLite and PostgreSQL: signed, single use, ten minutes, hashed."""

from __future__ import annotations

import asyncio
import hashlib

from sqlalchemy import select, text

from bot.console.links import LINK_LIFETIME
from bot.console.signing import ConsoleSigner, token_hash
from bot.console.store import ConsoleStore
from bot.console.tables import ConsoleLinkRow
from bot.storage import Storage
from tests.integration.console.conftest import OPERATOR, SIGNING_KEY
from tests.integration.storage.conftest import FakeClock


def _forged(token: str) -> str:
    """``token`` with one character of its signature changed."""
    last = token[-2]
    return token[:-2] + ("A" if last != "A" else "B") + token[-1]


async def test_a_link_signs_in_its_operator_once(console: ConsoleStore) -> None:
    async with console.transaction() as tx:
        token = await tx.links.create(OPERATOR)
    async with console.transaction() as tx:
        assert await tx.links.operator_of(token) == OPERATOR  # looking does not use it up
        assert await tx.links.operator_of(token) == OPERATOR
        assert await tx.links.redeem(token) == OPERATOR
    async with console.transaction() as tx:
        assert await tx.links.redeem(token) is None
        assert await tx.links.operator_of(token) is None
        assert await tx.links.owner_of_spent(token) == OPERATOR


async def test_only_the_hash_of_a_token_is_stored(console: ConsoleStore, storage: Storage) -> None:
    async with console.transaction() as tx:
        token = await tx.links.create(OPERATOR)
    async with storage.engine.connect() as connection:
        rows = (await connection.execute(select(ConsoleLinkRow.__table__))).mappings().all()  # type: ignore[attr-defined]
    assert [row["token_hash"] for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in repr([dict(row) for row in rows])


async def test_a_link_expires_after_ten_minutes(console: ConsoleStore, clock: FakeClock) -> None:
    async with console.transaction() as tx:
        token = await tx.links.create(OPERATOR)
        assert await tx.links.expires_at(token) == clock.now + LINK_LIFETIME
    clock.advance(minutes=9, seconds=59)
    async with console.transaction() as tx:
        assert await tx.links.operator_of(token) == OPERATOR
    clock.advance(seconds=1)
    async with console.transaction() as tx:
        assert await tx.links.operator_of(token) is None
        assert await tx.links.redeem(token) is None


async def test_an_expired_link_is_refused_and_purged(
    console: ConsoleStore, clock: FakeClock
) -> None:
    async with console.transaction() as tx:
        expired, kept = await tx.links.create(OPERATOR), await tx.links.create(OPERATOR)
        assert await tx.links.expire(expired)
        assert not await tx.links.expire(expired)  # already over
        assert await tx.links.redeem(expired) is None
        assert await tx.links.purge() == 1
        assert await tx.links.expires_at(expired) is None
        assert await tx.links.redeem(kept) == OPERATOR
        assert await tx.links.purge() == 0  # used, but kept until it expires: reuse is seen
        assert await tx.links.owner_of_spent(kept) == OPERATOR
        assert await tx.links.purge(before=clock.now + LINK_LIFETIME) == 1


async def test_a_forged_link_is_refused_before_any_query(
    console: ConsoleStore, storage: Storage
) -> None:
    async with console.transaction() as tx:
        token = await tx.links.create(OPERATOR)
    forged = _forged(token)
    # Its hash is in the table, so only the signature check can refuse it.
    async with storage.engine.begin() as connection:
        await connection.execute(
            text("UPDATE console_links SET token_hash = :forged"),
            {"forged": token_hash(forged)},
        )
    async with console.transaction() as tx:
        assert await tx.links.operator_of(forged) is None
        assert await tx.links.redeem(forged) is None
        assert await tx.links.owner_of_spent(forged) is None


async def test_a_link_of_another_key_is_refused(console: ConsoleStore) -> None:
    stranger = ConsoleSigner(bytes(reversed(range(32)))).new_link_token()
    assert not ConsoleSigner(SIGNING_KEY).is_link_token(stranger)
    async with console.transaction() as tx:
        assert await tx.links.redeem(stranger) is None
    for garbage in ("", ".", "abc", "a.b", "é" * 10, "x" * 500, _forged("A" * 43 + "." + "B" * 43)):
        assert not ConsoleSigner(SIGNING_KEY).is_link_token(garbage)


async def test_of_two_racing_redemptions_exactly_one_wins(console: ConsoleStore) -> None:
    async with console.transaction() as tx:
        token = await tx.links.create(OPERATOR)

    async def redeem() -> int | None:
        async with console.transaction() as tx:
            return await tx.links.redeem(token)

    outcomes = await asyncio.gather(*(redeem() for _ in range(5)))
    assert sorted(outcomes, key=lambda o: o is None) == [OPERATOR, None, None, None, None]


async def test_form_tokens_belong_to_their_session(signer: ConsoleSigner) -> None:
    first, second = "session-one", "session-two"
    assert signer.is_form_token(first, signer.form_token(first))
    assert not signer.is_form_token(second, signer.form_token(first))
    assert not signer.is_form_token(first, None)
    assert not signer.is_form_token(first, "")
    assert not signer.is_form_token(first, signer.form_token(first)[:-1] + "x")
    assert "key" not in repr(signer).replace("<key>", "")
