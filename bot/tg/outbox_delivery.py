"""Outbox delivery: makes the Bot API calls queued in the handoff outbox.

Why an outbox at all: a relay (a user's message copied to the staff, an advocate's reply sent
to the user, a ticket's forum topic) is queued in the same transaction as the update that
caused it, so it is neither lost when the process dies nor queued twice when Telegram delivers
the update again. This worker is the other half: it reads what is due, calls Telegram, and
records the outcome.

Durability and "at least once":
    A message is marked sent only after Telegram has answered, in a transaction of its own. If
    the process dies between the call and that commit, the message is still pending after the
    restart and is sent again: delivery is *at least once*. Telegram offers no idempotency key
    for sendMessage or copyMessage, so "exactly once" is not possible; a rare duplicate relay
    is the price of never losing one. Nothing is reserved in the database, so a new
    :class:`OutboxDelivery` on the same database simply picks up every pending message.

Ordering:
    :meth:`bot.handoff.Outbox.due` hands out at most one message per ticket and destination,
    in id order, and the next one of that ticket only after this one is marked sent or given
    up. So a ticket's topic is created before anything is posted into it, and its messages
    arrive in the order they were queued, while a failing ticket does not hold up the others.
    That only works with one sender per destination: :meth:`OutboxDelivery.run` runs exactly
    one loop for ``user`` and one for ``staff``.

Topics and staff groups:
    A forum thread id is only unique within one group, so a ticket records its topic with the
    group it is in. A message goes into the ticket's topic only if that topic is in the current
    staff group. A ticket without a topic there (the deployment moved to a new group, its topic
    predates the record of groups, or its ``createForumTopic`` was given up) first gets a new
    topic in the current group, made on the spot and recorded before the message is sent: a
    same-numbered topic of the new group may be another person's case. Should the process die
    between creating that topic and recording it, the next attempt makes another (the first
    stays empty), as with any call made at least once.

Pacing:
    Everything relayed to the staff lands in one supergroup, and Telegram allows a bot about
    20 messages a minute per group, counted per minute. Staff calls therefore go through a
    strict :class:`~bot.tg.rate_window.SlidingWindow` and wait (never drop) for their turn.
    Private chats need nothing beyond the Bot's own rate limiter. When Telegram still answers
    429 (flood control), the limit is the chat's or the bot's, not the message's: the whole
    destination pauses for ``retry_after`` and the message keeps its attempts.

Database transactions stay short: a pass reads what is due in one transaction, and each
outcome is recorded in another. None is held open across an HTTP call, which would block
SQLite's single writer and tie up a PostgreSQL connection for as long as Telegram takes.

What reaches a person (an advocate's reply, a reminder) is noted in the chat's message-id log,
in the transaction that marks it sent, so that /hide deletes it too.

Like the rest of Haven, nothing here logs a message text, a payload, a chat id or a name:
only outbox ids, method names and exception types.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import warnings
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol, TypeVar

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

from bot.handoff import HandoffSession, HandoffStore, Ticket
from bot.handoff.records import Destination, OutboxMessage
from bot.tg.desk import topic_name

from .rate_window import SlidingWindow

__all__ = ["DEFAULT_STAFF_LIMIT", "DeliveryHooks", "OutboxDelivery"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")

DEFAULT_STAFF_LIMIT: tuple[int, float] = (20, 60.0)
"""Telegram's limit for a bot in one group: 20 messages a minute."""

_DESTINATIONS: tuple[Destination, ...] = ("user", "staff")
_CREATE_TOPIC = "createForumTopic"
# Calls on a ticket's topic itself: with no topic in the current group there is nothing to act
# on, and making a topic only to close or rename it would help nobody.
_TOPIC_CALLS = frozenset(
    {"closeForumTopic", "reopenForumTopic", "editForumTopic", "deleteForumTopic"}
)

# Short codes for Outbox.mark_failed: never an error's text, which may quote a user.
_RETRY_AFTER = "retry_after"
_FORBIDDEN = "forbidden"
_BAD_REQUEST = "bad_request"
_NETWORK = "network"
_INTERNAL = "internal"
_UNEXPECTED = "unexpected"
_NO_TOPIC = "no_topic"


class _NoTopicInAnswer(Exception):
    """Telegram answered createForumTopic without a topic id."""


class DeliveryHooks(Protocol):
    """What the delivery needs from the handoff logic above it.

    Attributes:
        internal_methods: Outbox "methods" that are not Bot API calls but work of our own
            (e.g. ``startFollowUp``), queued in the outbox so that they happen in order with
            the ticket's other messages and survive a restart. They go to :meth:`internal`.
    """

    @property
    def internal_methods(self) -> frozenset[str]:
        """The outbox methods handled by :meth:`internal` instead of the Bot API."""
        ...

    async def internal(self, message: OutboxMessage) -> None:
        """Carry out an internal method; an exception makes it retried like a network error.

        Like every delivery, it is at least once: it may run again for the same message if
        the process dies before the outcome is recorded.
        """
        ...

    async def user_blocked(self, tx: HandoffSession, message: OutboxMessage) -> None:
        """React to a user who blocked the bot, in the transaction that gives the message up.

        Called once per message Telegram refused with 403, so possibly several times for one
        ticket when several messages were queued for it. Raising rolls the transaction back:
        the message stays pending and is tried again later.
        """
        ...

    async def gave_up(self, tx: HandoffSession, message: OutboxMessage) -> None:
        """A message was given up for good (in the transaction that records it): e.g. tell
        the staff that a reply could not reach the person."""
        ...


_Outcome = Literal["sent", "retry", "failed", "paused", "skipped"]


@dataclass(frozen=True, slots=True)
class _Pass:
    """What one pass did: ``handled`` messages, ``sent`` of them."""

    handled: int
    sent: int


STAFF_UNREACHABLE_PAUSE = 60.0
"""How long staff messages wait when Telegram refuses the staff group itself, in seconds."""
# What Telegram says when a group cannot be used at all (the words of its error descriptions).
_COPY = "copyMessage"
# Deleting a topic needs an admin right of its own ("delete messages"): a group that refuses it
# may still take every message, so only this one call is given up.
_DELETE_TOPIC = "deleteForumTopic"
_GROUP_REFUSALS = ("chat not found", "not enough rights", "chat_admin_required", "not a member")

SHUTDOWN_GRACE = 10.0
"""How long a shutdown waits for the call in flight to finish and be recorded, in seconds."""


class OutboxDelivery:
    """Sends what the outbox holds, one loop per destination, at the pace Telegram allows.

    Example:
        >>> delivery = OutboxDelivery(  # doctest: +SKIP
        ...     handoff, bot, staff_chat_id=-100123, hooks=hooks
        ... )
        >>> task = asyncio.create_task(delivery.run())  # doctest: +SKIP
        >>> # after committing an enqueue:
        >>> delivery.wake()  # doctest: +SKIP
    """

    def __init__(
        self,
        handoff: HandoffStore,
        bot: Bot,
        *,
        staff_chat_id: int | None,
        hooks: DeliveryHooks,
        staff_limit: tuple[int, float] = DEFAULT_STAFF_LIMIT,
        idle_interval: float = 1.0,
    ) -> None:
        """Deliver ``handoff``'s outbox through ``bot``.

        Args:
            handoff: The store whose outbox is read and updated.
            bot: An initialized Bot (or ExtBot, whose rate limiter then applies too).
            staff_chat_id: The staff supergroup; None leaves staff messages pending (only
                internal methods are carried out).
            hooks: Internal methods and the reaction to a blocked user.
            staff_limit: At most this many staff calls (messages, seconds) in any window.
            idle_interval: How often an idle loop looks at the outbox on its own, in seconds;
                :meth:`wake` makes it look at once.

        Raises:
            ValueError: ``idle_interval`` is not positive, or ``staff_limit`` is not a
                positive count and period.
        """
        if not idle_interval > 0:
            raise ValueError("idle_interval must be positive")
        limit, period = staff_limit
        self._handoff = handoff
        self._bot = bot
        self._staff_chat_id = staff_chat_id
        self._hooks = hooks
        self._idle_interval = idle_interval
        self._staff_window = SlidingWindow(limit, period)
        self._wakes = {destination: asyncio.Event() for destination in _DESTINATIONS}
        # One pass at a time per destination, even if a caller runs deliver_due next to run():
        # ordering and the staff window both assume a single sender.
        self._locks = {destination: asyncio.Lock() for destination in _DESTINATIONS}
        self._paused_until = dict.fromkeys(_DESTINATIONS, 0.0)
        self._warned_no_staff_chat = False
        _quiet_generic_call_warning()

    def wake(self) -> None:
        """Make idle loops look at the outbox now; call it after committing an enqueue.

        Call it from the event loop's thread. A wake during a pass is not lost: the loop
        goes round again right after it.
        """
        for event in self._wakes.values():
            event.set()

    async def run(self) -> None:
        """Deliver to users and to the staff until cancelled.

        The two loops are independent, so a flood wait of the staff group never delays a
        reply to a user. Neither ends on an error: it logs the error's type and goes on.
        """
        async with asyncio.TaskGroup() as group:
            for destination in _DESTINATIONS:
                group.create_task(self._loop(destination), name=f"outbox-{destination}")

    async def deliver_due(self, destination: Destination) -> int:
        """Make one pass over what is due to ``destination`` now.

        Waits out a flood pause of the destination first, and for the staff window before
        each staff call. Stops early when Telegram answers with flood control.

        Args:
            destination: ``user`` or ``staff``.

        Returns:
            How many messages were sent (internal methods included).
        """
        return (await self._pass(destination)).sent

    async def _loop(self, destination: Destination) -> None:
        wake = self._wakes[destination]
        while True:
            # Cleared before the pass, so an enqueue committed during it still wakes us.
            wake.clear()
            try:
                done = await self._pass(destination)
            except Exception as error:
                # The type only: a message could quote a user or a payload.
                log.error("outbox delivery to %s failed: %s", destination, type(error).__name__)
                done = _Pass(0, 0)
            if done.handled:
                # Marking a ticket's message done makes its next one due: look again at once.
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self._idle_interval)

    async def _pass(self, destination: Destination) -> _Pass:
        async with self._locks[destination]:
            await self._wait_out_pause(destination)
            # Not cut short either: a SQLite transaction cancelled mid-statement can leave its
            # pooled connection unusable, and the next transaction (the one recording the
            # call in flight at shutdown) would wait on it for ever.
            due = await _uninterrupted(self._due(destination))
            handled = sent = 0
            for message in due:
                outcome = await self._deliver(message)
                if outcome == "skipped":
                    continue
                handled += 1
                if outcome == "sent":
                    sent += 1
                if outcome == "paused":
                    # Flood control holds for the chat (or the bot), not for this message.
                    break
            return _Pass(handled, sent)

    async def _due(self, destination: Destination) -> list[OutboxMessage]:
        async with self._handoff.transaction() as tx:
            return await tx.outbox.due(destination)

    async def _wait_out_pause(self, destination: Destination) -> None:
        loop = asyncio.get_running_loop()
        while (remaining := self._paused_until[destination] - loop.time()) > 0:
            await asyncio.sleep(remaining)

    async def _deliver(self, message: OutboxMessage) -> _Outcome:
        if message.method in self._hooks.internal_methods:
            return await self._run_internal(message)
        if message.destination != "staff":
            return await _uninterrupted(self._send(message, staff=False))
        staff_chat_id = self._staff_chat_id
        if staff_chat_id is None:
            if not self._warned_no_staff_chat:
                self._warned_no_staff_chat = True
                log.warning("no staff chat configured: staff messages stay in the outbox")
            return "skipped"
        await self._staff_turn()
        homeless = await self._without_topic(message, staff_chat_id)
        if homeless is not None:
            if message.method in _TOPIC_CALLS:
                return await self._nothing_to_act_on(message)
            # The topic first, on a turn of its own: a staff call like any other.
            failed = await _uninterrupted(self._new_topic(message, homeless, staff_chat_id))
            if failed is not None:
                return failed
            await self._staff_turn()
        return await _uninterrupted(self._send(message, staff=True))

    async def _send(self, message: OutboxMessage, *, staff: bool) -> _Outcome:
        # Built after the wait for a turn, which can be long, so the ticket's topic is fresh.
        payload = await self._payload(message)
        try:
            result = await self._call(message.method, payload, paced=staff)
        except Exception as error:
            return await self._failed(message, message.method, error, staff=staff)
        await self._record_sent(message, result, self._staff_chat_id if staff else None)
        return "sent"

    async def _failed(
        self, message: OutboxMessage, method: str, error: Exception, *, staff: bool
    ) -> _Outcome:
        """Record that ``method``, called for ``message``, did not go through."""
        if isinstance(error, RetryAfter):
            return await self._flood_wait(message, _seconds(error))
        if isinstance(error, Forbidden | BadRequest):
            if staff and _staff_group_unusable(method, error):
                # The group, not the message: the bot was removed, lost its rights, or the id
                # is wrong. Every case's messages wait until someone fixes it.
                return await self._staff_unreachable(message, error)
            if isinstance(error, Forbidden):
                return await self._refused(message, error)
            # Malformed, or aimed at something gone (a copy of a message the user deleted):
            # sending it again cannot help.
            return await self._give_up(message, _BAD_REQUEST, error)
        if isinstance(error, TelegramError):
            # TimedOut, NetworkError (5xx included) and the rest: try again with backoff.
            return await self._retry(message, _NETWORK, error)
        if isinstance(error, _NoTopicInAnswer):
            return await self._retry(message, _NO_TOPIC, error)
        # Not Telegram's answer but still no delivery; retrying with backoff keeps the loop
        # from spinning on it and gives up after the policy's attempts.
        return await self._retry(message, _UNEXPECTED, error)

    async def _without_topic(self, message: OutboxMessage, staff_chat_id: int) -> Ticket | None:
        """The ticket of a staff message that needs its topic, if it has none in the group."""
        if message.ticket_id is None or message.method == _CREATE_TOPIC:
            return None
        async with self._handoff.transaction() as tx:
            ticket = await tx.tickets.get(message.ticket_id)
        if ticket is None or ticket.topic_in(staff_chat_id) is not None:
            return None
        return ticket

    async def _new_topic(
        self, message: OutboxMessage, ticket: Ticket, staff_chat_id: int
    ) -> _Outcome | None:
        """Make the ticket a topic in the staff group for ``message``; None once recorded.

        A failure is the message's (it waits, is retried or given up like the message itself
        failing), so the message is never sent anywhere else meanwhile.
        """
        payload: dict[str, Any] = {"chat_id": staff_chat_id, "name": topic_name(ticket)}
        try:
            thread_id = _thread_id(await self._call(_CREATE_TOPIC, payload, paced=True))
            if thread_id is None:
                raise _NoTopicInAnswer
        except Exception as error:
            return await self._failed(message, _CREATE_TOPIC, error, staff=True)
        async with self._handoff.transaction() as tx:
            await tx.tickets.set_thread(ticket.id, thread_id, staff_chat_id)
        log.info(
            "outbox message %d (%s): its case had no topic in the staff group, made one",
            message.id,
            message.method,
        )
        return None

    async def _nothing_to_act_on(self, message: OutboxMessage) -> _Outcome:
        """Settle a call on a ticket's topic when the ticket has none in the staff group."""
        async with self._handoff.transaction() as tx:
            status = await tx.outbox.mark_failed(message.id, _NO_TOPIC, final=True)
            if status is not None:
                await self._hooks.gave_up(tx, message)
        if status is not None:
            log.info("outbox message %d (%s) dropped: no topic", message.id, message.method)
        return "failed"

    async def _call(self, method: str, payload: dict[str, Any], *, paced: bool) -> object:
        try:
            return await self._bot.do_api_request(method, api_kwargs=payload)
        finally:
            if paced:
                # Noted when the answer is in (or the call failed): Telegram received the call
                # before that, so the window measured here is never shorter than Telegram's.
                self._staff_window.record()

    async def _run_internal(self, message: OutboxMessage) -> _Outcome:
        return await _uninterrupted(self._internal(message))

    async def _internal(self, message: OutboxMessage) -> _Outcome:
        try:
            await self._hooks.internal(message)
        except Exception as error:
            return await self._retry(message, _INTERNAL, error)
        async with self._handoff.transaction() as tx:
            await tx.outbox.mark_sent(message.id)
        return "sent"

    async def _payload(self, message: OutboxMessage) -> dict[str, Any]:
        payload = dict(message.payload)
        if message.destination != "staff":
            return payload
        # Staff messages are queued without the chat: the staff group is configuration, and
        # may change while messages wait. A message for a topic that is no case's names the
        # group the topic is in, as thread ids mean nothing in another group.
        staff_chat_id = self._staff_chat_id
        queued_for = payload.get("chat_id")
        payload["chat_id"] = staff_chat_id
        thread_id = payload.pop("message_thread_id", None)
        if message.ticket_id is not None:
            thread_id = None
            if message.method != _CREATE_TOPIC:
                # Read now, not at enqueue: the topic is created by an earlier message of the
                # ticket (or for this one, just before), and recorded before this is sent.
                async with self._handoff.transaction() as tx:
                    ticket = await tx.tickets.get(message.ticket_id)
                thread_id = ticket.topic_in(staff_chat_id) if ticket is not None else None
        elif queued_for != staff_chat_id:
            thread_id = None  # a topic of another group, or of one not named: General instead
        if thread_id is not None:
            payload["message_thread_id"] = thread_id
        return payload

    async def _staff_turn(self) -> None:
        while (delay := self._staff_window.wait_time()) > 0:
            await asyncio.sleep(delay)

    async def _record_sent(
        self, message: OutboxMessage, result: object, staff_chat_id: int | None
    ) -> None:
        """Mark ``message`` sent; a topic it created in the staff group becomes its ticket's."""
        thread_id = _thread_id(result) if message.method == _CREATE_TOPIC else None
        async with self._handoff.transaction() as tx:
            if message.destination == "user":
                await _note_in_chat(tx, message, result)
            # One transaction: the topic is known exactly when its creation counts as done,
            # so the ticket's next message cannot be sent without it.
            ticket_id = message.ticket_id
            if (
                thread_id is not None
                and ticket_id is not None
                and staff_chat_id is not None
                and not await tx.tickets.set_thread(ticket_id, thread_id, staff_chat_id)
            ):
                # A repeated call (delivery is at least once) made a second topic; the ticket
                # keeps its first, and the new one stays empty.
                log.info("outbox message %d (%s): topic already set", message.id, message.method)
            await tx.outbox.mark_sent(message.id)
        if message.method == _CREATE_TOPIC and thread_id is None:
            log.warning(
                "outbox message %d (%s): no topic in the answer", message.id, message.method
            )

    async def _flood_wait(self, message: OutboxMessage, seconds: float) -> _Outcome:
        async with self._handoff.transaction() as tx:
            await tx.outbox.mark_failed(
                message.id, _RETRY_AFTER, retry_after=timedelta(seconds=seconds)
            )
        destination = message.destination
        log.warning("flood control for %s: pausing %.1f s", destination, seconds)
        # Set after the commit, so the pause ends no earlier than the message's next attempt.
        self._paused_until[destination] = asyncio.get_running_loop().time() + seconds
        return "paused"

    async def _refused(self, message: OutboxMessage, error: Forbidden) -> _Outcome:
        async with self._handoff.transaction() as tx:
            status = await tx.outbox.mark_failed(message.id, _FORBIDDEN, final=True)
            # Only when this call gave it up, so the hook runs once per message.
            if status is not None and message.destination == "user":
                await self._hooks.user_blocked(tx, message)
        if status is not None:
            _log_given_up(message, _FORBIDDEN, error)
        return "failed"

    async def _staff_unreachable(self, message: OutboxMessage, error: Exception) -> _Outcome:
        log.error(
            "the staff group refused the bot (%s): check OPERATOR_CHAT_ID, that the group has "
            "topics and that the bot is an administrator; its messages wait meanwhile",
            type(error).__name__,
        )
        return await self._flood_wait(message, STAFF_UNREACHABLE_PAUSE)

    async def _give_up(self, message: OutboxMessage, code: str, error: Exception) -> _Outcome:
        async with self._handoff.transaction() as tx:
            status = await tx.outbox.mark_failed(message.id, code, final=True)
            if status is not None:
                await self._hooks.gave_up(tx, message)
        if status is not None:
            _log_given_up(message, code, error)
        return "failed"

    async def _retry(self, message: OutboxMessage, code: str, error: Exception) -> _Outcome:
        async with self._handoff.transaction() as tx:
            status = await tx.outbox.mark_failed(message.id, code)
            if status == "failed":
                await self._hooks.gave_up(tx, message)
        if status == "failed":
            _log_given_up(message, code, error)
            return "failed"
        log.info(
            "outbox message %d (%s) not delivered, will retry: %s",
            message.id,
            message.method,
            type(error).__name__,
        )
        return "retry"


async def _note_in_chat(tx: HandoffSession, message: OutboxMessage, result: object) -> None:
    """Note a message that reached a person's private chat, for /hide."""
    chat_id = message.payload.get("chat_id")
    message_id = result.get("message_id") if isinstance(result, Mapping) else None
    if not isinstance(chat_id, int) or not isinstance(message_id, int):
        return  # not a message (e.g. an edit answered True)
    # sendMessage answers with the message and its date; copyMessage with the id alone.
    date = result.get("date") if isinstance(result, Mapping) else None
    at = datetime.fromtimestamp(date, UTC) if isinstance(date, int) else datetime.now(UTC)
    await tx.storage.messages.record(chat_id, [message_id], at)


def _staff_group_unusable(method: str, error: Forbidden | BadRequest) -> bool:
    """Whether Telegram refused the staff group itself rather than this one ``method`` call."""
    if isinstance(error, Forbidden) or method == _CREATE_TOPIC:
        return True  # not a member or no rights; a topic refused: not a forum, no rights
    if method == _COPY:
        return False  # "chat not found" may be about the person's chat the copy comes from
    if method == _DELETE_TOPIC:
        return False
    description = str(error).lower()
    return any(sign in description for sign in _GROUP_REFUSALS)


def _log_given_up(message: OutboxMessage, code: str, error: Exception) -> None:
    log.warning(
        "outbox message %d (%s) given up: %s (%s)",
        message.id,
        message.method,
        code,
        type(error).__name__,
    )


def _thread_id(result: object) -> int | None:
    if isinstance(result, Mapping):
        thread_id = result.get("message_thread_id")
        if isinstance(thread_id, int) and not isinstance(thread_id, bool):
            return thread_id
    return None


def _seconds(error: RetryAfter) -> float:
    # PTB 22 warns on every read of retry_after until it becomes a timedelta; either form is
    # fine here. No await inside, so no other task runs while the filter is changed.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def _quiet_generic_call_warning() -> None:
    # PTB warns when do_api_request is used for a method it has a wrapper for ("Please use
    # 'Bot.copyMessage'"). The outbox stores calls as Bot API JSON and replays them as such on
    # purpose, so the warning would only repeat itself. This silences exactly that warning for
    # exactly the calls made here (PTB attributes it to its caller); adding the same filter
    # again replaces it, so constructing several deliveries is harmless.
    warnings.filterwarnings(
        "ignore",
        message=r"Please use 'Bot\.\w+' instead of 'Bot\.do_api_request",
        category=PTBUserWarning,
        module=re.escape(__name__) + r"\Z",
    )


async def _uninterrupted(work: Coroutine[Any, Any, _T]) -> _T:
    """Run ``work`` (a call and the record of its outcome) to its end, even when cancelled.

    A call Telegram carried out but the outbox did not record is made again after a restart: a
    second topic, a message twice. So a shutdown lets the call in flight finish and be
    recorded, for up to :data:`SHUTDOWN_GRACE` seconds, before the cancellation goes on.
    """
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        done, _ = await asyncio.wait({task}, timeout=SHUTDOWN_GRACE)
        if not done:
            task.cancel()
        raise
