"""``haven keys generate|rotate`` through the real command line entry point."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.cli import main
from bot.config import Settings
from bot.engine.state import ConversationState
from bot.privacy import Pseudonyms, Sealer
from bot.privacy.keys import LOCAL_KEY_FILE
from bot.storage import Storage, StoredConversation
from tests.keys import KEY_ENVIRONMENT, NEW_SECRET_KEY, SEALER

TOKEN = "123456789:HavenKeysCliTestToken"


@pytest.fixture(autouse=True)
def no_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting from the machine, and a working directory without a .env file."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture(autouse=True)
def logging_restored() -> Iterator[None]:
    """``haven serve`` sets up logging to the stderr of its test: undo it after the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_generate_prints_a_new_key_for_either_setting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "generate"]) == 0
    assert main(["keys", "generate", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    first, second = out.splitlines()
    key = json.loads(second)["key"]
    assert err == ""
    assert first != key and len(first) == len(key) == 44
    for made in (first, key):
        Fernet(made)  # a Fernet key...
        Sealer([made])
        Pseudonyms(made)  # ...and a pseudonym key


@pytest.mark.parametrize(
    "argv",
    [
        ["keys"],
        ["keys", "generate", "--format", "yaml"],
        ["keys", "rotate", "--batch-size", "0"],
        ["keys", "rotate", "--batch-size", "many"],
        ["keys", "rotate", "--sideways"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "usage: haven" in capsys.readouterr().err


def test_rotate_on_an_empty_local_database(
    no_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "rotate"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "conversations.state: 0 value(s), 0 re-sealed (0 of them plain), 0 unreadable",
        "tickets.summary: 0 value(s), 0 re-sealed (0 of them plain), 0 unreadable",
        "tickets.close_reason: 0 value(s), 0 re-sealed (0 of them plain), 0 unreadable",
        "ticket_notes.text: 0 value(s), 0 re-sealed (0 of them plain), 0 unreadable",
        "outbox.payload: 0 value(s), 0 re-sealed (0 of them plain), 0 unreadable",
        "done: 0 value(s) re-sealed with the first key",
    ]
    assert err == ""
    # Local mode: the keys `haven serve` would use, made once in DATA_DIR.
    assert (no_settings / "data" / LOCAL_KEY_FILE).is_file()
    assert (no_settings / "data" / "haven-local.sqlite3").is_file()


def test_rotate_with_a_token_needs_the_keys(
    no_settings: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert main(["keys", "rotate"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "haven keys rotate: error: HAVEN_SECRET_KEY: required with TELEGRAM_BOT_TOKEN: it seals "
        "what people and advocates write in the database (make a key with `haven keys "
        "generate`)",
        "haven keys rotate: error: HAVEN_PSEUDONYM_KEY: required with TELEGRAM_BOT_TOKEN: it "
        "keeps bans without chat ids; never change it (make a key with `haven keys generate`)",
    ]
    assert not (no_settings / "data").exists()  # no key file, no database


def test_rotate_says_when_the_database_cannot_be_used(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in KEY_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    url = "postgresql+asyncpg://haven:s3cret@127.0.0.1:1/haven"  # nobody listens there
    assert main(["keys", "rotate", "--format", "json", "--database-url", url]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("haven keys rotate: error: cannot use the database ")
    assert "s3cret" not in err and "Traceback" not in err


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_with_a_token_refuses_to_start_without_keys(
    no_settings: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("HAVEN_PSEUDONYM_KEY", KEY_ENVIRONMENT["HAVEN_PSEUDONYM_KEY"])
    monkeypatch.setenv("PORT", str(_free_port()))
    assert main(["serve"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "HAVEN_SECRET_KEY: required with TELEGRAM_BOT_TOKEN: it seals what people and "
        "advocates write in the database (make a key with `haven keys generate`)"
    ]
    assert TOKEN.split(":")[1] not in err
    assert not (no_settings / "data").exists()  # refused before any file was made


def test_serve_refuses_keys_that_open_nothing_in_its_database(
    no_settings: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{no_settings / 'data' / 'haven-local.sqlite3'}"

    async def seal_a_conversation() -> None:
        now = datetime(2026, 3, 1, tzinfo=UTC)
        state = ConversationState(root="start", flow="start", node="menu", language="en")
        async with (
            await Storage.open(url, sealer=SEALER, migrate=True) as storage,
            storage.transaction() as session,
        ):
            await session.save(StoredConversation(1001, state, "active", None, now, now))

    asyncio.run(seal_a_conversation())
    monkeypatch.setenv("HAVEN_SECRET_KEY", NEW_SECRET_KEY)  # replaced, not put in front
    monkeypatch.setenv("PORT", str(_free_port()))
    assert main(["serve"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[-1:] == [
        "HAVEN_SECRET_KEY: none of its keys opens what the database holds; to change the key, "
        "put the new one in front of the old one (NEW,OLD), then run `haven keys rotate`"
    ]
