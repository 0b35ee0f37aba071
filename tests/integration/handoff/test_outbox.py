"""The outbox: delivery order, per-ticket order under retries, backoff, giving up, counting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.handoff import DEFAULT_RETRY, HandoffStore, RetryPolicy
from tests.integration.handoff.helpers import OTHER_CHAT, open_ticket
from tests.keys import PSEUDONYMS, SEALER

POLICY = RetryPolicy(
    first_delay=timedelta(seconds=10),
    factor=3,
    max_delay=timedelta(minutes=1),
    max_attempts=4,
)


@pytest.fixture
def outbox_store(storage, clock) -> HandoffStore:
    return HandoffStore(storage, pseudonyms=PSEUDONYMS, clock=clock, retry=POLICY)


async def test_enqueue_keeps_every_field(handoff: HandoffStore, clock) -> None:
    payload = {"chat_id": -1001234567890, "text": "Кейс #1\n«цитата»", "message_thread_id": 7}
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        queued = await tx.outbox.enqueue("staff", "sendMessage", payload, ticket_id=ticket.id)
        assert await tx.outbox.get(queued.id) == queued
        assert await tx.outbox.get(queued.id + 1) is None
        raw = (
            await tx.tickets._connection.execute(
                text("SELECT payload FROM outbox WHERE id = :id"), {"id": queued.id}
            )
        ).scalar_one()
    assert queued.payload == payload
    assert "«цитата»" not in raw  # sealed
    assert "«цитата»" in SEALER.open(raw)  # readable UTF-8 inside
    assert (queued.ticket_id, queued.destination, queued.method) == (
        ticket.id,
        "staff",
        "sendMessage",
    )
    assert (queued.status, queued.attempts, queued.last_error, queued.sent_at) == (
        "pending",
        0,
        None,
        None,
    )
    assert queued.created_at == queued.next_attempt_at == clock.now


@pytest.mark.parametrize(
    ("destination", "method", "payload", "message"),
    [
        ("group", "sendMessage", {}, "destination"),
        ("user", "send message", {}, "method"),
        ("user", "SendMessage", {}, "method"),
        ("user", "", {}, "method"),
        ("user", "sendMessage", {"when": object()}, "JSON"),
        ("user", "sendMessage", {"x": float("inf")}, "JSON"),
    ],
)
async def test_enqueue_refuses_bad_values(
    handoff: HandoffStore, destination, method, payload, message
) -> None:
    async with handoff.transaction() as tx:
        with pytest.raises(ValueError, match=message):
            await tx.outbox.enqueue(destination, method, payload)


async def test_due_is_in_id_order_per_destination(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        tickets = [await open_ticket(tx, chat) for chat in range(1, 6)]
        staff = [
            (await tx.outbox.enqueue("staff", "createForumTopic", {"n": n}, ticket_id=t.id)).id
            for n, t in enumerate(tickets)
        ]
        user = (await tx.outbox.enqueue("user", "sendMessage", {"chat_id": 1})).id
        general = (await tx.outbox.enqueue("staff", "sendMessage", {"text": "queue"})).id
    async with handoff.transaction() as tx:
        assert [m.id for m in await tx.outbox.due("staff")] == [*staff, general]
        assert [m.id for m in await tx.outbox.due("staff", limit=2)] == staff[:2]
        assert [m.id for m in await tx.outbox.due("user")] == [user]
        assert await tx.outbox.pending_count() == 7
        assert await tx.outbox.pending_count("staff") == 6
        assert await tx.outbox.pending_count("user") == 1


async def test_a_tickets_messages_go_one_after_another(handoff: HandoffStore) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        first, second, third = [
            (await tx.outbox.enqueue("user", "copyMessage", {"n": n}, ticket_id=ticket.id)).id
            for n in range(3)
        ]
        to_staff = (await tx.outbox.enqueue("staff", "copyMessage", {}, ticket_id=ticket.id)).id
        unrelated = (await tx.outbox.enqueue("user", "sendMessage", {})).id
    async with handoff.transaction() as tx:
        assert [m.id for m in await tx.outbox.due("user")] == [first, unrelated]
        assert [m.id for m in await tx.outbox.due("staff")] == [to_staff]  # its own line
        assert await tx.outbox.mark_sent(first)
        assert [m.id for m in await tx.outbox.due("user")] == [second, unrelated]
        assert await tx.outbox.mark_sent(unrelated)
        assert await tx.outbox.mark_sent(second)
        assert [m.id for m in await tx.outbox.due("user")] == [third]


async def test_a_retry_holds_back_its_tickets_later_messages_only(
    outbox_store: HandoffStore, clock
) -> None:
    async with outbox_store.transaction() as tx:
        ticket = await open_ticket(tx)
        other = await open_ticket(tx, OTHER_CHAT)
        failing = (await tx.outbox.enqueue("user", "copyMessage", {}, ticket_id=ticket.id)).id
        behind = (await tx.outbox.enqueue("user", "copyMessage", {}, ticket_id=ticket.id)).id
        elsewhere = (await tx.outbox.enqueue("user", "copyMessage", {}, ticket_id=other.id)).id
        assert await tx.outbox.mark_failed(failing, "http:502") == "pending"
        # The first waits out its backoff; the one behind it must not overtake it.
        assert [m.id for m in await tx.outbox.due("user")] == [elsewhere]
    clock.advance(seconds=10)
    async with outbox_store.transaction() as tx:
        assert [m.id for m in await tx.outbox.due("user")] == [failing, elsewhere]
        assert await tx.outbox.mark_sent(failing)
        assert [m.id for m in await tx.outbox.due("user")] == [behind, elsewhere]


async def test_backoff_then_giving_up(outbox_store: HandoffStore, clock) -> None:
    start = clock.now
    async with outbox_store.transaction() as tx:
        message = (await tx.outbox.enqueue("staff", "sendMessage", {})).id
    waits = []
    for attempt in range(1, 5):
        async with outbox_store.transaction() as tx:
            [due] = await tx.outbox.due("staff")
            assert due.id == message
            status = await tx.outbox.mark_failed(message, "timeout")
            failed = await tx.outbox.get(message)
            assert failed.attempts == attempt
            assert failed.last_error == "timeout"
            if status == "pending":
                waits.append(failed.next_attempt_at - clock.now)
                # Not due a moment before its time, due at it.
                assert (
                    await tx.outbox.due(
                        "staff", now=failed.next_attempt_at - timedelta(milliseconds=1)
                    )
                    == []
                )
                clock.now = failed.next_attempt_at
    assert status == "failed"
    assert waits == [timedelta(seconds=10), timedelta(seconds=30), timedelta(minutes=1)]
    async with outbox_store.transaction() as tx:
        assert await tx.outbox.due("staff", now=start + timedelta(days=1)) == []
        assert await tx.outbox.pending_count() == 0
        assert await tx.outbox.mark_failed(message, "timeout") is None  # no longer pending
        assert not await tx.outbox.mark_sent(message)
        assert (await tx.outbox.get(message)).status == "failed"


async def test_a_flood_wait_is_not_an_attempt(outbox_store: HandoffStore, clock) -> None:
    async with outbox_store.transaction() as tx:
        message = (await tx.outbox.enqueue("staff", "sendMessage", {})).id
        for _ in range(10):  # more than max_attempts: rate limits never drop a message
            assert (
                await tx.outbox.mark_failed(
                    message, "retry_after", retry_after=timedelta(seconds=42)
                )
                == "pending"
            )
        waiting = await tx.outbox.get(message)
    assert waiting.attempts == 0
    assert waiting.next_attempt_at == clock.now + timedelta(seconds=42)
    assert waiting.last_error == "retry_after"


async def test_final_failure_gives_up_at_once(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        ticket = await open_ticket(tx)
        message = (await tx.outbox.enqueue("user", "copyMessage", {}, ticket_id=ticket.id)).id
        after = (await tx.outbox.enqueue("user", "copyMessage", {}, ticket_id=ticket.id)).id
        assert await tx.outbox.mark_failed(message, "forbidden", final=True) == "failed"
        failed = await tx.outbox.get(message)
        # A message given up on no longer holds back the ticket's next one.
        assert [m.id for m in await tx.outbox.due("user")] == [after]
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 1, "forbidden")


@pytest.mark.parametrize("error", ["", "Forbidden: bot was blocked by the user", "x" * 65, "a\nb"])
async def test_errors_are_short_codes_never_text(handoff: HandoffStore, error) -> None:
    async with handoff.transaction() as tx:
        message = (await tx.outbox.enqueue("user", "sendMessage", {})).id
        with pytest.raises(ValueError, match="short code"):
            await tx.outbox.mark_failed(message, error)


async def test_mark_sent(handoff: HandoffStore, clock) -> None:
    async with handoff.transaction() as tx:
        message = (await tx.outbox.enqueue("user", "sendMessage", {})).id
        clock.advance(seconds=1)
        assert await tx.outbox.mark_sent(message)
        assert not await tx.outbox.mark_sent(message)
        assert not await tx.outbox.mark_sent(message + 1)
        sent = await tx.outbox.get(message)
        assert await tx.outbox.due("user") == []
    assert (sent.status, sent.sent_at) == ("sent", clock.now)


async def test_enqueue_is_undone_with_its_transaction(handoff: HandoffStore) -> None:
    with pytest.raises(RuntimeError):
        async with handoff.transaction() as tx:
            await tx.outbox.enqueue("user", "sendMessage", {})
            raise RuntimeError
    async with handoff.transaction() as tx:
        assert await tx.outbox.pending_count() == 0


def test_retry_policy() -> None:
    assert [DEFAULT_RETRY.delay(n).total_seconds() for n in (1, 2, 3, 9, 10, 1000)] == [
        5,
        10,
        20,
        900,
        900,
        900,
    ]
    with pytest.raises(ValueError):
        RetryPolicy(first_delay=timedelta(0))
    with pytest.raises(ValueError):
        RetryPolicy(factor=0.5)
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
