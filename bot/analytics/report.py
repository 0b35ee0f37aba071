"""The analytics report: where conversations went and stopped, hand-offs, languages.

Everything is counted from the ``events`` table (:mod:`bot.analytics.recorder`) with GROUP BY
queries that give the same numbers on SQLite and PostgreSQL. Only events of the period count:
``since <= at < until``.

Definitions:

reached
    Per flow and node, how many distinct conversations entered the node (``reached`` events).
stopped
    Per flow and node, how many conversations stopped there. A conversation's last event in
    the period (its latest ``id``) names the node it was at; it stopped there if that event
    ended it (``ended``: an ``end`` or a ``handoff`` node), or if it is older than ``idle``
    (one hour unless told) before the end of the period (or before now, if that is earlier):
    the person did not go on. A conversation still going within that hour stopped nowhere
    yet. A conversation whose person asked for an advocate with the "Talk to a person" button
    and wrote nothing after stopped at the question they were at.
hand-offs
    Per day (UTC) and topic, how many ``handoff`` events: each request for an advocate.
languages
    Per language, how many conversations had it at their last event in the period.

With a flow, only that flow's events count: its nodes, its hand-offs, and the conversations
that had an event in it (their last event in the flow gives their language and stopping
point). Conversations count once per flow they entered, so a conversation that went from
``start`` into ``situation`` by a ``goto`` and stopped there stopped in ``situation`` only.

:meth:`Report.csv` writes one long CSV (one header, one row per number) with a ``table``
column naming which of the four tables a row belongs to, so one file holds the report and a
spreadsheet can filter or pivot it::

    table,flow,node,day,topic,language,count
    reached,start,welcome,,,,5
    stopped,start,bye,,,,1
    handoffs,,,2026-11-25,situation,,2
    languages,,,,,ru,1
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, String, Table, and_, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from bot.handoff.store import _connection_of  # to join the transaction, as repositories do
from bot.storage import StorageSession

from .tables import EventRow

__all__ = [
    "CSV_COLUMNS",
    "IDLE",
    "HandoffCount",
    "LanguageCount",
    "NodeCount",
    "Report",
    "read_report",
]

IDLE = timedelta(hours=1)
"""How long a conversation may rest before it counts as stopped where it is."""

CSV_COLUMNS = ("table", "flow", "node", "day", "topic", "language", "count")
"""The columns of :meth:`Report.csv`, in order."""

_EVENTS = cast(Table, EventRow.__table__)  # type: ignore[attr-defined]


class _UTCDay(FunctionElement[str]):
    """The UTC calendar day of a timestamp column, as ``YYYY-MM-DD`` text, in every dialect."""

    type = String()
    inherit_cache = True
    name = "utc_day"


@compiles(_UTCDay, "sqlite")
def _utc_day_sqlite(element: _UTCDay, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps UTC timestamps as ISO text (see bot.storage.tables.UTCDateTime).
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"


@compiles(_UTCDay, "postgresql")
def _utc_day_postgresql(element: _UTCDay, compiler: SQLCompiler, **kw: Any) -> str:
    # timestamptz: the day in UTC whatever the session's time zone.
    return f"to_char(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


@dataclass(frozen=True, slots=True)
class NodeCount:
    """A node's conversations: how many reached it, how many stopped there."""

    flow: str
    node: str
    reached: int
    stopped: int


@dataclass(frozen=True, slots=True)
class HandoffCount:
    """Requests for an advocate on one day (UTC) about one topic."""

    day: date
    topic: str
    count: int


@dataclass(frozen=True, slots=True)
class LanguageCount:
    """Conversations in one language."""

    language: str
    conversations: int


@dataclass(frozen=True, slots=True)
class Report:
    """The numbers of one period (see the module's definitions).

    Attributes:
        since: The period's start (None: from the first event).
        until: The period's end (excluded).
        flow: The flow the numbers are limited to; None: all.
        idle: How long a conversation rested before it counted as stopped.
        conversations: Distinct conversations with an event in the period (and flow).
        nodes: Per flow and node; by flow, then most reached first, then node.
        handoffs: Per day and topic, oldest day first, then topic.
        languages: Per language, most conversations first, then language.
    """

    since: datetime | None
    until: datetime
    flow: str | None
    idle: timedelta
    conversations: int
    nodes: tuple[NodeCount, ...]
    handoffs: tuple[HandoffCount, ...]
    languages: tuple[LanguageCount, ...]

    def csv_rows(self) -> list[tuple[str, ...]]:
        """The rows of :meth:`csv`, header first, every cell as text."""
        rows: list[tuple[str, ...]] = [CSV_COLUMNS]
        rows += [("reached", n.flow, n.node, "", "", "", str(n.reached)) for n in self.nodes]
        rows += [
            ("stopped", n.flow, n.node, "", "", "", str(n.stopped)) for n in self.nodes if n.stopped
        ]
        rows += [
            ("handoffs", "", "", h.day.isoformat(), h.topic, "", str(h.count))
            for h in self.handoffs
        ]
        rows += [
            ("languages", "", "", "", "", lang.language, str(lang.conversations))
            for lang in self.languages
        ]
        return rows

    def csv(self) -> str:
        """The report as one long CSV with a ``table`` column (see the module's docstring)."""
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(self.csv_rows())
        return out.getvalue()

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-compatible data."""
        return {
            "since": self.since.isoformat() if self.since is not None else None,
            "until": self.until.isoformat(),
            "flow": self.flow,
            "idle_seconds": int(self.idle.total_seconds()),
            "conversations": self.conversations,
            "nodes": [
                {"flow": n.flow, "node": n.node, "reached": n.reached, "stopped": n.stopped}
                for n in self.nodes
            ],
            "handoffs": [
                {"day": h.day.isoformat(), "topic": h.topic, "count": h.count}
                for h in self.handoffs
            ],
            "languages": [
                {"language": lang.language, "conversations": lang.conversations}
                for lang in self.languages
            ],
        }


async def read_report(
    session: StorageSession,
    *,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    flow: str | None = None,
    idle: timedelta = IDLE,
) -> Report:
    """Count the events of a period, in ``session``'s transaction.

    Args:
        session: A storage session (its transaction is only read).
        now: The current time (timezone-aware): the default end of the period, and the latest
            moment a conversation's rest is measured to.
        since: The period's start; None: from the first event.
        until: The period's end, excluded; None: ``now``.
        flow: Only this flow's events; None: all.
        idle: How long a conversation rests before it counts as stopped.
    """
    end = until if until is not None else now
    cutoff = min(end, now) - idle
    connection = _connection_of(session)
    e = _EVENTS.c
    where: ColumnElement[bool] = e.at < end
    if since is not None:
        where = and_(where, e.at >= since)
    if flow is not None:
        where = and_(where, e.flow == flow)

    conversations = (
        await connection.execute(select(func.count(e.conversation.distinct())).where(where))
    ).scalar_one()

    reached = await connection.execute(
        select(e.flow, e.node, func.count(e.conversation.distinct()))
        .where(where, e.kind == "reached")
        .group_by(e.flow, e.node)
    )
    counts = {(row[0], row[1]): [int(row[2]), 0] for row in reached}

    # Each conversation's last event of the period: where it is, or where it stopped.
    last = select(func.max(e.id).label("id")).where(where).group_by(e.conversation).subquery("last")
    at_last = _EVENTS.join(last, e.id == last.c.id)
    stopped = await connection.execute(
        select(e.flow, e.node, func.count())
        .select_from(at_last)
        .where((e.kind == "ended") | (e.at < cutoff), e.node.is_not(None))
        .group_by(e.flow, e.node)
    )
    for row in stopped:
        counts.setdefault((row[0], row[1]), [0, 0])[1] = int(row[2])

    day = _UTCDay(e.at)
    handoffs = await connection.execute(
        select(day, e.topic, func.count())
        .where(where, e.kind == "handoff")
        .group_by(day, e.topic)
        .order_by(day, e.topic)
    )
    languages = await connection.execute(
        select(e.language, func.count())
        .select_from(at_last)
        .where(e.language.is_not(None))
        .group_by(e.language)
    )

    nodes = sorted(
        (NodeCount(key[0], key[1], value[0], value[1]) for key, value in counts.items()),
        key=lambda n: (n.flow, -n.reached, n.node),
    )
    return Report(
        since=since,
        until=end,
        flow=flow,
        idle=idle,
        conversations=int(conversations),
        nodes=tuple(nodes),
        handoffs=tuple(
            HandoffCount(date.fromisoformat(row[0]), row[1] or "", int(row[2])) for row in handoffs
        ),
        languages=tuple(
            sorted(
                (LanguageCount(row[0], int(row[1])) for row in languages),
                key=lambda lang: (-lang.conversations, lang.language),
            )
        ),
    )
