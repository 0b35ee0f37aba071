"""The relayed conversation of a case: what the person and the advocates said to each other.

The console's case page shows it; Telegram's topic holds the same copies for the staff group.
Texts and captions are sealed like every other free text (:mod:`bot.privacy.sealing`); media
are never kept, only their kind (``photo``, ``voice``...), so the page can say that one came.
The rows go with the case's other content: at /forget, and when a closed case's retention
ends (:func:`bot.privacy.erasure.erase_ticket`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final, Literal, cast, get_args

from sqlalchemy import Table, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import Clock

from .records import check_user_id
from .tables import RelayedMessageRow

if TYPE_CHECKING:
    from bot.privacy.sealing import Sealer

__all__ = ["MAX_SHOWN", "RelayedMessage", "RelayedMessages", "Sender"]

Sender = Literal["person", "advocate"]
SENDERS: Final = get_args(Sender)
#: A case page shows at most this many of the latest messages.
MAX_SHOWN: Final = 500

_RELAYED = cast(Table, RelayedMessageRow.__table__)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class RelayedMessage:
    """One relayed message.

    Attributes:
        sender: ``person`` (to the advocates) or ``advocate`` (to the person).
        operator_id: The advocate who wrote; None for the person.
        kind: ``text``, or the kind of media (``photo``, ``document``, ``voice``...).
        text: The words: a text, or a media's caption; None for media without one.
        created_at: When it was relayed.
    """

    sender: Sender
    operator_id: int | None
    kind: str
    text: str | None
    created_at: datetime


class RelayedMessages:
    """The relayed messages of one transaction; get it as ``HandoffSession.relayed``."""

    def __init__(self, connection: AsyncConnection, clock: Clock, sealer: Sealer) -> None:
        self._connection = connection
        self._clock = clock
        self._sealer = sealer

    async def record(
        self,
        ticket_id: int,
        sender: Sender,
        kind: str,
        text: str | None = None,
        *,
        operator_id: int | None = None,
    ) -> None:
        """Keep one relayed message of ``ticket_id`` (its text sealed).

        Raises:
            ValueError: An unknown sender, an advocate's message without the advocate, or a
                person's with one.
        """
        if sender not in SENDERS:
            raise ValueError(f"unknown sender {sender!r}")
        if (sender == "advocate") != (operator_id is not None):
            raise ValueError("an advocate's message names its advocate, a person's none")
        if operator_id is not None:
            check_user_id(operator_id)
        await self._connection.execute(
            _RELAYED.insert().values(
                ticket_id=ticket_id,
                sender=sender,
                operator_id=operator_id,
                kind=kind,
                text=None if text is None else self._sealer.seal(text),
                created_at=self._clock(),
            )
        )

    async def of(self, ticket_id: int, limit: int = MAX_SHOWN) -> list[RelayedMessage]:
        """The latest ``limit`` messages of ``ticket_id``, oldest first."""
        result = await self._connection.execute(
            select(_RELAYED)
            .where(_RELAYED.c.ticket_id == ticket_id)
            .order_by(_RELAYED.c.id.desc())
            .limit(limit)
        )
        return [self._message(row) for row in reversed(result.mappings().all())]

    def _message(self, row: RowMapping) -> RelayedMessage:
        text = row["text"]
        return RelayedMessage(
            sender=row["sender"],
            operator_id=row["operator_id"],
            kind=row["kind"],
            text=None if text is None else self._sealer.open(text),
            created_at=row["created_at"],
        )
