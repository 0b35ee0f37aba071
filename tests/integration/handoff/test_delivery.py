"""Outbox delivery against the sandbox over HTTP, on SQLite and on PostgreSQL.

A real PTB Bot talks to :class:`bot.sandbox.Sandbox` on loopback; the outbox lives in a real
database. Every request the sandbox receives is timed on the server side (see
:class:`Stopwatch`), which is what the pacing assertions are about.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import telegram
from sqlalchemy import update
from telegram.warnings import PTBUserWarning

from bot.handoff import (
    Destination,
    HandoffSession,
    HandoffStore,
    OutboxMessage,
    RetryPolicy,
    Ticket,
)
from bot.handoff.tables import TicketRow
from bot.sandbox import Sandbox, SandboxSupergroup, SandboxUser
from bot.sandbox.server import serve_app
from bot.storage import Storage
from bot.tg.desk import topic_name
from bot.tg.outbox_delivery import DeliveryHooks, OutboxDelivery
from tests.integration.handoff.helpers import open_ticket
from tests.keys import PSEUDONYMS, SEALER

TOKEN = "123456:SANDBOX"
STAFF = -100123
NEW_STAFF = -100456  # the staff group a deployment moves to
PERSON = 1001
OTHER_PERSON = 1002
SECRET = "Секретный текст пользователя"  # must never reach a log line

# Retries after milliseconds, so a retried message arrives while the test waits.
QUICK = RetryPolicy(
    first_delay=timedelta(milliseconds=20),
    factor=1.5,
    max_delay=timedelta(milliseconds=100),
    max_attempts=5,
)

LOGGER = "bot.tg.outbox_delivery"


class Stopwatch:
    """ASGI middleware in front of the sandbox: when each Bot API request arrived, by method."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.received: list[tuple[float, str]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.received.append((time.monotonic(), scope["path"].rsplit("/", 1)[-1]))
        await self.app(scope, receive, send)

    def times(self, method: str) -> list[float]:
        return [at for at, name in self.received if name == method]


class Hooks:
    """The handoff side of delivery, as the real one behaves: records what it was asked."""

    internal_methods = frozenset({"startFollowUp"})

    def __init__(self) -> None:
        self.internal_calls: list[int] = []
        self.blocked_calls: list[int] = []
        self.given_up: list[int] = []
        self.internal_failures = 0
        self.blocked_failures = 0

    async def internal(self, message: OutboxMessage) -> None:
        if self.internal_failures:
            self.internal_failures -= 1
            raise RuntimeError(SECRET)
        self.internal_calls.append(message.id)

    async def user_blocked(self, tx: HandoffSession, message: OutboxMessage) -> None:
        if self.blocked_failures:
            self.blocked_failures -= 1
            raise RuntimeError(SECRET)
        self.blocked_calls.append(message.id)
        if message.ticket_id is not None:
            await tx.tickets.set_user_blocked(message.ticket_id)
            await tx.outbox.enqueue(
                "staff", "sendMessage", {"text": "blocked"}, ticket_id=message.ticket_id
            )

    async def gave_up(self, tx: HandoffSession, message: OutboxMessage) -> None:
        self.given_up.append(message.id)


def _system_clock() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def clock() -> Callable[[], datetime]:
    """The system clock: retries and flood waits here happen in real time."""
    return _system_clock


@pytest.fixture
def store(storage: Storage, clock: Callable[[], datetime]) -> HandoffStore:
    return HandoffStore(storage, pseudonyms=PSEUDONYMS, clock=clock, retry=QUICK)


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(token=TOKEN, bot_username="haven_sandbox_bot")


@pytest.fixture
def staff(sandbox: Sandbox) -> SandboxSupergroup:
    return sandbox.supergroup(STAFF, "Staff", forum=True)


@pytest.fixture
def new_staff(sandbox: Sandbox) -> SandboxSupergroup:
    return sandbox.supergroup(NEW_STAFF, "New staff", forum=True)


@pytest.fixture
def person(sandbox: Sandbox) -> SandboxUser:
    return sandbox.user(PERSON, "Test", language_code="ru")


@pytest.fixture
def stopwatch(sandbox: Sandbox) -> Stopwatch:
    return Stopwatch(sandbox.app)


@pytest.fixture
async def bot(sandbox: Sandbox, stopwatch: Stopwatch) -> AsyncIterator[telegram.Bot]:
    # Served through the stopwatch, the way the sandbox is mounted into another app.
    async with serve_app(stopwatch, "127.0.0.1", 0) as url:
        sandbox.attach(url)
        try:
            async with telegram.Bot(TOKEN, base_url=f"{url}/bot") as ptb_bot:
                yield ptb_bot
        finally:
            await sandbox.close()


@pytest.fixture
def hooks() -> Hooks:
    return Hooks()


@pytest.fixture
def make_delivery(
    store: HandoffStore, bot: telegram.Bot, hooks: Hooks
) -> Callable[..., OutboxDelivery]:
    def make(handoff: HandoffStore | None = None, **changes: Any) -> OutboxDelivery:
        values: dict[str, Any] = {"staff_chat_id": STAFF, "hooks": hooks, "idle_interval": 0.05}
        values.update(changes)
        return OutboxDelivery(handoff or store, bot, **values)

    return make


@contextlib.asynccontextmanager
async def running(delivery: OutboxDelivery) -> AsyncIterator[asyncio.Task[None]]:
    """Run the delivery's loops for the block; they must still be running at its end."""
    task = asyncio.create_task(delivery.run())
    try:
        yield task
        assert not task.done(), "a delivery loop ended"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("not reached in time")
        await asyncio.sleep(0.02)


async def get(store: HandoffStore, message_id: int) -> OutboxMessage:
    async with store.transaction() as tx:
        message = await tx.outbox.get(message_id)
    assert message is not None
    return message


def settled(store: HandoffStore, *ids: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return all([(await get(store, i)).status != "pending" for i in ids])

    return check


async def drain(delivery: OutboxDelivery, destination: Destination) -> list[int]:
    """Pass after pass until nothing more is sent; how many each pass sent."""
    passes = []
    while sent := await delivery.deliver_due(destination):
        passes.append(sent)
    return passes


async def open_case(tx: HandoffSession, chat_id: int) -> Ticket:
    """A ticket whose topic is the first thing queued for the staff, as the desk does it."""
    ticket = await open_ticket(tx, chat_id)
    await tx.outbox.enqueue("staff", "createForumTopic", {"name": "Case"}, ticket_id=ticket.id)
    return ticket


async def queue_copy(
    tx: HandoffSession, ticket: Ticket, message_id: int, **extra: Any
) -> OutboxMessage:
    """Queue a copy of the person's message into the ticket's topic."""
    payload = {"from_chat_id": ticket.chat_id, "message_id": message_id, **extra}
    return await tx.outbox.enqueue("staff", "copyMessage", payload, ticket_id=ticket.id)


def texts(messages: list[Any]) -> list[str]:
    return [m.text for m in messages if m.from_bot and m.kind == "text"]


def test_hooks_fit_the_protocol() -> None:
    hooks: DeliveryHooks = Hooks()
    assert "startFollowUp" in hooks.internal_methods


async def test_staff_messages_go_in_id_order_into_their_topics(
    store: HandoffStore, sandbox: Sandbox, staff: SandboxSupergroup, make_delivery
) -> None:
    async with store.transaction() as tx:
        first = await open_ticket(tx, PERSON)
        second = await open_ticket(tx, OTHER_PERSON)
        ids = [
            (await tx.outbox.enqueue("staff", method, payload, ticket_id=ticket.id)).id
            for ticket, method, payload in [
                (first, "createForumTopic", {"name": "Case 1"}),
                (first, "sendMessage", {"text": "1: summary"}),
                (second, "createForumTopic", {"name": "Case 2"}),
                (first, "sendMessage", {"text": "1: hello"}),
                (second, "sendMessage", {"text": "2: summary"}),
            ]
        ]
    delivery = make_delivery()

    # One message per ticket at a time: both topics first, then what goes into them.
    assert await drain(delivery, "staff") == [2, 2, 1]

    calls = [(name, params["chat_id"]) for name, params in sandbox.calls if name != "getMe"]
    assert calls == [
        ("createForumTopic", STAFF),
        ("createForumTopic", STAFF),
        ("sendMessage", STAFF),
        ("sendMessage", STAFF),
        ("sendMessage", STAFF),
    ]
    async with store.transaction() as tx:
        first_thread = (await tx.tickets.get(first.id)).thread_id
        second_thread = (await tx.tickets.get(second.id)).thread_id
    assert staff.topics[first_thread].name == "Case 1"
    assert staff.topics[second_thread].name == "Case 2"
    assert texts(staff.thread_messages(first_thread)) == ["1: summary", "1: hello"]
    assert texts(staff.thread_messages(second_thread)) == ["2: summary"]
    for message_id in ids:
        message = await get(store, message_id)
        assert (message.status, message.attempts, message.sent_at is not None) == ("sent", 0, True)


async def test_a_users_message_is_copied_into_the_topic_and_the_reply_reaches_them(
    store: HandoffStore,
    sandbox: Sandbox,
    staff: SandboxSupergroup,
    person: SandboxUser,
    make_delivery,
) -> None:
    await person.send_text("Мне нужна помощь")
    [written] = person.messages
    async with store.transaction() as tx:
        ticket = await open_case(tx, PERSON)
        await queue_copy(tx, ticket, written.message_id)
        await tx.outbox.enqueue(
            "user",
            "sendMessage",
            {"chat_id": PERSON, "text": "Advocate: hello"},
            ticket_id=ticket.id,
        )
    delivery = make_delivery()

    assert await drain(delivery, "staff") == [1, 1]
    assert await drain(delivery, "user") == [1]

    async with store.transaction() as tx:
        thread = (await tx.tickets.get(ticket.id)).thread_id
    [copy] = sandbox.calls_of("copyMessage")
    assert (copy["chat_id"], copy["message_thread_id"]) == (STAFF, thread)
    assert texts(staff.thread_messages(thread)) == ["Мне нужна помощь"]
    assert texts(person.bot_messages) == ["Advocate: hello"]


async def test_a_bad_gateway_is_retried_and_the_copy_arrives_once(
    store: HandoffStore,
    sandbox: Sandbox,
    staff: SandboxSupergroup,
    person: SandboxUser,
    make_delivery,
) -> None:
    await person.send_text("Один раз")
    [written] = person.messages
    async with store.transaction() as tx:
        ticket = await open_case(tx, PERSON)
        copy = await queue_copy(tx, ticket, written.message_id)
    sandbox.fail_next("copyMessage", 502, "Bad Gateway")

    async with running(make_delivery()):
        await eventually(settled(store, copy.id))

    delivered = await get(store, copy.id)
    assert (delivered.status, delivered.attempts, delivered.last_error) == ("sent", 1, "network")
    assert len(sandbox.calls_of("copyMessage")) == 2
    [thread] = staff.topics
    assert texts(staff.thread_messages(thread)) == ["Один раз"]


PTB_RETRY_AFTER_INT = pytest.mark.filterwarnings(
    # PTB's RetryAfter reads its own deprecated int attribute when it is created.
    "ignore::telegram.warnings.PTBDeprecationWarning"
)


@PTB_RETRY_AFTER_INT
async def test_flood_control_pauses_the_staff_and_costs_no_attempt(
    store: HandoffStore,
    sandbox: Sandbox,
    staff: SandboxSupergroup,
    stopwatch: Stopwatch,
    make_delivery,
) -> None:
    async with store.transaction() as tx:
        one = await tx.outbox.enqueue("staff", "sendMessage", {"text": "one"})
        two = await tx.outbox.enqueue("staff", "sendMessage", {"text": "two"})
    sandbox.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    delivery = make_delivery()

    async with running(delivery):
        await eventually(settled(store, one.id, two.id))

    flooded, *after = stopwatch.times("sendMessage")[:3]
    # Neither the flooded message nor the one behind it went before the wait was over.
    assert all(at - flooded >= 1.0 for at in after)
    first = await get(store, one.id)
    assert (first.status, first.attempts, first.last_error) == ("sent", 0, "retry_after")
    assert texts(staff.bot_messages) == ["one", "two"]


@PTB_RETRY_AFTER_INT
async def test_the_user_destination_is_not_paused_by_the_staff(
    store: HandoffStore, sandbox: Sandbox, staff, person: SandboxUser, stopwatch, make_delivery
) -> None:
    async with store.transaction() as tx:
        flooded = await tx.outbox.enqueue("staff", "sendMessage", {"text": "one"})
    sandbox.fail_next("sendMessage", 429, "Too Many Requests: retry after 2", retry_after=2)
    delivery = make_delivery()
    assert await delivery.deliver_due("staff") == 0
    started = time.monotonic()
    async with store.transaction() as tx:
        reply = await tx.outbox.enqueue("user", "sendMessage", {"chat_id": PERSON, "text": "hi"})
    assert await delivery.deliver_due("user") == 1
    assert time.monotonic() - started < 1.0
    assert (await get(store, flooded.id)).status == "pending"
    assert (await get(store, reply.id)).status == "sent"


@pytest.mark.parametrize("how", ["block", "403"])
async def test_a_user_who_blocked_the_bot(
    store: HandoffStore,
    sandbox: Sandbox,
    person: SandboxUser,
    hooks: Hooks,
    make_delivery,
    caplog: pytest.LogCaptureFixture,
    how: str,
) -> None:
    if how == "block":
        sandbox.block(PERSON)
    else:
        sandbox.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    async with store.transaction() as tx:
        ticket = await open_ticket(tx, PERSON)
        reply = await tx.outbox.enqueue(
            "user", "sendMessage", {"chat_id": PERSON, "text": SECRET}, ticket_id=ticket.id
        )
    delivery = make_delivery()

    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert await delivery.deliver_due("user") == 0
        assert await delivery.deliver_due("user") == 0  # given up: not tried again

    refused = await get(store, reply.id)
    assert (refused.status, refused.attempts, refused.last_error) == ("failed", 1, "forbidden")
    assert hooks.blocked_calls == [reply.id]
    assert len(sandbox.calls_of("sendMessage")) == 1
    async with store.transaction() as tx:
        # What the hook did happened in the transaction that gave the message up.
        assert (await tx.tickets.get(ticket.id)).user_blocked
        [notice] = await tx.outbox.due("staff")
        assert (notice.ticket_id, notice.payload) == (ticket.id, {"text": "blocked"})
    [record] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert str(reply.id) in record.getMessage() and "sendMessage" in record.getMessage()
    assert SECRET not in caplog.text and str(PERSON) not in caplog.text


async def test_a_loop_survives_a_failing_hook_and_logs_only_its_type(
    store: HandoffStore,
    sandbox: Sandbox,
    person: SandboxUser,
    hooks: Hooks,
    make_delivery,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sandbox.block(PERSON)
    hooks.blocked_failures = 1
    async with store.transaction() as tx:
        ticket = await open_ticket(tx, PERSON)
        reply = await tx.outbox.enqueue(
            "user", "sendMessage", {"chat_id": PERSON, "text": "x"}, ticket_id=ticket.id
        )

    with caplog.at_level(logging.INFO, logger=LOGGER):
        async with running(make_delivery()):
            await eventually(settled(store, reply.id))

    # The failing hook rolled its transaction back, so the message was tried again.
    assert len(sandbox.calls_of("sendMessage")) == 2
    assert hooks.blocked_calls == [reply.id]
    assert (await get(store, reply.id)).status == "failed"
    assert "RuntimeError" in caplog.text
    assert SECRET not in caplog.text
    assert all(record.exc_info is None for record in caplog.records)


async def test_a_copy_of_a_deleted_message_is_given_up_and_the_ticket_goes_on(
    store: HandoffStore,
    sandbox: Sandbox,
    staff: SandboxSupergroup,
    hooks: Hooks,
    make_delivery,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with store.transaction() as tx:
        ticket = await open_case(tx, PERSON)
        gone = await queue_copy(tx, ticket, 4242, caption=SECRET)
        after = await tx.outbox.enqueue(
            "staff", "sendMessage", {"text": "next"}, ticket_id=ticket.id
        )
    delivery = make_delivery()

    with caplog.at_level(logging.INFO, logger=LOGGER):
        # The topic; the copy, given up; then the ticket's next message.
        assert [await delivery.deliver_due("staff") for _ in range(4)] == [1, 0, 1, 0]

    failed = await get(store, gone.id)
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 1, "bad_request")
    assert hooks.given_up == [gone.id]  # so the desk can tell someone
    assert (await get(store, after.id)).status == "sent"
    assert len(sandbox.calls_of("copyMessage")) == 1
    [thread] = staff.topics
    assert texts(staff.thread_messages(thread)) == ["next"]
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert f"{gone.id} (copyMessage)" in warning.getMessage()
    assert "BadRequest" in warning.getMessage()
    assert SECRET not in caplog.text


async def test_internal_methods_go_to_the_hook_and_are_retried(
    store: HandoffStore,
    person: SandboxUser,
    stopwatch: Stopwatch,
    hooks: Hooks,
    make_delivery,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hooks.internal_failures = 1
    async with store.transaction() as tx:
        ticket = await open_ticket(tx, PERSON)
        follow_up = await tx.outbox.enqueue(
            "user", "startFollowUp", {"chat_id": PERSON, "flow": "follow_up"}, ticket_id=ticket.id
        )
        behind = await tx.outbox.enqueue(
            "user", "sendMessage", {"chat_id": PERSON, "text": "after"}, ticket_id=ticket.id
        )
    delivery = make_delivery()

    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert await delivery.deliver_due("user") == 0
    waiting = await get(store, follow_up.id)
    assert (waiting.status, waiting.attempts, waiting.last_error) == ("pending", 1, "internal")
    assert SECRET not in caplog.text

    await asyncio.sleep(0.05)  # QUICK's backoff
    assert await drain(delivery, "user") == [1, 1]
    assert hooks.internal_calls == [follow_up.id]
    assert (await get(store, follow_up.id)).status == "sent"
    assert (await get(store, behind.id)).status == "sent"
    # The internal method never reached the Bot API.
    assert [name for _, name in stopwatch.received if name != "getMe"] == ["sendMessage"]


async def test_staff_calls_keep_to_a_sliding_window(
    store: HandoffStore, staff: SandboxSupergroup, stopwatch: Stopwatch, make_delivery
) -> None:
    async with store.transaction() as tx:
        for n in range(15):
            await tx.outbox.enqueue("staff", "sendMessage", {"text": f"#{n}"})
    delivery = make_delivery(staff_limit=(5, 0.5))

    started = time.monotonic()
    assert await delivery.deliver_due("staff") == 15
    elapsed = time.monotonic() - started

    assert elapsed >= 1.0  # three windows' worth: 5 at once, 5 after 0.5 s, 5 after 1 s
    assert elapsed < 3.0  # waits, but not much longer than it must
    arrivals = stopwatch.times("sendMessage")
    assert len(arrivals) == 15
    # As the sandbox saw them: no 0.5 s anywhere holds more than 5 calls.
    assert all(later - first >= 0.5 for first, later in zip(arrivals, arrivals[5:], strict=False))
    assert texts(staff.bot_messages) == [f"#{n}" for n in range(15)]


async def test_after_a_restart_a_new_delivery_sends_what_was_pending(
    database_url: str,
    store: HandoffStore,
    staff: SandboxSupergroup,
    person: SandboxUser,
    make_delivery,
    clock: Callable[[], datetime],
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with store.transaction() as tx:
        ticket = await open_case(tx, PERSON)
        await tx.outbox.enqueue("staff", "sendMessage", {"text": "summary"}, ticket_id=ticket.id)
        await tx.outbox.enqueue("user", "sendMessage", {"chat_id": PERSON, "text": "one"})
        await tx.outbox.enqueue("user", "startFollowUp", {"chat_id": PERSON})

    # Before: no staff chat configured. Users are served; staff messages wait.
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        before = make_delivery(staff_chat_id=None)
        assert await before.deliver_due("user") == 2
        assert await before.deliver_due("staff") == 0
        assert await before.deliver_due("staff") == 0
    assert len([r for r in caplog.records if "no staff chat" in r.getMessage()]) == 1

    # "Restart": a new storage, store and delivery on the same database.
    reopened = await Storage.open(database_url, sealer=SEALER, clock=clock)
    try:
        handoff = HandoffStore(reopened, pseudonyms=PSEUDONYMS, clock=clock, retry=QUICK)
        async with running(make_delivery(handoff)):

            async def all_sent() -> bool:
                async with handoff.transaction() as tx:
                    return await tx.outbox.pending_count() == 0

            await eventually(all_sent)
    finally:
        await reopened.close()

    [thread] = staff.topics
    assert texts(staff.thread_messages(thread)) == ["summary"]
    assert texts(person.bot_messages) == ["one"]


async def test_wake_makes_an_idle_loop_deliver_at_once(
    store: HandoffStore, person: SandboxUser, make_delivery
) -> None:
    delivery = make_delivery(idle_interval=30.0)
    async with running(delivery):
        await asyncio.sleep(0.2)  # both loops have looked once and are idle now
        async with store.transaction() as tx:
            reply = await tx.outbox.enqueue(
                "user", "sendMessage", {"chat_id": PERSON, "text": "hi"}
            )
        started = time.monotonic()
        delivery.wake()
        await eventually(settled(store, reply.id), timeout=5.0)
        assert time.monotonic() - started < 2.0
    assert texts(person.bot_messages) == ["hi"]


async def test_no_warning_for_replaying_bot_api_calls(
    store: HandoffStore, person: SandboxUser, make_delivery, recwarn: pytest.WarningsRecorder
) -> None:
    async with store.transaction() as tx:
        await tx.outbox.enqueue("user", "sendMessage", {"chat_id": PERSON, "text": "hi"})
    delivery = make_delivery()
    assert await delivery.deliver_due("user") == 1
    assert not [w for w in recwarn if issubclass(w.category, PTBUserWarning)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"idle_interval": 0}, "idle_interval"), ({"staff_limit": (0, 60.0)}, "limit")],
)
async def test_refuses_settings_that_cannot_work(make_delivery, changes, message) -> None:
    with pytest.raises(ValueError, match=message):
        make_delivery(**changes)


async def test_a_staff_group_that_refuses_the_bot_holds_the_messages_back(
    store: HandoffStore, sandbox: Sandbox, staff: SandboxSupergroup, hooks: Hooks, make_delivery
) -> None:
    # The bot was removed from the group (or lost its rights): nothing may be dropped.
    sandbox.fail_next(
        "createForumTopic", 403, "Forbidden: bot is not a member of the supergroup chat"
    )
    async with store.transaction() as tx:
        ticket = await open_ticket(tx, PERSON)
        topic = await tx.outbox.enqueue(
            "staff", "createForumTopic", {"name": "Case"}, ticket_id=ticket.id
        )
    delivery = make_delivery()
    assert await delivery.deliver_due("staff") == 0
    held = await get(store, topic.id)
    assert (held.status, held.attempts) == ("pending", 0)
    assert hooks.given_up == [] and hooks.blocked_calls == []


async def _case_with_topic(
    store: HandoffStore, delivery: OutboxDelivery, chat_id: int, text: str
) -> tuple[Ticket, int]:
    """Open a case, deliver its topic and first message; the case and its thread id."""
    async with store.transaction() as tx:
        ticket = await open_ticket(tx, chat_id)
        await tx.outbox.enqueue("staff", "createForumTopic", {"name": text}, ticket_id=ticket.id)
        await tx.outbox.enqueue("staff", "sendMessage", {"text": text}, ticket_id=ticket.id)
    assert await drain(delivery, "staff") == [1, 1]
    async with store.transaction() as tx:
        current = await tx.tickets.get(ticket.id)
    assert current is not None and current.thread_id is not None
    return current, current.thread_id


async def test_after_a_move_to_a_new_group_a_case_gets_a_new_topic_there(
    store: HandoffStore,
    sandbox: Sandbox,
    staff: SandboxSupergroup,
    new_staff: SandboxSupergroup,
    stopwatch: Stopwatch,
    make_delivery,
) -> None:
    moved, old_thread = await _case_with_topic(store, make_delivery(), PERSON, "1: summary")
    assert moved.thread_chat_id == STAFF
    # The deployment moves to a new group, where another case has a topic of the same id.
    delivery = make_delivery(staff_chat_id=NEW_STAFF, staff_limit=(1, 0.3))
    other, other_thread = await _case_with_topic(store, delivery, OTHER_PERSON, "2: summary")
    assert other_thread == old_thread
    async with store.transaction() as tx:
        message = await tx.outbox.enqueue(
            "staff", "sendMessage", {"text": SECRET}, ticket_id=moved.id
        )

    assert await drain(delivery, "staff") == [1]

    async with store.transaction() as tx:
        current = await tx.tickets.get(moved.id)
        # An operator's reply in the other case's topic reaches the other person only.
        assert (await tx.tickets.for_thread(other_thread, NEW_STAFF)).id == other.id
        assert (await tx.tickets.for_thread(current.thread_id, NEW_STAFF)).id == moved.id
        assert await tx.tickets.for_thread(old_thread, STAFF) is None
    new_thread = current.thread_id
    assert current.thread_chat_id == NEW_STAFF and new_thread != other_thread
    assert new_staff.topics[new_thread].name == topic_name(moved)
    assert texts(new_staff.thread_messages(new_thread)) == [SECRET]
    assert texts(new_staff.thread_messages(other_thread)) == ["2: summary"]
    assert texts(staff.thread_messages(old_thread)) == ["1: summary"]  # the old group as it was
    assert (await get(store, message.id)).status == "sent"
    # The extra topic is a staff call like any other: it keeps to the window too.
    [*_, created] = stopwatch.times("createForumTopic")
    [*_, sent] = stopwatch.times("sendMessage")
    assert sent - created >= 0.3


async def test_a_case_from_before_groups_were_recorded_gets_a_topic_in_the_group(
    store: HandoffStore,
    staff: SandboxSupergroup,
    new_staff: SandboxSupergroup,
    make_delivery,
) -> None:
    delivery = make_delivery(staff_chat_id=NEW_STAFF)
    other, other_thread = await _case_with_topic(store, delivery, OTHER_PERSON, "2: summary")
    async with store.transaction() as tx:
        old = await open_ticket(tx, PERSON)
        # Its topic is this id in some group, but which one was not recorded.
        table = TicketRow.__table__
        await tx.tickets._connection.execute(
            update(table).where(table.c.id == old.id).values(thread_id=other_thread)
        )
        await tx.outbox.enqueue("staff", "sendMessage", {"text": SECRET}, ticket_id=old.id)

    assert await drain(delivery, "staff") == [1]

    async with store.transaction() as tx:
        current = await tx.tickets.get(old.id)
        assert (await tx.tickets.for_thread(other_thread, NEW_STAFF)).id == other.id
    assert current.thread_chat_id == NEW_STAFF and current.thread_id != other_thread
    assert texts(new_staff.thread_messages(current.thread_id)) == [SECRET]
    assert texts(new_staff.thread_messages(other_thread)) == ["2: summary"]


async def test_a_case_whose_topic_was_given_up_gets_one_with_its_next_message(
    store: HandoffStore, sandbox: Sandbox, staff: SandboxSupergroup, make_delivery
) -> None:
    async with store.transaction() as tx:
        ticket = await open_ticket(tx, PERSON)
        topic = await tx.outbox.enqueue(
            "staff", "createForumTopic", {"name": "Case"}, ticket_id=ticket.id
        )
        await tx.outbox.mark_failed(topic.id, "network", final=True)
        await tx.outbox.enqueue("staff", "sendMessage", {"text": "summary"}, ticket_id=ticket.id)

    assert await drain(delivery := make_delivery(), "staff") == [1]
    assert await delivery.deliver_due("staff") == 0

    [thread] = staff.topics
    assert texts(staff.thread_messages(thread)) == ["summary"]
    assert [params["name"] for params in sandbox.calls_of("createForumTopic")] == [
        topic_name(ticket)
    ]


async def test_a_failed_extra_topic_is_the_messages_failure_and_is_retried(
    store: HandoffStore,
    sandbox: Sandbox,
    staff: SandboxSupergroup,
    new_staff: SandboxSupergroup,
    make_delivery,
) -> None:
    moved, _ = await _case_with_topic(store, make_delivery(), PERSON, "summary")
    async with store.transaction() as tx:
        message = await tx.outbox.enqueue(
            "staff", "sendMessage", {"text": "after the move"}, ticket_id=moved.id
        )
    sandbox.fail_next("createForumTopic", 502, "Bad Gateway")

    async with running(make_delivery(staff_chat_id=NEW_STAFF)):
        await eventually(settled(store, message.id))

    delivered = await get(store, message.id)
    assert (delivered.status, delivered.attempts, delivered.last_error) == ("sent", 1, "network")
    # Never sent without its topic; and exactly one topic, the one it went into.
    [sent] = [p for p in sandbox.calls_of("sendMessage") if p["chat_id"] == NEW_STAFF]
    [thread] = new_staff.topics
    assert sent["message_thread_id"] == thread
    assert texts(new_staff.thread_messages(thread)) == ["after the move"]


@PTB_RETRY_AFTER_INT
async def test_flood_control_on_the_extra_topic_pauses_and_costs_no_attempt(
    store: HandoffStore,
    sandbox: Sandbox,
    staff: SandboxSupergroup,
    new_staff: SandboxSupergroup,
    make_delivery,
) -> None:
    moved, _ = await _case_with_topic(store, make_delivery(), PERSON, "summary")
    async with store.transaction() as tx:
        message = await tx.outbox.enqueue(
            "staff", "sendMessage", {"text": "after the move"}, ticket_id=moved.id
        )
    sandbox.fail_next("createForumTopic", 429, "Too Many Requests: retry after 1", retry_after=1)
    delivery = make_delivery(staff_chat_id=NEW_STAFF)

    assert await delivery.deliver_due("staff") == 0
    waiting = await get(store, message.id)
    assert (waiting.status, waiting.attempts, waiting.last_error) == ("pending", 0, "retry_after")
    assert await drain(delivery, "staff") == [1]
    [thread] = new_staff.topics
    assert texts(new_staff.thread_messages(thread)) == ["after the move"]


async def test_a_topic_call_for_a_case_without_a_topic_in_the_group_is_dropped(
    store: HandoffStore,
    sandbox: Sandbox,
    staff: SandboxSupergroup,
    new_staff: SandboxSupergroup,
    hooks: Hooks,
    make_delivery,
) -> None:
    moved, old_thread = await _case_with_topic(store, make_delivery(), PERSON, "summary")
    async with store.transaction() as tx:
        close = await tx.outbox.enqueue("staff", "closeForumTopic", {}, ticket_id=moved.id)
    delivery = make_delivery(staff_chat_id=NEW_STAFF)

    assert await delivery.deliver_due("staff") == 0

    dropped = await get(store, close.id)
    assert (dropped.status, dropped.last_error) == ("failed", "no_topic")
    assert hooks.given_up == [close.id]
    assert sandbox.calls_of("closeForumTopic") == []
    assert not new_staff.topics and not staff.topics[old_thread].closed


@pytest.mark.parametrize(
    ("queued_for", "in_thread"), [(NEW_STAFF, True), (STAFF, False), (None, False)]
)
async def test_a_reply_in_a_topic_goes_there_only_in_the_topics_group(
    store: HandoffStore,
    bot: telegram.Bot,
    new_staff: SandboxSupergroup,
    make_delivery,
    queued_for: int | None,
    in_thread: bool,
) -> None:
    # E.g. /queue asked in a topic that is no case's: the answer names the group it was in.
    thread = (await bot.create_forum_topic(NEW_STAFF, "Team")).message_thread_id
    payload: dict[str, Any] = {"text": "queue", "message_thread_id": thread}
    if queued_for is not None:
        payload["chat_id"] = queued_for
    async with store.transaction() as tx:
        await tx.outbox.enqueue("staff", "sendMessage", payload)

    assert await make_delivery(staff_chat_id=NEW_STAFF).deliver_due("staff") == 1

    [sent] = texts(new_staff.bot_messages)
    [message] = [m for m in new_staff.bot_messages if m.kind == "text"]
    assert sent == "queue"
    assert message.message_thread_id == (thread if in_thread else None)


async def test_a_topic_the_bot_may_not_delete_is_given_up_and_the_group_goes_on(
    store: HandoffStore,
    sandbox: Sandbox,
    staff: SandboxSupergroup,
    hooks: Hooks,
    make_delivery,
) -> None:
    # Deleting a topic needs the "delete messages" right; the group still takes messages.
    delivery = make_delivery()
    erased, thread = await _case_with_topic(store, delivery, PERSON, "summary")
    sandbox.fail_next("deleteForumTopic", 400, "Bad Request: not enough rights to delete topic")
    async with store.transaction() as tx:
        removal = await tx.outbox.enqueue("staff", "deleteForumTopic", {}, ticket_id=erased.id)
        notice = await tx.outbox.enqueue("staff", "sendMessage", {"text": "Case erased"})

    await drain(delivery, "staff")

    given_up = await get(store, removal.id)
    assert (given_up.status, given_up.last_error) == ("failed", "bad_request")
    assert (await get(store, notice.id)).status == "sent"
    assert hooks.given_up == [removal.id]
    assert thread in staff.topics
