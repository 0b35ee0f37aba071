"""Console sessions on SQLite and PostgreSQL: expiry, the operators table on every check, logout."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from bot.console.sessions import IDLE_TIMEOUT, MAX_AGE
from bot.console.store import ConsoleStore
from bot.console.tables import ConsoleSessionRow
from bot.storage import Storage
from tests.integration.console.conftest import OPERATOR, OTHER_OPERATOR
from tests.integration.storage.conftest import FakeClock


async def test_a_session_names_its_operator_as_the_table_has_them(console: ConsoleStore) -> None:
    async with console.transaction() as tx:
        token = await tx.sessions.open(OPERATOR)
        signed_in = await tx.sessions.check(token)
        assert signed_in is not None
        assert (signed_in.operator.alias, signed_in.operator.role) == ("Anna", "operator")
        # The role is read from the operators table on every check.
        await tx.handoff.operators.add(OPERATOR, alias="Anna K.", languages=["ru"], role="admin")
        signed_in = await tx.sessions.check(token)
        assert signed_in is not None
        assert (signed_in.operator.alias, signed_in.operator.role) == ("Anna K.", "admin")
        assert await tx.sessions.check("not-a-session") is None


async def test_only_the_hash_of_a_session_is_stored(
    console: ConsoleStore, storage: Storage
) -> None:
    async with console.transaction() as tx:
        token = await tx.sessions.open(OPERATOR)
    async with storage.engine.connect() as connection:
        table = ConsoleSessionRow.__table__  # type: ignore[attr-defined]
        hashes = (await connection.execute(select(table.c.token_hash))).scalars().all()
    assert hashes == [hashlib.sha256(token.encode()).hexdigest()]


async def test_a_removed_operator_loses_every_session_at_once(console: ConsoleStore) -> None:
    async with console.transaction() as tx:
        first, second = await tx.sessions.open(OPERATOR), await tx.sessions.open(OPERATOR)
        other = await tx.sessions.open(OTHER_OPERATOR)
    async with console.transaction() as tx:
        assert await tx.handoff.operators.remove(OPERATOR)
    async with console.transaction() as tx:
        assert await tx.sessions.check(first) is None
        assert await tx.sessions.count(OPERATOR) == 0  # the other one is gone as well
        assert await tx.sessions.check(second) is None
        assert await tx.sessions.check(other) is not None
    # Added again, they still need a new link: the old sessions do not come back.
    async with console.transaction() as tx:
        await tx.handoff.operators.add(OPERATOR, alias="Anna", languages=["ru"])
        assert await tx.sessions.check(second) is None


async def test_an_idle_session_ends(console: ConsoleStore, clock: FakeClock) -> None:
    async with console.transaction() as tx:
        token = await tx.sessions.open(OPERATOR)
    clock.advance(seconds=IDLE_TIMEOUT.total_seconds() - 1)
    async with console.transaction() as tx:
        assert await tx.sessions.check(token) is not None  # renewed for another idle period
    clock.advance(seconds=IDLE_TIMEOUT.total_seconds() - 1)
    async with console.transaction() as tx:
        assert await tx.sessions.check(token) is not None
    clock.advance(seconds=IDLE_TIMEOUT.total_seconds())
    async with console.transaction() as tx:
        assert await tx.sessions.check(token) is None
        assert await tx.sessions.purge() == 1
        assert await tx.sessions.count(OPERATOR) == 0


async def test_a_busy_session_still_ends_at_its_maximum_age(
    console: ConsoleStore, clock: FakeClock
) -> None:
    async with console.transaction() as tx:
        token = await tx.sessions.open(OPERATOR)
    start = clock.now
    while clock.now < start + MAX_AGE - IDLE_TIMEOUT / 2:
        clock.advance(seconds=IDLE_TIMEOUT.total_seconds() / 2)
        async with console.transaction() as tx:
            signed_in = await tx.sessions.check(token)
            assert signed_in is not None
            assert signed_in.expires_at <= start + MAX_AGE
    clock.now = start + MAX_AGE
    async with console.transaction() as tx:
        assert await tx.sessions.check(token) is None


async def test_logout_deletes_the_session(console: ConsoleStore) -> None:
    async with console.transaction() as tx:
        token, kept = await tx.sessions.open(OPERATOR), await tx.sessions.open(OPERATOR)
        assert await tx.sessions.close(token)
        assert not await tx.sessions.close(token)
        assert await tx.sessions.check(token) is None
        assert await tx.sessions.check(kept) is not None
        assert await tx.sessions.count(OPERATOR) == 1
