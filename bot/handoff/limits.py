"""How often one person may open a case: a few times an hour, so cancel-and-ask-again loops
cannot flood the staff group.

Each new case costs the staff group a topic and a summary out of its shared pace (about 20
messages a minute for every case together), so someone who cancels and asks again and again
would delay everyone else's. Beyond :data:`OPENINGS_LIMIT` new cases in
:data:`OPENINGS_PERIOD` the person is told, kindly, to wait a little; a case that is still open
is never refused (asking again there opens nothing new, it only reminds them of their case).

The count comes from the tickets themselves (their chat and ``created_at``), so it holds across
restarts and workers without keeping anything more about the person. A case erased at the
person's request no longer names their chat and so no longer counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, cast

from sqlalchemy import Table, func, select

from bot.engine.translation import N_

from .store import HandoffSession, _connection_of
from .tables import TicketRow

__all__ = ["OPENINGS_LIMIT", "OPENINGS_PERIOD", "TOO_MANY_REQUESTS", "opening_refused"]

_TICKETS = cast(Table, TicketRow.__table__)  # type: ignore[attr-defined]

#: How many cases one person may open in :data:`OPENINGS_PERIOD`.
OPENINGS_LIMIT: Final = 3
#: The span the openings are counted in.
OPENINGS_PERIOD: Final = timedelta(hours=1)

# TRANSLATORS: after asking for an advocate again after cancelling several requests in a
# short time. Calm, no blame: they may be unsure, not hostile.
TOO_MANY_REQUESTS = N_(
    "You have asked for an advocate several times in a short while. Please wait a little "
    "before asking again; meanwhile the guidance here is still open to you."
)


async def opening_refused(
    tx: HandoffSession,
    chat_id: int,
    *,
    now: datetime,
    limit: int = OPENINGS_LIMIT,
    period: timedelta = OPENINGS_PERIOD,
) -> bool:
    """Whether the chat may not open a new case now: it opened ``limit`` in ``period``.

    Never True while the chat has a case that is not closed: asking again then opens nothing.

    Args:
        tx: The transaction the case would be opened in.
        chat_id: The person's private chat.
        now: The moment to count back from (the desk's clock).
        limit: How many cases ``period`` may hold.
        period: The span counted.
    """
    if await tx.tickets.open_for(chat_id) is not None:
        return False
    statement = select(func.count()).where(
        (_TICKETS.c.chat_id == chat_id) & (_TICKETS.c.created_at > now - period)
    )
    opened = (await _connection_of(tx.storage).execute(statement)).scalar_one()
    return int(opened) >= limit
