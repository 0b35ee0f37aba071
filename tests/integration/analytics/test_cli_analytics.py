"""``haven analytics`` through the real command line entry point, on SQLite and PostgreSQL.

The command reads the period against the wall clock, so the events are written at times set
back from it: two conversations within the default 30 days (one of them asked for a person
three hours ago and stopped there), and one of 40 days ago.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Table, insert

from bot.analytics.tables import EventRow
from bot.cli import main
from bot.config import Settings
from bot.storage import Storage
from tests.integration.storage.conftest import run_isolated
from tests.keys import KEY_ENVIRONMENT, SEALER

_EVENTS = cast(Table, EventRow.__table__)  # type: ignore[attr-defined]


@pytest.fixture
def counted(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A database with the events of three conversations; no setting from the machine."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    for name, value in KEY_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    now = datetime.now(UTC)

    def event(
        conversation: str, kind: str, node: str, ago: timedelta, **more: Any
    ) -> dict[str, Any]:
        row = {"at": now - ago, "subject": f"s-{conversation}", "conversation": conversation}
        # Every row with every column: an INSERT of many rows takes its columns from the first.
        fields = {"kind": kind, "flow": "start", "node": node, "language": "en", "topic": None}
        return {**row, **fields, **more}

    hours, days = timedelta(hours=3), timedelta(days=10)
    rows = [
        event("x", "started", "welcome", hours),
        event("x", "reached", "welcome", hours),
        event("x", "reached", "menu", hours),
        event("x", "handoff", "menu", hours, topic="general"),
        event("y", "started", "welcome", days, language="ru"),
        event("y", "reached", "welcome", days, language="ru"),
        event("old", "reached", "welcome", timedelta(days=40)),
    ]

    async def write() -> None:
        async with (
            await Storage.open(database_url, sealer=SEALER, migrate=True) as storage,
            storage.transaction() as session,
        ):
            await session._connection.execute(insert(_EVENTS), rows)

    run_isolated(write())
    return database_url


def test_text(counted: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analytics", "--database-url", counted]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    blocks = out.rstrip("\n").split("\n\n")
    assert blocks[0].startswith("2 conversations from ")
    assert blocks[0].endswith("all flows; stopped: ended there, or idle for 60 minutes")
    assert [line.split() for line in blocks[1].splitlines()] == [
        ["FLOW", "NODE", "REACHED", "STOPPED"],
        ["start", "welcome", "2", "1"],
        ["start", "menu", "1", "1"],
    ]
    day = (datetime.now(UTC) - timedelta(hours=3)).date().isoformat()  # the hand-off's, UTC
    assert [line.split() for line in blocks[2].splitlines()] == [
        ["DAY", "TOPIC", "HANDOFFS"],
        [day, "general", "1"],
    ]
    assert [line.split() for line in blocks[3].splitlines()] == [
        ["LANGUAGE", "CONVERSATIONS"],
        ["en", "1"],
        ["ru", "1"],
    ]


def test_json_with_a_longer_period(counted: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analytics", "--since", "60d", "--format", "json", "--database-url", counted]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["conversations"] == 3
    assert shown["flow"] is None
    assert {(n["node"], n["reached"], n["stopped"]) for n in shown["nodes"]} == {
        ("welcome", 3, 2),
        ("menu", 1, 1),
    }


def test_csv_of_one_flow(counted: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analytics", "--flow", "start", "--format", "csv", "--database-url", counted]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["table", "flow", "node", "day", "topic", "language", "count"]
    assert [row for row in rows if row[0] in ("reached", "stopped", "languages")] == [
        ["reached", "start", "welcome", "", "", "", "2"],
        ["reached", "start", "menu", "", "", "", "1"],
        ["stopped", "start", "welcome", "", "", "", "1"],
        ["stopped", "start", "menu", "", "", "", "1"],
        ["languages", "", "", "", "", "en", "1"],
        ["languages", "", "", "", "", "ru", "1"],
    ]
    assert [(row[0], row[1], row[4], row[6]) for row in rows if row[0] == "handoffs"] == [
        ("handoffs", "", "general", "1")
    ]


def test_an_unknown_flow_counts_nothing(counted: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analytics", "--flow", "nope", "--database-url", counted]) == 0
    assert capsys.readouterr().out.startswith("0 conversations from ")


def test_a_bad_period_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["analytics", "--since", "last tuesday"])
    assert stopped.value.code == 2
    assert "not an age such as 7d" in capsys.readouterr().err


def test_an_unreachable_database_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in KEY_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    url = "postgresql://haven:s3cret@127.0.0.1:1/haven"
    assert main(["analytics", "--database-url", url]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("haven analytics: error: cannot use the database")
    assert err.count("\n") == 1
    assert "s3cret" not in err
