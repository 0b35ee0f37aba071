"""``haven db purge [--dry-run] [--format text|json]`` through the real command line entry point.

Runs on SQLite and on PostgreSQL. The command measures ages from the wall clock, so the rows
are written with a clock set back from it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.handoff import HandoffStore
from bot.privacy.retention import CLASSES
from bot.storage import Storage
from tests.integration.storage.conftest import FakeClock, _conversation, run_isolated
from tests.keys import PSEUDONYMS, SEALER

OLD, YOUNG = 2**40 + 7, 2**40 + 8


@pytest.fixture
def no_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting from the machine, and a working directory without a .env file."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def aged(database_url: str, no_settings: Path) -> str:
    """A database with a conversation idle 40 days, one idle 1 day, an update of 8 days ago."""

    async def write() -> None:
        clock = FakeClock()
        clock.now = datetime.now(UTC) - timedelta(days=40, minutes=30)
        async with await Storage.open(
            database_url, sealer=SEALER, migrate=True, clock=clock
        ) as storage:
            handoff = HandoffStore(storage, pseudonyms=PSEUDONYMS, clock=clock)
            async with handoff.transaction() as tx:
                await tx.storage.save(_conversation(OLD, clock))
                clock.now = datetime.now(UTC) - timedelta(days=8, minutes=30)
                await tx.storage.claim_update(77)
                clock.now = datetime.now(UTC) - timedelta(days=1)
                await tx.storage.save(_conversation(YOUNG, clock))

    run_isolated(write())
    return database_url


def conversations(database_url: str) -> list[int]:
    async def read() -> list[int]:
        async with (
            await Storage.open(database_url, sealer=SEALER) as storage,
            storage.transaction() as session,
        ):
            return [chat for chat in (OLD, YOUNG) if await session.conversation(chat) is not None]

    return run_isolated(read())


def test_a_dry_run_lists_what_would_go_and_deletes_nothing(
    aged: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "purge", "--dry-run", "--database-url", aged]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0].endswith(": would delete 2 rows (dry run)")
    table = {line.split()[0]: line.split()[1:] for line in lines[3 : 3 + len(CLASSES)]}
    assert list(table) == list(CLASSES)
    assert table["conversations"] == ["30d", "1"]
    assert table["chat_messages"] == ["2d", "0"]
    assert table["handled_updates"] == ["7d", "1"]
    assert table["audit_log"] == ["365d", "0"]
    assert table["console_sessions"] == ["expiry", "0"]
    rows = [line.split() for line in lines[4 + len(CLASSES) :]]
    assert rows[0] == ["table", "id", "age"]
    assert rows[1][0] == "conversations" and rows[1][2:] == ["40d"]
    assert rows[2] == ["handled_updates", "77", "8d"]
    assert len(rows) == 3
    assert str(OLD) not in out  # a row id, never the chat
    assert conversations(aged) == [OLD, YOUNG]


def test_json(aged: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "purge", "--dry-run", "--format", "json", "--database-url", aged]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["dry_run"] is True
    by_table = {purged["table"]: purged for purged in shown["classes"]}
    assert list(by_table) == list(CLASSES)
    assert by_table["conversations"]["kept_seconds"] == 30 * 86400
    assert by_table["conversations"]["count"] == 1
    [row] = by_table["conversations"]["rows"]
    assert 40 * 86400 <= row["age_seconds"] < 41 * 86400
    assert by_table["chat_messages"] == {
        "table": "chat_messages",
        "kept_seconds": 48 * 3600,
        "count": 0,
        "rows": [],
    }

    assert main(["db", "purge", "--format", "json", "--database-url", aged]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["dry_run"] is False
    assert [purged["count"] for purged in done["classes"]] == [1, 0, 0, 0, 1, 0, 0, 0, 0]
    assert all("rows" not in purged for purged in done["classes"])


def test_a_purge_deletes_what_expired(aged: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "purge", "--database-url", aged]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith(": deleted 2 rows")
    assert re.search(r"^conversations +30d +1$", out, re.MULTILINE)
    # The heading, a blank line, the table's heading and a line per class: no rows listed.
    assert len(out.splitlines()) == 3 + len(CLASSES)
    assert conversations(aged) == [YOUNG]

    assert main(["db", "purge", "--dry-run", "--database-url", aged]) == 0
    assert ": would delete 0 rows (dry run)" in capsys.readouterr().out


def test_the_periods_are_the_settings(
    aged: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RETENTION_CONVERSATION_DAYS", "50")
    assert main(["db", "purge", "--database-url", aged]) == 0
    assert re.search(r"^conversations +50d +0$", capsys.readouterr().out, re.MULTILINE)
    assert conversations(aged) == [OLD, YOUNG]


def test_an_invalid_period_is_one_line(
    no_settings: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RETENTION_OUTBOX_DAYS", "0")
    url = f"sqlite:///{no_settings / 'haven.sqlite3'}"
    assert main(["db", "purge", "--dry-run", "--database-url", url]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "haven db: error: RETENTION_OUTBOX_DAYS: must be between 1 and 36500 days (got '0')\n"
    )


def test_no_database_yet_is_nothing_to_purge(
    no_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = no_settings / "nowhere" / "haven.sqlite3"
    assert main(["db", "purge", "--dry-run", "--database-url", f"sqlite:///{missing}"]) == 0
    assert "no database yet, nothing to purge" in capsys.readouterr().out
    assert not missing.exists()
    assert not (no_settings / "data").exists()  # not even the local key file


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["db", "purge", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "usage: haven db purge" in out
    assert "--dry-run" in out
