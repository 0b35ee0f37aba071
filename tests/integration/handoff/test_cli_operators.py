"""``haven operators add|remove|list`` through the real command line entry point."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.cli import main
from bot.handoff import HandoffStore, Operator
from bot.storage import Storage
from tests.keys import KEY_ENVIRONMENT, PSEUDONYMS, SEALER


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot's keys, as a deployment sets them (local mode would make a key file)."""
    for name, value in KEY_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)


def _migrate_postgres(database_url: str) -> None:
    # Like `haven serve`, the command migrates SQLite on the way; PostgreSQL is upgraded first.
    if database_url.startswith("postgresql"):
        assert main(["db", "upgrade", "--database-url", database_url]) == 0


def test_add_list_remove(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _migrate_postgres(database_url)
    capsys.readouterr()
    url = ["--database-url", database_url]
    assert main(["operators", "list", *url]) == 0
    assert "no operators yet" in capsys.readouterr().out

    assert (
        main(["operators", "add", "8589934593", "--alias", "Анна", "--languages", "ru,DE", *url])
        == 0
    )
    assert capsys.readouterr().out == "added operator 8589934593: Анна (operator; ru, de)\n"
    assert main(["operators", "add", "42", "--alias", "Ben", "--languages", "fr", *url]) == 0
    admin = ["add", "42", "--alias", "Ben", "--languages", "fr,en", "--role", "admin"]
    assert main(["operators", *admin, *url]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "updated operator 42: Ben (admin; fr, en)"

    assert main(["operators", "list", *url]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "USER ID     ROLE      ALIAS  LANGUAGES",
        "42          admin     Ben    fr,en",
        "8589934593  operator  Анна   ru,de",
    ]
    assert main(["operators", "list", "--format", "json", *url]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(o["user_id"], o["alias"], o["languages"], o["role"]) for o in listed] == [
        (42, "Ben", ["fr", "en"], "admin"),
        (8589934593, "Анна", ["ru", "de"], "operator"),
    ]
    assert listed[0]["created_at"].endswith("+00:00")

    assert main(["operators", "remove", "42", *url]) == 0
    assert capsys.readouterr().out == "removed operator 42\n"
    assert main(["operators", "remove", "42", *url]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", "haven operators: error: no operator with user id 42\n")


def test_the_operators_are_the_stores(database_url: str) -> None:
    _migrate_postgres(database_url)
    argv = ["add", "7", "--alias", "Eva", "--languages", "de-at", "--database-url", database_url]
    assert main(["operators", *argv]) == 0

    async def read() -> Operator | None:
        storage = await Storage.open(database_url, sealer=SEALER)
        try:
            async with HandoffStore(storage, pseudonyms=PSEUDONYMS).transaction() as tx:
                return await tx.operators.get(7)
        finally:
            await storage.close()

    operator = asyncio.run(read())
    assert (operator.alias, operator.languages, operator.role) == ("Eva", ("de_AT",), "operator")


def test_database_url_from_the_environment(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _migrate_postgres(database_url)
    monkeypatch.setenv(
        "DATABASE_URL", database_url.replace("+aiosqlite", "").replace("+asyncpg", "")
    )
    assert main(["operators", "add", "7", "--alias", "Eva", "--languages", "de"]) == 0
    assert main(["operators", "list", "--format", "json"]) == 0
    assert '"alias": "Eva"' in capsys.readouterr().out


def test_postgres_must_be_upgraded_first(postgres_url: str, capsys) -> None:
    assert main(["operators", "list", "--database-url", postgres_url]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("haven operators: error: ")
    assert "haven db upgrade" in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["add", "abc", "--alias", "A", "--languages", "ru"], "not a Telegram user id: 'abc'"),
        (["add", "0", "--alias", "A", "--languages", "ru"], "not a Telegram user id: '0'"),
        (["add", "-5", "--alias", "A", "--languages", "ru"], "not a Telegram user id: '-5'"),
        (["remove", "1.5"], "not a Telegram user id: '1.5'"),
        (["add", "1", "--alias", "A", "--languages", "ru,xx"], "not a language code: 'xx'"),
        (["add", "1", "--alias", "A", "--languages", ","], "no languages given"),
        (["add", "1", "--alias", " ", "--languages", "ru"], "the alias is empty"),
        (["add", "1", "--alias", "A", "--languages", "ru", "--role", "boss"], "invalid choice"),
        (["add", "1", "--languages", "ru"], "--alias"),
        (["list", "--format", "xml"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], expected: str, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'haven.sqlite3'}"
    with pytest.raises(SystemExit) as exit_:
        main(["operators", *argv, "--database-url", url])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("haven operators ")
    assert expected in err.splitlines()[-1]
    assert not (tmp_path / "haven.sqlite3").exists()  # refused before touching the database


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/haven", "unsupported database URL scheme 'mysql'"),
        ("postgresql://haven:s3cret@127.0.0.1:1/haven", "cannot use the database"),
    ],
)
def test_a_bad_or_unreachable_database_is_one_line(
    url: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["operators", "list", "--database-url", url]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("haven operators: error: ")
    assert expected in err
    assert "s3cret" not in err


@pytest.mark.parametrize(
    "argv", [["operators"], ["operators", "add"], ["operators", "remove"], ["operators", "list"]]
)
def test_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    assert "usage: haven operators" in capsys.readouterr().out


def test_a_subcommand_is_required() -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["operators"])
    assert exit_.value.code == 2
