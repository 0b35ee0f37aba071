"""The console's analytics pages: the report of a period as charts and tables, and its CSV.

``GET /console/analytics`` shows, for the last 7, 30 or 90 days (``?days=``) and all flows or
one (``?flow=``): conversations per language, requests for an advocate per day and topic, and
per flow its nodes with how many conversations reached and stopped at each. Every chart is
inline SVG drawn here (the console runs no script and allows no inline style, and an SVG's
``width`` attribute is neither) and repeats a table that holds its numbers, so it is hidden
from screen readers. ``GET /console/analytics.csv`` downloads the same period's
:meth:`bot.analytics.report.Report.csv`.

The numbers come from :func:`bot.analytics.report.read_report` alone: pseudonymous events,
never a person's data. A query value that is not offered (a period, a flow without events in
the period) falls back to the default instead of failing: it can only come from an edited URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final
from urllib.parse import urlencode

from babel.dates import format_date
from starlette.requests import Request
from starlette.responses import Response

from bot.analytics.report import Report, read_report
from bot.console.sessions import SignedIn
from bot.console.store import ConsoleStore
from bot.i18n import language_name

from .pages import ConsolePages
from .security import CONSOLE_HEADERS

__all__ = [
    "CHART_HEIGHT",
    "CSV_PATH",
    "DEFAULT_DAYS",
    "PAGE_PATH",
    "PERIODS",
    "AnalyticsPages",
    "AnalyticsView",
    "Bar",
    "DayColumn",
    "FlowNodes",
    "HandoffRow",
    "NodeBar",
    "analytics_view",
]

#: The analytics page.
PAGE_PATH: Final = "/console/analytics"
#: Its CSV download.
CSV_PATH: Final = f"{PAGE_PATH}.csv"
#: The periods offered, in days before now.
PERIODS: Final = (7, 30, 90)
#: The period shown unless another is chosen.
DEFAULT_DAYS: Final = 30
#: The height of the handoffs' day chart, in its SVG units (a column per day, one unit wide).
CHART_HEIGHT: Final = 40
_FILE_NAME_PART = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True, slots=True)
class Bar:
    """One labelled number and its bar, as a share of the largest of its chart.

    Attributes:
        key: What is counted, as the data has it (a language code, a topic).
        label: How the page names it.
        count: The number.
        width: The bar's length, 0 to 100 (the largest of the chart is 100).
    """

    key: str
    label: str
    count: int
    width: float


@dataclass(frozen=True, slots=True)
class HandoffRow:
    """Requests for an advocate on one day about one topic, with its bar."""

    day: date
    day_label: str
    topic: str
    count: int
    width: float


@dataclass(frozen=True, slots=True)
class DayColumn:
    """One day's column of the handoffs chart: ``height`` of :data:`CHART_HEIGHT`."""

    day: date
    count: int
    height: float


@dataclass(frozen=True, slots=True)
class NodeBar:
    """A node's row: how many reached it and stopped there, drawn against the flow's largest.

    The stopped part is the reached bar's end (``stopped_x`` to ``reached_width``): of those
    who came here, these went no further.
    """

    node: str
    reached: int
    stopped: int
    reached_width: float
    stopped_x: float
    stopped_width: float


@dataclass(frozen=True, slots=True)
class FlowNodes:
    """One flow's nodes, most reached first."""

    flow: str
    nodes: tuple[NodeBar, ...]


@dataclass(frozen=True, slots=True)
class AnalyticsView:
    """What the analytics page shows.

    Attributes:
        days: The period, in days before now.
        flow: The chosen flow; None: all.
        flows: The flows with events in the period, to choose from.
        conversations: Conversations with an event in the period (and flow).
        languages: Conversations per language.
        handoffs: Requests for an advocate per day and topic, oldest first.
        columns: Requests per day, one column per day of the period, oldest first.
        first_day: The period's first day, as the page writes it.
        last_day: Its last day (today), as the page writes it.
        nodes: Per flow, its nodes.
    """

    days: int
    flow: str | None
    flows: tuple[str, ...]
    conversations: int
    languages: tuple[Bar, ...]
    handoffs: tuple[HandoffRow, ...]
    columns: tuple[DayColumn, ...]
    first_day: str
    last_day: str
    nodes: tuple[FlowNodes, ...]


def _width(count: int, largest: int) -> float:
    """``count``'s bar length out of 100, rounded to a tenth (the SVG's precision)."""
    return round(100 * count / largest, 1) if largest else 0.0


def analytics_view(
    report: Report, *, days: int, flows: Sequence[str], language: str, today: date
) -> AnalyticsView:
    """The page's view of ``report``.

    Args:
        report: The numbers of the period (and flow).
        days: The period, in days before now.
        flows: The flows to choose from.
        language: The page's language (Babel's code), to name languages and days in.
        today: The period's last day (UTC, as the report's days are).
    """
    most = max((lang.conversations for lang in report.languages), default=0)
    languages = tuple(
        Bar(
            lang.language,
            language_name(lang.language, language),
            lang.conversations,
            _width(lang.conversations, most),
        )
        for lang in report.languages
    )
    most = max((h.count for h in report.handoffs), default=0)
    handoffs = tuple(
        HandoffRow(
            h.day,
            format_date(h.day, "medium", locale=language),
            h.topic,
            h.count,
            _width(h.count, most),
        )
        for h in report.handoffs
    )
    per_day: dict[date, int] = {}
    for h in report.handoffs:
        per_day[h.day] = per_day.get(h.day, 0) + h.count
    first = today - timedelta(days=days)
    span = [first + timedelta(days=n) for n in range(days + 1)]
    most = max(per_day.values(), default=0)
    columns = tuple(
        DayColumn(day, per_day.get(day, 0), CHART_HEIGHT * _width(per_day.get(day, 0), most) / 100)
        for day in span
    )
    by_flow: dict[str, list[NodeBar]] = {}
    largest = {n.flow: 0 for n in report.nodes}
    for n in report.nodes:
        largest[n.flow] = max(largest[n.flow], n.reached, n.stopped)
    for n in report.nodes:
        reached = _width(n.reached, largest[n.flow])
        # The stopped part lies within the reached bar; a conversation that entered the node
        # before the period and stopped in it counts as stopped, not reached: its number shows.
        stopped = min(_width(n.stopped, largest[n.flow]), reached)
        by_flow.setdefault(n.flow, []).append(
            NodeBar(n.node, n.reached, n.stopped, reached, round(reached - stopped, 1), stopped)
        )
    return AnalyticsView(
        days=days,
        flow=report.flow,
        flows=tuple(flows),
        conversations=report.conversations,
        languages=languages,
        handoffs=handoffs,
        columns=columns,
        first_day=format_date(first, "medium", locale=language),
        last_day=format_date(today, "medium", locale=language),
        nodes=tuple(FlowNodes(flow, tuple(nodes)) for flow, nodes in by_flow.items()),
    )


def _days_of(request: Request) -> int:
    """The period asked for, if it is one of :data:`PERIODS`, else :data:`DEFAULT_DAYS`."""
    asked = request.query_params.get("days", "")
    return int(asked) if asked.isdigit() and int(asked) in PERIODS else DEFAULT_DAYS


class AnalyticsPages:
    """The analytics page and its CSV, for :func:`bot.web.console.routes.console_routes`.

    Both are pages of a signed-in operator (the routes check the session first) and both are
    audited as ``console-view`` (``analytics``, ``analytics-csv``).

    Args:
        console: The console's store: its transaction reads the events and writes the audit.
        pages: The console's templates and words.
        language_of: The page's language for a request and its operator's languages.
        clock: The current time (timezone-aware).
    """

    def __init__(
        self,
        console: ConsoleStore,
        pages: ConsolePages,
        language_of: Callable[[Request, Sequence[str]], Mapping[str, str]],
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Keep what the pages need."""
        self._console = console
        self._pages = pages
        self._language_of = language_of
        self._clock = clock or (lambda: datetime.now(UTC))

    async def _report(
        self, request: Request, session: SignedIn, page: str
    ) -> tuple[Report, int, list[str], datetime]:
        """Audit the view, and read the report the query asks for.

        Returns:
            The report, its period in days, the flows to choose from, and now.
        """
        days = _days_of(request)
        now = self._clock()
        since = now - timedelta(days=days)
        async with self._console.transaction() as tx:
            await tx.handoff.audit.record(session.operator.user_id, "console-view", detail=page)
            report = await read_report(tx.handoff.storage, now=now, since=since)
            flows = sorted({n.flow for n in report.nodes})
            asked = request.query_params.get("flow")
            if asked in flows:
                report = await read_report(tx.handoff.storage, now=now, since=since, flow=asked)
        return report, days, flows, now

    async def page(self, request: Request, session: SignedIn, token: str) -> Response:
        """``GET /console/analytics``: the charts and tables of the period."""
        report, days, flows, now = await self._report(request, session, "analytics")
        language = self._language_of(request, session.operator.languages)
        view = analytics_view(
            report, days=days, flows=flows, language=language["code"], today=now.date()
        )
        query = {"days": str(days)} | ({} if report.flow is None else {"flow": report.flow})
        return self._pages.render(
            "analytics",
            language,
            view=view,
            csv_url=f"{CSV_PATH}?{urlencode(query)}",
            periods=PERIODS,
            chart_height=CHART_HEIGHT,
            csrf=self._console.signer.form_token(token),
        )

    async def csv(self, request: Request, session: SignedIn, token: str) -> Response:
        """``GET /console/analytics.csv``: the period's report as a CSV file to save."""
        report, days, _flows, now = await self._report(request, session, "analytics-csv")
        name = f"haven-analytics-{now.date().isoformat()}-{days}d"
        if report.flow is not None and _FILE_NAME_PART.fullmatch(report.flow):
            name += f"-{report.flow}"  # only what needs no quoting in the header
        headers = {
            **CONSOLE_HEADERS,
            "Content-Disposition": f'attachment; filename="{name}.csv"',
        }
        return Response(report.csv(), media_type="text/csv; charset=utf-8", headers=headers)
