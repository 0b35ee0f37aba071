"""The analytics queries over hand-made events, on SQLite and on PostgreSQL.

Six conversations of five people, written as the recorder would write them, with times chosen
around the period's edges and the idle threshold (``NOW`` is the report's current time):

* ``handed``: start, into ``situation``, asks for an advocate there (ended), 3 hours ago.
* ``idle``: start, the menu, 2 hours ago; then nothing (stopped at the menu).
* ``active``: start, the menu, in Russian, 10 minutes ago (still going: stopped nowhere).
* ``switched``: start in German 5 hours ago, then French at the menu (stopped there, French).
* ``button``: the menu, "Talk to a person" yesterday at 23:30 UTC (stopped at the menu).
* ``ancient``: 40 days ago, outside the default period.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from sqlalchemy import Table, insert

from bot.analytics.report import CSV_COLUMNS, HandoffCount, LanguageCount, NodeCount, read_report
from bot.analytics.tables import EventRow
from bot.storage import Storage

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=30)
_EVENTS = cast(Table, EventRow.__table__)  # type: ignore[attr-defined]
# Another offset than UTC: the day of a hand-off is still counted in UTC.
_MOSCOW = timezone(timedelta(hours=3))


def _event(
    conversation: str,
    kind: str,
    flow: str,
    node: str,
    at: datetime,
    language: str = "en",
    topic: str | None = None,
) -> dict[str, Any]:
    return {
        "at": at,
        "subject": f"subject-of-{conversation}",
        "conversation": conversation,
        "kind": kind,
        "flow": flow,
        "node": node,
        "language": language,
        "topic": topic,
    }


def _welcome(conversation: str, at: datetime, language: str = "en") -> list[dict[str, Any]]:
    return [
        _event(conversation, "started", "start", "welcome", at, language),
        _event(conversation, "reached", "start", "welcome", at, language),
        _event(conversation, "reached", "start", "menu", at, language),
    ]


EVENTS = [
    *_welcome("ancient", NOW - timedelta(days=40)),
    *_welcome("handed", NOW - timedelta(hours=3)),
    _event("handed", "reached", "start", "go_situation", NOW - timedelta(hours=3)),
    _event("handed", "reached", "situation", "where", NOW - timedelta(hours=3)),
    _event("handed", "reached", "situation", "handoff_now", NOW - timedelta(minutes=170)),
    _event(
        "handed",
        "handoff",
        "situation",
        "handoff_now",
        NOW - timedelta(minutes=170),
        "en",
        "situation",
    ),
    _event("handed", "ended", "situation", "handoff_now", NOW - timedelta(minutes=170)),
    *_welcome("idle", NOW - timedelta(hours=2)),
    *_welcome("active", NOW - timedelta(minutes=10), "ru"),
    *_welcome("switched", NOW - timedelta(hours=5), "de"),
    _event("switched", "language", "start", "menu", NOW - timedelta(minutes=299), "fr"),
    *_welcome("button", datetime(2026, 11, 24, 23, 0, tzinfo=UTC)),
    _event(
        "button",
        "handoff",
        "start",
        "menu",
        datetime(2026, 11, 25, 2, 30, tzinfo=_MOSCOW),  # 23:30 UTC the day before
        "en",
        "general",
    ),
]


@pytest.fixture
async def events(storage: Storage) -> Storage:
    async with storage.transaction() as session:
        await session._connection.execute(insert(_EVENTS), EVENTS)
    return storage


async def _report(storage: Storage, **options: Any) -> Any:
    async with storage.transaction() as session:
        return await read_report(session, now=NOW, **options)


async def test_reached_stopped_handoffs_and_languages(events: Storage) -> None:
    report = await _report(events, since=SINCE)
    assert report.conversations == 5
    assert report.nodes == (
        NodeCount("situation", "handoff_now", 1, 1),
        NodeCount("situation", "where", 1, 0),
        NodeCount("start", "menu", 5, 3),
        NodeCount("start", "welcome", 5, 0),
        NodeCount("start", "go_situation", 1, 0),
    )
    assert report.handoffs == (
        HandoffCount(date(2026, 11, 24), "general", 1),
        HandoffCount(date(2026, 11, 25), "situation", 1),
    )
    assert report.languages == (
        LanguageCount("en", 3),
        LanguageCount("fr", 1),
        LanguageCount("ru", 1),
    )
    assert (report.since, report.until, report.flow) == (SINCE, NOW, None)


async def test_without_a_start_every_event_counts(events: Storage) -> None:
    report = await _report(events)
    assert report.conversations == 6
    assert NodeCount("start", "menu", 6, 4) in report.nodes  # the ancient one stopped there


async def test_one_flow(events: Storage) -> None:
    report = await _report(events, since=SINCE, flow="situation")
    assert report.conversations == 1
    assert report.nodes == (
        NodeCount("situation", "handoff_now", 1, 1),
        NodeCount("situation", "where", 1, 0),
    )
    assert report.handoffs == (HandoffCount(date(2026, 11, 25), "situation", 1),)
    assert report.languages == (LanguageCount("en", 1),)


async def test_the_end_of_the_period_and_the_idle_time_decide_who_stopped(
    events: Storage,
) -> None:
    # Until 2h55m ago: the hand-off is not in it yet, and 'handed' was active within the hour
    # before that end, so it stopped nowhere; 'idle' came later and is not counted at all.
    early = await _report(events, since=SINCE, until=NOW - timedelta(minutes=175))
    assert early.conversations == 3
    assert NodeCount("situation", "where", 1, 0) in early.nodes
    assert NodeCount("start", "menu", 3, 2) in early.nodes
    assert not any(node.node == "handoff_now" for node in early.nodes)
    assert early.handoffs == (HandoffCount(date(2026, 11, 24), "general", 1),)

    # With five minutes of rest enough, the Russian conversation stopped at the menu too.
    impatient = await _report(events, since=SINCE, idle=timedelta(minutes=5))
    assert NodeCount("start", "menu", 5, 4) in impatient.nodes


async def test_an_empty_period(events: Storage) -> None:
    report = await _report(events, since=NOW + timedelta(days=1), until=NOW + timedelta(days=2))
    assert (report.conversations, report.nodes, report.handoffs, report.languages) == (
        0,
        (),
        (),
        (),
    )
    assert report.csv() == ",".join(CSV_COLUMNS) + "\n"


async def test_the_csv_has_one_row_per_number(events: Storage) -> None:
    report = await _report(events, since=SINCE)
    rows = list(csv.DictReader(io.StringIO(report.csv())))
    assert tuple(rows[0]) == CSV_COLUMNS
    table = [tuple(row.values()) for row in rows]
    assert table == [
        ("reached", "situation", "handoff_now", "", "", "", "1"),
        ("reached", "situation", "where", "", "", "", "1"),
        ("reached", "start", "menu", "", "", "", "5"),
        ("reached", "start", "welcome", "", "", "", "5"),
        ("reached", "start", "go_situation", "", "", "", "1"),
        ("stopped", "situation", "handoff_now", "", "", "", "1"),
        ("stopped", "start", "menu", "", "", "", "3"),
        ("handoffs", "", "", "2026-11-24", "general", "", "1"),
        ("handoffs", "", "", "2026-11-25", "situation", "", "1"),
        ("languages", "", "", "", "", "en", "3"),
        ("languages", "", "", "", "", "fr", "1"),
        ("languages", "", "", "", "", "ru", "1"),
    ]
    shown = report.as_json()
    assert shown["conversations"] == 5
    assert shown["handoffs"][0] == {"day": "2026-11-24", "topic": "general", "count": 1}
    assert shown["idle_seconds"] == 3600
