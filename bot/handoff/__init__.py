"""Handoff to human advocates: tickets, operators, bans and the outbox of relayed messages.

This first part is the data layer: the tables (on the storage's metadata, created by the
storage's migrations) and :class:`HandoffStore`, whose methods work in one transaction of
:class:`bot.storage.Storage`.

Example:
    >>> handoff = HandoffStore(storage, pseudonyms=keys.pseudonyms)  # doctest: +SKIP
    >>> async with handoff.transaction() as tx:  # doctest: +SKIP
    ...     ticket, created = await tx.tickets.open(
    ...         chat_id, topic="asylum", language="ru", summary=[("country", "KZ")],
    ...         flow="main", node="ask_advocate",
    ...     )
    ...     if await tx.tickets.claim(ticket.id, operator_id):
    ...         await tx.outbox.enqueue("user", "sendMessage", {"chat_id": chat_id, "text": text})

Like :mod:`bot.storage`, nothing here logs a name, username, id or message text.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .records import (
    Destination,
    Note,
    Operator,
    OperatorRole,
    OutboxMessage,
    OutboxStatus,
    QueueEntry,
    Summary,
    Ticket,
    TicketStatus,
    normalize_languages,
)

if TYPE_CHECKING:
    from .bans import Bans
    from .operators import Operators
    from .outbox import DEFAULT_RETRY, Outbox, RetryPolicy
    from .store import HandoffSession, HandoffStore
    from .tickets import OpenTicketExists, Tickets

__all__ = [
    "DEFAULT_RETRY",
    "Bans",
    "Destination",
    "HandoffSession",
    "HandoffStore",
    "Note",
    "OpenTicketExists",
    "Operator",
    "OperatorRole",
    "Operators",
    "Outbox",
    "OutboxMessage",
    "OutboxStatus",
    "QueueEntry",
    "RetryPolicy",
    "Summary",
    "Ticket",
    "TicketStatus",
    "Tickets",
    "normalize_languages",
]

# The repositories import bot.storage, whose tables module imports bot.handoff.tables (to put
# the handoff tables on its metadata). Importing them here eagerly would close that circle
# while bot.storage is half-initialized, so they load on first use instead.
_LAZY = {
    "Bans": ".bans",
    "Operators": ".operators",
    "DEFAULT_RETRY": ".outbox",
    "Outbox": ".outbox",
    "RetryPolicy": ".outbox",
    "HandoffSession": ".store",
    "HandoffStore": ".store",
    "OpenTicketExists": ".tickets",
    "Tickets": ".tickets",
}


def __getattr__(name: str) -> Any:
    """Load a repository's module when one of its names is first used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)
