"""What the handoff store hands out: plain, immutable records, never ORM rows.

Records can be passed around, compared and kept after their transaction has ended, like
:class:`bot.storage.StoredConversation`. The checks at the bottom are shared by the store and
the ``haven operators`` command, so both refuse the same input with the same words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from bot.engine.flow import Value
from bot.i18n.negotiation import parse_language_tag

__all__ = [
    "DESTINATIONS",
    "MAX_ALIAS_LENGTH",
    "MAX_TELEGRAM_USER_ID",
    "OPERATOR_ROLES",
    "OUTBOX_STATUSES",
    "TICKET_STATUSES",
    "Destination",
    "Note",
    "Operator",
    "OperatorRole",
    "OutboxMessage",
    "OutboxStatus",
    "QueueEntry",
    "Summary",
    "Ticket",
    "TicketStatus",
    "check_alias",
    "check_error_code",
    "check_user_id",
    "normalize_languages",
]

TicketStatus = Literal["open", "claimed", "closed"]
OperatorRole = Literal["operator", "admin", "maintainer"]
Destination = Literal["user", "staff"]
OutboxStatus = Literal["pending", "sent", "failed"]

TICKET_STATUSES: tuple[str, ...] = get_args(TicketStatus)
OPERATOR_ROLES: tuple[str, ...] = get_args(OperatorRole)
DESTINATIONS: tuple[str, ...] = get_args(Destination)
OUTBOX_STATUSES: tuple[str, ...] = get_args(OutboxStatus)

Summary = tuple[tuple[str, Value], ...]
"""The variables a flow lets the advocate see, as ``(name, value)`` in the flow's order."""

MAX_ALIAS_LENGTH = 32
"""An alias signs every relayed message: short enough to read at a glance."""

MAX_TELEGRAM_USER_ID = 2**52
"""Telegram user ids fit in 52 bits (Telegram's own promise); anything larger is a typo."""

_ERROR_CODE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


@dataclass(frozen=True, slots=True)
class Ticket:
    """A request for a human advocate.

    Attributes:
        id: The case number, shown as ``#<id>`` (see :attr:`case`).
        chat_id: The user's private chat, used for routing only: never shown to operators.
        topic: The flow's topic of the handoff (e.g. ``asylum``).
        language: The user's language.
        status: ``open`` (waiting for an advocate), ``claimed`` or ``closed``.
        assignee: The operator who claimed it; kept after closing, for the record.
        thread_id: The staff forum topic of the ticket, once created. Thread ids are only
            unique within one group: the topic is this id in :attr:`thread_chat_id`.
        thread_chat_id: The staff group :attr:`thread_id` belongs to; None for a ticket
            whose topic was created before the group was recorded (its group is unknown).
            A topic in another group than the current staff group is no topic for the case:
            see :meth:`topic_in`.
        summary: What the flow allows the advocate to see.
        flow: The flow the ticket was opened in.
        node: The node it was opened at.
        username_revealed: The user chose to show their username to the advocate.
        user_blocked: The user blocked the bot, so nothing reaches them.
        close_reason: What the operator gave when closing, if anything.
        created_at: When it was opened (timezone-aware UTC, like every timestamp here).
        claimed_at: When it was last claimed.
        closed_at: When it was closed; None while it is not.
        updated_at: When it last changed.
        overdue_notified_at: When the user was told that nobody has claimed it yet.
    """

    id: int
    chat_id: int
    topic: str
    language: str
    status: TicketStatus
    assignee: int | None
    thread_id: int | None
    thread_chat_id: int | None
    summary: Summary
    flow: str
    node: str
    username_revealed: bool
    user_blocked: bool
    close_reason: str | None
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime
    overdue_notified_at: datetime | None

    @property
    def case(self) -> str:
        """The case number as people see it: ``#42``."""
        return f"#{self.id}"

    def topic_in(self, staff_chat_id: int | None) -> int | None:
        """The ticket's forum topic in the staff group ``staff_chat_id``, or None.

        None too when the topic is in another group (the deployment moved to a new one) or in
        an unknown one: the same thread id there may be another case's topic.
        """
        if staff_chat_id is None or self.thread_chat_id != staff_chat_id:
            return None
        return self.thread_id


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A ticket in the queue, and whether it has waited for an advocate too long."""

    ticket: Ticket
    overdue: bool


@dataclass(frozen=True, slots=True)
class Note:
    """An operator's internal note on a ticket: for the staff only, never relayed."""

    id: int
    ticket_id: int
    operator_id: int
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Operator:
    """Someone allowed to act in the staff group.

    Attributes:
        user_id: Their Telegram user id.
        alias: The name users see on relayed messages instead of the operator's account.
        languages: The language codes they work in, in their order of preference.
        role: ``operator``, ``admin`` (may also ban and manage), or ``maintainer`` (edits the
            flows: signs in to the console, but works on no case; see
            :data:`bot.handoff.authority.CASE_ROLES`).
        created_at: When they were first added.
    """

    user_id: int
    alias: str
    languages: tuple[str, ...]
    role: OperatorRole
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A Bot API call waiting to be made, or made.

    Attributes:
        id: Its place in the delivery order.
        ticket_id: The ticket it belongs to, if any; a ticket's messages to one destination
            are delivered one after another (see :meth:`bot.handoff.Outbox.due`).
        destination: ``user`` (a private chat) or ``staff`` (the operators' group), whose
            rate limits differ.
        method: The Bot API method, e.g. ``copyMessage``.
        payload: The method's parameters.
        status: ``pending``, ``sent``, or ``failed`` (given up).
        attempts: Failed attempts so far.
        next_attempt_at: When it may be tried (again).
        last_error: A short code of the last failure (never a message text).
        created_at: When it was queued.
        sent_at: When it was delivered.
    """

    id: int
    ticket_id: int | None
    destination: Destination
    method: str
    payload: Mapping[str, Any]
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def check_user_id(user_id: int) -> int:
    """Return ``user_id`` if it can be a Telegram user's id.

    Raises:
        ValueError: Not positive (groups and channels have negative ids) or too large.
    """
    if isinstance(user_id, bool) or not 0 < user_id < MAX_TELEGRAM_USER_ID:
        raise ValueError(f"not a Telegram user id: {user_id}")
    return user_id


def check_alias(alias: str) -> str:
    """Return the alias with surrounding blanks removed.

    Raises:
        ValueError: Empty, too long, or holding control characters (a line break would let an
            alias forge lines of a relayed message).
    """
    stripped = alias.strip()
    if not stripped:
        raise ValueError("the alias is empty")
    if len(stripped) > MAX_ALIAS_LENGTH:
        raise ValueError(f"the alias is longer than {MAX_ALIAS_LENGTH} characters")
    if any(not character.isprintable() for character in stripped):
        raise ValueError("the alias holds control characters")
    return stripped


def normalize_languages(codes: Iterable[str]) -> tuple[str, ...]:
    """Check language codes and write them the way the catalogs are named.

    ``RU``, ``de-AT`` and ``pt_br`` become ``ru``, ``de_AT`` and ``pt_BR``; repeats are dropped,
    the order kept.

    Raises:
        ValueError: No codes, or a code that is not a known locale (the message names it).
    """
    normalized: list[str] = []
    for raw in codes:
        code = raw.strip()
        locale = parse_language_tag(code)
        # Babel guesses for some tags ("und" becomes en_US): accept only what names itself.
        if locale is None or str(locale).lower() != code.replace("-", "_").lower():
            raise ValueError(f"not a language code: {raw.strip()!r}")
        if str(locale) not in normalized:
            normalized.append(str(locale))
    if not normalized:
        raise ValueError("no languages given")
    return tuple(normalized)


def check_error_code(error: str) -> str:
    """Return ``error`` if it is a short code (``forbidden``, ``http:502``), not free text.

    Raises:
        ValueError: It holds spaces or other characters of prose, or is longer than 64.
    """
    if not _ERROR_CODE.fullmatch(error):
        raise ValueError("an outbox error must be a short code such as 'forbidden'")
    return error
