"""Who may act on a case: its assignee, admins, and anyone while nobody has claimed it.

Only advocates work on cases (:data:`CASE_ROLES`): a maintainer, who edits the flows and
signs in to the console for the flow map, the simulator and the analytics, is no advocate,
and the staff group treats them as anyone else who is not an operator.

Once an advocate has claimed a case, the person talks to that advocate: nobody else may write
to them, close, reopen or annotate the case, so a compromised or careless account cannot step
into someone else's conversation. Admins may, because cases must not be stranded when an
advocate is away; an admin who claims a claimed case takes it over (:func:`take_over`).
The check is made where each action happens, in the action's transaction, with the case
locked: :class:`bot.tg.desk.StaffDesk`.
"""

from __future__ import annotations

from typing import Final, cast

from sqlalchemy import Table, update

from bot.engine.translation import N_
from bot.storage import Clock

from ._sql import rowcount
from .records import Operator, OperatorRole, Ticket, check_user_id
from .store import HandoffSession, _connection_of
from .tables import TicketRow

__all__ = ["CASE_ROLES", "NOT_YOUR_CASE", "TAKEN_OVER", "advocate", "may_act", "take_over"]

#: The roles that work on cases: reply, claim, close, see the summary and the conversation.
CASE_ROLES: Final[frozenset[OperatorRole]] = frozenset({"operator", "admin"})

_TICKETS = cast(Table, TicketRow.__table__)  # type: ignore[attr-defined]

# TRANSLATORS: operators. Someone tried to answer, close, reopen or annotate a case another
# advocate has claimed. {alias} is that advocate's alias.
NOT_YOUR_CASE = N_(
    "{alias} is handling this case. Only they or an admin can write to the person, close, "
    "reopen or add notes here."
)

# TRANSLATORS: operators. An admin took a claimed case over. {alias} is the admin's alias,
# {previous} the alias of the advocate who had it.
TAKEN_OVER = N_("{alias} took this case over from {previous}.")


def advocate(operator: Operator | None) -> Operator | None:
    """``operator`` if they work on cases (see :data:`CASE_ROLES`), else None."""
    return operator if operator is not None and operator.role in CASE_ROLES else None


def may_act(operator: Operator, ticket: Ticket) -> bool:
    """Whether ``operator`` may reply, close, reopen or note on ``ticket``.

    A case nobody has claimed is everyone's (a reply claims it); a claimed one, and a closed
    one that had an assignee, belong to that assignee and to admins.
    """
    if operator.role not in CASE_ROLES:
        return False
    return operator.role == "admin" or ticket.assignee in (None, operator.user_id)


async def take_over(tx: HandoffSession, ticket: Ticket, operator_id: int, clock: Clock) -> bool:
    """Give a claimed case to ``operator_id`` (an admin, checked by the caller).

    Only if it is still claimed by the assignee the caller saw: of two admins taking it over at
    once, one wins.

    Returns:
        True if it was handed over; False if it is no longer claimed, or no longer by them.
    """
    check_user_id(operator_id)
    if ticket.assignee is None:
        return False
    now = clock()
    statement = (
        update(_TICKETS)
        .where(
            (_TICKETS.c.id == ticket.id)
            & (_TICKETS.c.status == "claimed")
            & (_TICKETS.c.assignee == ticket.assignee)
        )
        .values(assignee=operator_id, claimed_at=now, updated_at=now)
    )
    return rowcount(await _connection_of(tx.storage).execute(statement)) == 1
