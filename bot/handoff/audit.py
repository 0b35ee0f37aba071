"""The audit log: which operator did or viewed what, on which case, and what was refused.

Each record is written in the transaction of the action it describes, so an action and its
record stand or fall together. Records hold machine words only, never free text: the action
(``claim``, ``reply``, ``refused:close``...) and at most a short detail (a canned reply's name,
``reason-given``). A note's text, a close reason or a reply never reach the log, so it can be
kept longer than the cases themselves, and printed by ``haven audit``.

The actor is a Telegram user id: an operator's, or that of a member of the staff group who is
not one and tried to act (that attempt is exactly what an audit must show). It is never the id
of a person who asked for help.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final, cast

from sqlalchemy import Table, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import Clock

from .records import check_user_id
from .tables import AuditRow

__all__ = ["ACTIONS", "REFUSED", "Audit", "AuditEntry", "refused"]

_AUDIT = cast(Table, AuditRow.__table__)  # type: ignore[attr-defined]

#: What an operator can do or view; a refusal is ``refused:<action>``.
ACTIONS: Final = frozenset(
    {
        "claim",  # a case taken (button, /claim, or a first reply); detail "take-over"
        "close",  # detail "reason-given" when a reason was written
        "reopen",
        "note",
        "reply",  # words or media relayed to the person; detail "text" or "media"
        "canned",  # detail: the reply's name
        "ban",
        "unban",
        "queue",  # /queue: the list of open cases viewed
        "summary",  # a case's summary posted again for whoever took it
        "staff-page",  # local mode's staff page opened
        "console-link",  # a login link to the web console sent by /console
        "console-login",  # signed in to the web console with a link
        "console-view",  # a page of the web console viewed; detail: the page's name
    }
)
#: The prefix of a refused action.
REFUSED: Final = "refused:"

# A detail is one machine word: a canned reply's name is [a-z][a-z0-9_]*.
_DETAIL = re.compile(r"[a-z][a-z0-9_-]{0,63}")


def refused(action: str) -> str:
    """The action recorded when ``action`` was refused, e.g. ``refused:close``."""
    return f"{REFUSED}{action}"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One record of the audit log.

    Attributes:
        id: Its number; later records have larger ones.
        at: When (timezone-aware).
        actor: The Telegram user id of whoever acted.
        action: One of :data:`ACTIONS`, or one of them after ``refused:``.
        ticket_id: The case acted on, if any (it may since have been erased).
        detail: A short machine word, if any.
    """

    id: int
    at: datetime
    actor: int
    action: str
    ticket_id: int | None
    detail: str | None


class Audit:
    """The audit log of one transaction; get it as ``HandoffSession.audit``."""

    def __init__(self, connection: AsyncConnection, clock: Clock) -> None:
        """Work on ``connection``, which is inside a transaction; timestamps come from ``clock``."""
        self._connection = connection
        self._clock = clock

    async def record(
        self, actor: int, action: str, ticket_id: int | None = None, detail: str | None = None
    ) -> None:
        """Record that ``actor`` did (or was refused) ``action``, on case ``ticket_id``.

        Raises:
            ValueError: Not a user id, an unknown action, or a detail that is not one short
                machine word (free text must never reach the log).
        """
        check_user_id(actor)
        if action.removeprefix(REFUSED) not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        if detail is not None and not _DETAIL.fullmatch(detail):
            raise ValueError("an audit detail is one short lower-case word")
        await self._connection.execute(
            _AUDIT.insert().values(
                at=self._clock(), actor=actor, action=action, ticket_id=ticket_id, detail=detail
            )
        )

    async def list(
        self,
        *,
        since: datetime | None = None,
        actor: int | None = None,
        ticket_id: int | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """The records, oldest first, narrowed as asked.

        Args:
            since: Only records at or after this moment.
            actor: Only this user's records.
            ticket_id: Only records about this case.
            limit: At most this many: the newest of them (still oldest first).
        """
        statement = select(_AUDIT)
        if since is not None:
            statement = statement.where(_AUDIT.c.at >= since)
        if actor is not None:
            statement = statement.where(_AUDIT.c.actor == actor)
        if ticket_id is not None:
            statement = statement.where(_AUDIT.c.ticket_id == ticket_id)
        statement = statement.order_by(_AUDIT.c.id.desc())
        if limit is not None:
            statement = statement.limit(limit)
        result = await self._connection.execute(statement)
        return [_entry(row) for row in reversed(result.mappings().all())]


def _entry(row: RowMapping) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        ticket_id=row["ticket_id"],
        detail=row["detail"],
    )
