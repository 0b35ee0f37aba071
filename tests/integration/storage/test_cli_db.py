"""``haven db upgrade`` and ``haven db current`` through the real command line entry point."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.storage import DEFAULT_DATABASE_URL, schema


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
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Plain scheme without the driver, as people write it.
    plain = database_url.replace("+aiosqlite", "").replace("+asyncpg", "")
    monkeypatch.setenv("DATABASE_URL", plain)
    assert main(["db", "upgrade"]) == 0
    assert f"revision {schema.head_revision()}" in capsys.readouterr().out


def test_the_default_is_a_sqlite_file_under_data(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["db", "current"]) == 0
    assert not (tmp_path / "data").exists()  # a read-only command leaves no file behind
    assert main(["db", "upgrade"]) == 0
    assert DEFAULT_DATABASE_URL in capsys.readouterr().out
    assert (tmp_path / "data" / "haven.sqlite3").is_file()


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
