"""``haven db upgrade`` and ``haven db current`` through the real command line entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.storage import schema

TOKEN = "123456789:AAHsecretSECRETsecret_token-value"


@pytest.fixture
def no_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting from the machine, and a working directory without a .env file."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_upgrade_then_current(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    head = schema.head_revision()
    assert main(["db", "current", "--database-url", database_url]) == 0
    assert "upgrade" in capsys.readouterr().out  # not migrated yet: says what to do

    assert main(["db", "upgrade", "--database-url", database_url]) == 0
    out, err = capsys.readouterr()
    assert f"schema revision {head} (head), upgraded from empty" in out
    assert err == ""

    assert main(["db", "upgrade", "--database-url", database_url]) == 0
    assert "already up to date" in capsys.readouterr().out

    assert main(["db", "current", "--database-url", database_url]) == 0
    assert capsys.readouterr().out.strip().endswith(f"schema revision {head} (head)")


def test_database_url_from_the_environment(
    database_url: str,
    no_settings: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Plain scheme without the driver, as people write it.
    plain = database_url.replace("+aiosqlite", "").replace("+asyncpg", "")
    monkeypatch.setenv("DATABASE_URL", plain)
    assert main(["db", "upgrade"]) == 0
    assert f"revision {schema.head_revision()}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("token", "file"), [(None, "haven-local.sqlite3"), (TOKEN, "haven.sqlite3")]
)
def test_the_default_is_the_sqlite_file_haven_serve_uses(
    no_settings: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    token: str | None,
    file: str,
) -> None:
    if token:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    assert main(["db", "current"]) == 0
    assert not (no_settings / "data").exists()  # a read-only command leaves no file behind
    assert main(["db", "upgrade"]) == 0
    assert f"sqlite+aiosqlite:///{no_settings / 'data' / file}" in capsys.readouterr().out
    assert (no_settings / "data" / file).is_file()


def test_the_default_follows_data_dir(
    no_settings: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(no_settings / "state"))
    assert main(["db", "upgrade"]) == 0
    assert (no_settings / "state" / "haven-local.sqlite3").is_file()
    assert not (no_settings / "data").exists()
    assert main(["db", "current"]) == 0
    assert str(no_settings / "state") in capsys.readouterr().out


def test_database_url_and_data_dir_from_dotenv(
    no_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (no_settings / ".env").write_text(
        f"DATA_DIR=elsewhere\nDATABASE_URL=sqlite:///{no_settings / 'from-dotenv.sqlite3'}\n"
    )
    assert main(["db", "upgrade"]) == 0
    assert "from-dotenv.sqlite3" in capsys.readouterr().out
    assert (no_settings / "from-dotenv.sqlite3").is_file()
    (no_settings / ".env").write_text("DATA_DIR=elsewhere\n")
    assert main(["db", "upgrade"]) == 0
    assert (no_settings / "elsewhere" / "haven-local.sqlite3").is_file()


def test_an_invalid_configuration_is_its_lines(
    no_settings: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORT", "99999")
    monkeypatch.setenv("DATABASE_URL", "mysql://root:s3cret@localhost/haven")
    assert main(["db", "upgrade"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "haven db: error: DATABASE_URL: unsupported database URL scheme 'mysql' (use "
        "sqlite+aiosqlite or postgresql+asyncpg) (got 'mysql://root:***@localhost/haven')",
        "haven db: error: PORT: must be between 1 and 65535 (got '99999')",
    ]
    # An explicit URL needs no valid configuration.
    url = f"sqlite:///{no_settings / 'explicit.sqlite3'}"
    assert main(["db", "upgrade", "--database-url", url]) == 0


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/haven", "unsupported database URL scheme 'mysql'"),
        ("::not a url", "malformed database URL"),
        ("postgresql://haven:s3cret@127.0.0.1:1/haven", "cannot use the database"),
        ("postgresql+asyncpg://127.0.0.1", "names no database"),
    ],
)
@pytest.mark.parametrize("command", ["upgrade", "current"])
def test_a_bad_or_unreachable_database_is_one_line(
    command: str, url: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", command, "--database-url", url]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("haven db: error: ")
    assert expected in err
    assert "s3cret" not in err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["db"], ["db", "upgrade"], ["db", "current"]])
def test_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    assert "usage: haven db" in capsys.readouterr().out


def test_a_subcommand_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["db"])
    assert exit_.value.code == 2
