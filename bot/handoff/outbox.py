"""The outbox: Bot API calls written in the same transaction as what caused them, sent later.

A relay is queued here in the transaction that handles the update (and claims its
``update_id``), so it is neither lost by a crash nor queued twice by a redelivery. A sender
reads what is :meth:`Outbox.due`, makes the calls at the pace Telegram allows, and marks each
one sent or failed; a failure is retried with exponential backoff until a policy gives up.

The rows never hold an error message, which could quote a user's text: only a short code.
The payload, which holds what advocates write to people, is sealed (:mod:`bot.privacy.sealing`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, delete, exists, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import Clock

from ._sql import dump_json, rowcount
from .records import (
    DESTINATIONS,
    Destination,
    OutboxMessage,
    OutboxStatus,
    check_error_code,
)
from .tables import OutboxRow

if TYPE_CHECKING:
    from bot.privacy.sealing import Sealer

__all__ = ["DEFAULT_RETRY", "Outbox", "RetryPolicy"]

_OUTBOX = cast(Table, OutboxRow.__table__)  # type: ignore[attr-defined]
_EARLIER = _OUTBOX.alias("earlier")

# Bot API method names are camelCase words (sendMessage, createForumTopic).
_METHOD = re.compile(r"[a-z][A-Za-z]{0,63}")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to try a failed message again, and when to give up.

    The n-th failure waits ``first_delay * factor ** (n - 1)``, at most ``max_delay``; the
    ``max_attempts``-th failure marks the message failed.
    """

    first_delay: timedelta = timedelta(seconds=5)
    factor: float = 2.0
    max_delay: timedelta = timedelta(minutes=15)
    max_attempts: int = 20

    def __post_init__(self) -> None:
        """Refuse a policy that would retry at once forever or never try at all."""
        if self.first_delay <= timedelta(0) or self.factor < 1 or self.max_attempts < 1:
            raise ValueError("a retry policy needs a positive delay, factor >= 1, attempts >= 1")

    def delay(self, attempts: int) -> timedelta:
        """How long to wait after the ``attempts``-th failure (1 for the first)."""
        # Capped before multiplying out, so a large attempt count cannot overflow timedelta.
        exponent = min(attempts - 1, 64)
        seconds = self.first_delay.total_seconds() * self.factor**exponent
        return timedelta(seconds=min(seconds, self.max_delay.total_seconds()))


DEFAULT_RETRY = RetryPolicy()
"""Retries for about 3 hours before giving up: after 5 s, 10 s, 20 s ..., then every 15 min.

Long enough to ride out an outage of Telegram or of the network without losing a relay."""


class Outbox:
    """The outbox of one transaction; get it as ``HandoffSession.outbox``."""

    def __init__(
        self, connection: AsyncConnection, clock: Clock, retry: RetryPolicy, sealer: Sealer
    ) -> None:
        """Work on ``connection`` (inside a transaction) with ``clock`` and ``retry``;
        ``sealer`` seals and opens the payloads."""
        self._connection = connection
        self._clock = clock
        self._retry = retry
        self._sealer = sealer

    async def enqueue(
        self,
        destination: Destination,
        method: str,
        payload: Mapping[str, Any],
        *,
        ticket_id: int | None = None,
    ) -> OutboxMessage:
        """Queue a Bot API call, due at once, after everything queued before it.

        Args:
            destination: ``user`` or ``staff``: whose rate limit the call counts against.
            method: The Bot API method, e.g. ``copyMessage``.
            payload: Its parameters; must be JSON.
            ticket_id: The ticket it belongs to, which keeps it behind the ticket's earlier
                messages to the same destination.

        Returns:
            The queued message.

        Raises:
            ValueError: An unknown destination, a malformed method name, or a payload that is
                not JSON.
        """
        if destination not in DESTINATIONS:
            raise ValueError(f"unknown outbox destination {destination!r}")
        if not _METHOD.fullmatch(method):
            raise ValueError(f"not a Bot API method name: {method!r}")
        now = self._clock()
        statement = (
            _OUTBOX.insert()
            .values(
                ticket_id=ticket_id,
                destination=destination,
                method=method,
                payload=self._sealer.seal(dump_json(dict(payload))),
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            .returning(*_OUTBOX.c)
        )
        return _message((await self._connection.execute(statement)).mappings().one(), self._sealer)

    async def get(self, message_id: int) -> OutboxMessage | None:
        """The message with this id, or None."""
        result = await self._connection.execute(select(_OUTBOX).where(_OUTBOX.c.id == message_id))
        row = result.mappings().one_or_none()
        return None if row is None else _message(row, self._sealer)

    async def due(
        self, destination: Destination, now: datetime | None = None, limit: int = 50
    ) -> list[OutboxMessage]:
        """The pending messages to a destination that may be sent now, in id order.

        A message of a ticket waits while an earlier message of the same ticket to the same
        destination is pending (even one waiting out a retry), so a ticket's messages arrive in
        the order they were queued; other tickets' messages are not held up by it. Hence at
        most one message per ticket and destination is due at a time: mark it sent (or failed
        for good) for the next one to become due.

        Nothing is reserved: run one sender per destination.

        Args:
            destination: ``user`` or ``staff``.
            now: The moment to judge by; the clock's now by default.
            limit: At most this many.
        """
        moment = now or self._clock()
        held_back = exists().where(
            (_EARLIER.c.ticket_id == _OUTBOX.c.ticket_id)
            & (_EARLIER.c.destination == _OUTBOX.c.destination)
            & (_EARLIER.c.status == "pending")
            & (_EARLIER.c.id < _OUTBOX.c.id)
        )
        result = await self._connection.execute(
            select(_OUTBOX)
            .where(
                (_OUTBOX.c.destination == destination)
                & (_OUTBOX.c.status == "pending")
                & (_OUTBOX.c.next_attempt_at <= moment)
                & ~held_back
            )
            .order_by(_OUTBOX.c.id)
            .limit(limit)
        )
        return [_message(row, self._sealer) for row in result.mappings()]

    async def mark_sent(self, message_id: int) -> bool:
        """Record that a pending message was delivered; True if it was pending."""
        statement = (
            update(_OUTBOX)
            .where((_OUTBOX.c.id == message_id) & (_OUTBOX.c.status == "pending"))
            .values(status="sent", sent_at=self._clock())
        )
        return rowcount(await self._connection.execute(statement)) == 1

    async def mark_failed(
        self,
        message_id: int,
        error: str,
        *,
        final: bool = False,
        retry_after: timedelta | None = None,
    ) -> OutboxStatus | None:
        """Record a failed attempt and schedule the next one, or give up.

        Args:
            message_id: The message.
            error: A short code such as ``forbidden`` or ``http:502``, never a message text.
            final: Give up now (e.g. the request was malformed and will never succeed).
            retry_after: Telegram's flood wait: try again after exactly this long. It does not
                count as an attempt, because the message itself did nothing wrong, and the
                outbox queues rather than drops under rate limits.

        Returns:
            ``pending`` if it will be retried, ``failed`` if given up; None if the message was
            not pending (or is missing).

        Raises:
            ValueError: ``error`` is not a short code.
        """
        check_error_code(error)
        result = await self._connection.execute(
            select(_OUTBOX.c.attempts)
            .where((_OUTBOX.c.id == message_id) & (_OUTBOX.c.status == "pending"))
            .with_for_update()
        )
        attempts = result.scalar_one_or_none()
        if attempts is None:
            return None
        now = self._clock()
        status: OutboxStatus = "pending"
        if retry_after is not None and not final:
            next_attempt_at = now + retry_after
        else:
            attempts += 1
            next_attempt_at = now + self._retry.delay(attempts)
            if final or attempts >= self._retry.max_attempts:
                status, next_attempt_at = "failed", now
        await self._connection.execute(
            update(_OUTBOX)
            .where(_OUTBOX.c.id == message_id)
            .values(
                status=status,
                attempts=attempts,
                next_attempt_at=next_attempt_at,
                last_error=error,
            )
        )
        return status

    async def pending_count(self, destination: Destination | None = None) -> int:
        """How many messages are pending, to one destination or to all (for /metrics)."""
        statement = select(func.count()).select_from(_OUTBOX).where(_OUTBOX.c.status == "pending")
        if destination is not None:
            statement = statement.where(_OUTBOX.c.destination == destination)
        return int((await self._connection.execute(statement)).scalar_one())

    async def withdraw(
        self, ticket_id: int, destination: Destination, methods: frozenset[str] | None = None
    ) -> int:
        """Delete a ticket's pending messages to ``destination`` (only ``methods``, if given).

        For a person who left with the quick exit: a reply still on its way would bring the
        chat back onto their screen, and copies of messages they just deleted cannot be made.

        Returns:
            How many were deleted.
        """
        statement = delete(_OUTBOX).where(
            (_OUTBOX.c.ticket_id == ticket_id)
            & (_OUTBOX.c.destination == destination)
            & (_OUTBOX.c.status == "pending")
        )
        if methods is not None:
            statement = statement.where(_OUTBOX.c.method.in_(sorted(methods)))
        return rowcount(await self._connection.execute(statement))


def _message(row: RowMapping, sealer: Sealer) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        ticket_id=row["ticket_id"],
        destination=row["destination"],
        method=row["method"],
        payload=json.loads(sealer.open(row["payload"])),
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
    )
