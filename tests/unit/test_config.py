"""Settings from the environment: defaults, every variable, modes, one clear line per problem,
and ``haven config``, which must never print a secret."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).parents[2]
TOKEN = "123456789:AAHsecretSECRETsecret_token-value"
SECRET = "webhook_Secret-value-42"
VARIABLES = [name.upper() for name in Settings.model_fields]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting from the machine, and a working directory without .env or flows/."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems_of(monkeypatch: pytest.MonkeyPatch, **env: str) -> list[str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.mode == "local"
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.data_dir == tmp_path / "data"
    # Local mode: a file of its own, apart from a real bot's (see below).
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/data/haven-local.sqlite3"
    assert settings.webhook_url is None
    assert settings.webhook_secret is None
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.flows_dir == ROOT / "flows"
    assert settings.locales_dir == ROOT / "locales"
    assert (settings.log_format, settings.log_level) == ("text", "INFO")
    assert {settings.source(name) for name in Settings.model_fields} == {"default"}


def test_flows_dir_in_the_working_directory_is_preferred(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    assert load_settings().flows_dir == tmp_path / "flows"


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("TELEGRAM_API_URL", "http://127.0.0.1:8081/", "telegram_api_url", "http://127.0.0.1:8081"),
        ("DATABASE_URL", "postgresql+asyncpg://h@db/haven", "database_url", None),
        ("WEBHOOK_URL", "https://bot.example.org/hook", "webhook_url", None),
        ("HOST", "0.0.0.0", "host", None),
        ("PORT", "9000", "port", 9000),
        ("LOG_FORMAT", "json", "log_format", None),
        ("LOG_LEVEL", "debug", "log_level", "DEBUG"),
    ],
)
def test_each_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str, expected: object
) -> None:
    monkeypatch.setenv(variable, value)
    if variable == "WEBHOOK_URL":
        monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    settings = load_settings()
    assert getattr(settings, field) == (value if expected is None else expected)
    assert settings.source(field) == "env"


def test_directories(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("flows", "locales"):
        (tmp_path / "here" / name).mkdir(parents=True)
    monkeypatch.setenv("FLOWS_DIR", "here/flows")
    monkeypatch.setenv("LOCALES_DIR", str(tmp_path / "here" / "locales"))
    monkeypatch.setenv("DATA_DIR", "state")
    settings = load_settings()
    assert settings.flows_dir == tmp_path / "here" / "flows"
    assert settings.locales_dir == tmp_path / "here" / "locales"
    assert settings.data_dir == tmp_path / "state"
    # The default database follows the data directory.
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/state/haven-local.sqlite3"


@pytest.mark.parametrize(
    ("env", "file"),
    [
        ({}, "haven-local.sqlite3"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN}, "haven.sqlite3"),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://b.example.org/h"},
            "haven.sqlite3",
        ),
    ],
)
def test_local_mode_and_a_real_bot_do_not_share_the_default_database(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    env: dict[str, str],
    file: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    expected = f"sqlite+aiosqlite:///{tmp_path}/data/{file}"
    assert load_settings().database_url == expected
    assert main(["config", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)["settings"]["DATABASE_URL"]
    assert shown == {"value": expected, "source": "default"}
    description = Settings.model_fields["database_url"].description or ""
    assert "haven-local.sqlite3" in description
    assert "haven.sqlite3" in description


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgres://haven:pw@db/haven", "postgresql+asyncpg://haven:pw@db/haven"),
        ("postgresql://haven@db:5433/haven", "postgresql+asyncpg://haven@db:5433/haven"),
    ],
)
def test_database_urls_get_the_async_driver(
    monkeypatch: pytest.MonkeyPatch, url: str, expected: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    assert load_settings().database_url == expected


def test_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", f" {TOKEN}\n")
    settings = load_settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings)


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({}, "local"),
        ({"WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": SECRET}, "local"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN}, "polling"),
        (
            {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "WEBHOOK_URL": "https://bot.example.org:8443/hook",
                "WEBHOOK_SECRET": SECRET,
            },
            "webhook",
        ),
        (
            {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "WEBHOOK_URL": "http://127.0.0.1:9123/hook",  # the sandbox, on loopback
                "WEBHOOK_SECRET": SECRET,
            },
            "webhook",
        ),
    ],
)
def test_modes(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], mode: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert load_settings().mode == mode


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    monkeypatch.setenv("PORT", "")
    settings = load_settings()
    assert (settings.mode, settings.port) == ("local", 8080)


def test_dotenv_file_and_arguments(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORT=9001\nLOG_LEVEL=warning\nPOSTGRES_PASSWORD=x\n")
    monkeypatch.setenv("LOG_LEVEL", "error")  # the environment wins over .env
    settings = load_settings(host="0.0.0.0")
    assert (settings.port, settings.log_level, settings.host) == (9001, "ERROR", "0.0.0.0")
    assert settings.source("port") == ".env"
    assert settings.source("log_level") == "env"
    assert settings.source("host") == "argument"


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"PORT": "99999"}, "PORT: must be between 1 and 65535 (got '99999')"),
        ({"PORT": "0"}, "PORT: must be between 1 and 65535 (got '0')"),
        (
            {"PORT": "http"},
            "PORT: must be a valid integer, unable to parse string as an integer (got 'http')",
        ),
        ({"TELEGRAM_API_URL": "api.telegram.org"}, "TELEGRAM_API_URL: must be an http:// or"),
        ({"TELEGRAM_API_URL": "https://x.org/?a=1"}, "TELEGRAM_API_URL: must not have a query"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL: malformed database URL"),
        ({"DATABASE_URL": "mysql://h/haven"}, "DATABASE_URL: unsupported database URL scheme"),
        ({"WEBHOOK_URL": "http://bot.example.org/hook", "WEBHOOK_SECRET": SECRET}, "WEBHOOK_URL:"),
        (
            {"WEBHOOK_URL": "https://bot.example.org:8080/hook", "WEBHOOK_SECRET": SECRET},
            "WEBHOOK_URL: Telegram delivers webhooks to ports 443, 80, 88, 8443 only",
        ),
        (
            {"WEBHOOK_URL": "https://bot.example.org/hook"},
            "WEBHOOK_SECRET: required when WEBHOOK_URL is set",
        ),
        ({"HOST": "my host"}, "HOST: must be an address or a host name"),
        ({"FLOWS_DIR": "missing"}, "FLOWS_DIR: no such directory (got 'missing')"),
        ({"LOCALES_DIR": "missing"}, "LOCALES_DIR: no such directory (got 'missing')"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT: must be 'text' or 'json' (got 'xml')"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR"),
    ],
)
def test_each_invalid_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], line: str
) -> None:
    problems = problems_of(monkeypatch, **env)
    assert len(problems) == 1
    assert problems[0].startswith(line)
    assert "\n" not in problems[0]


def test_data_dir_that_is_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    assert problems_of(monkeypatch, DATA_DIR="file") == [
        "DATA_DIR: exists but is not a directory (got 'file')"
    ]


def test_several_problems_give_several_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = problems_of(monkeypatch, PORT="-1", LOG_FORMAT="xml", HOST=" ")
    assert [line.split(":")[0] for line in problems] == ["HOST", "PORT", "LOG_FORMAT"]


@pytest.mark.parametrize(
    ("env", "secret"),
    [
        ({"TELEGRAM_BOT_TOKEN": "123:has spaces-TOPSECRET"}, "TOPSECRET"),
        ({"TELEGRAM_BOT_TOKEN": "TOPSECRET"}, "TOPSECRET"),
        (
            {"WEBHOOK_URL": "https://bot.example.org/h", "WEBHOOK_SECRET": "TOP SECRET!"},
            "TOP SECRET",
        ),
        ({"DATABASE_URL": "mysql://haven:TOPSECRET@db/haven"}, "TOPSECRET"),
        ({"DATABASE_URL": "postgresql://haven:TOPSECRET@db"}, "TOPSECRET"),
        ({"DATABASE_URL": "postgres ql://haven:TOPSECRET@db/haven"}, "TOPSECRET"),
    ],
)
def test_errors_never_repeat_a_secret(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], secret: str
) -> None:
    problems = problems_of(monkeypatch, **env)
    assert len(problems) == 1
    assert secret not in problems[0]


def test_haven_config_masks_secrets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/hook")
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://haven:dbPassw0rd@db/haven")
    assert main(["config"]) == 0
    out, err = capsys.readouterr()
    for secret in (TOKEN, TOKEN.split(":")[1], SECRET, "dbPassw0rd"):
        assert secret not in out + err
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:]}
    assert out.startswith("mode: webhook")
    assert lines["TELEGRAM_BOT_TOKEN"] == ["set", "(env)"]
    assert lines["WEBHOOK_SECRET"] == ["set", "(env)"]
    assert lines["DATABASE_URL"] == ["postgresql+asyncpg://haven:***@db/haven", "(env)"]
    assert lines["PORT"] == ["8080", "(default)"]
    assert set(lines) == set(VARIABLES)


@pytest.mark.parametrize("output", ["text", "json"])
def test_haven_config_masks_passwords_in_urls_and_the_webhook_path(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", "https://proxyuser:ApiPassw0rd@tg.example.org:8081")
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org:8443/hook/PathSecret42")
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv(
        "DATABASE_URL",
        "postgresql://haven@db/haven?password=QueryPassw0rd&ssl=require&sslpassword=KeyPass",
    )
    assert main(["config", "--format", output]) == 0
    out, err = capsys.readouterr()
    for secret in ("ApiPassw0rd", "PathSecret42", "/hook", "QueryPassw0rd", "KeyPass"):
        assert secret not in out + err
    if output == "json":
        shown = {name: item["value"] for name, item in json.loads(out)["settings"].items()}
    else:
        shown = {line.split()[0]: line.split()[1] for line in out.splitlines()[1:]}
    assert shown["TELEGRAM_API_URL"] == "https://proxyuser:***@tg.example.org:8081"
    assert shown["WEBHOOK_URL"] == "https://bot.example.org:8443/***"
    assert shown["DATABASE_URL"] == (
        "postgresql+asyncpg://haven@db/haven?password=***&ssl=require&sslpassword=***"
    )


def test_haven_config_masks_the_api_url_in_polling_mode(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", "https://proxyuser:ApiPassw0rd@tg.example.org")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert (
        out.splitlines()[0] == "mode: polling (long polling https://proxyuser:***@tg.example.org)"
    )
    assert "ApiPassw0rd" not in out


@pytest.mark.parametrize(
    ("env", "secret"),
    [
        ({"TELEGRAM_API_URL": "ftp://u:ApiPassw0rd@tg.example.org"}, "ApiPassw0rd"),
        ({"WEBHOOK_URL": "http://bot.example.org/PathSecret42"}, "PathSecret42"),
        ({"DATABASE_URL": "mysql://h/haven?password=QueryPassw0rd"}, "QueryPassw0rd"),
    ],
)
def test_rejected_urls_are_quoted_masked(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], secret: str
) -> None:
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    (problem,) = problems_of(monkeypatch, **env)
    assert "(got '" in problem
    assert secret not in problem
    assert "***" in problem


def test_haven_config_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("PORT", "8443")
    assert main(["config", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert TOKEN not in out
    report = json.loads(out)
    assert report["mode"] == "polling"
    settings = report["settings"]
    assert set(settings) == set(VARIABLES)
    assert settings["TELEGRAM_BOT_TOKEN"] == {"value": "set", "source": "env"}
    assert settings["WEBHOOK_SECRET"] == {"value": "not set", "source": "default"}
    assert settings["WEBHOOK_URL"] == {"value": None, "source": "default"}
    assert settings["PORT"] == {"value": 8443, "source": "env"}
    assert settings["FLOWS_DIR"]["value"] == str(ROOT / "flows")


@pytest.mark.parametrize("output", ["text", "json"])
def test_haven_config_invalid(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "TOPSECRET")
    monkeypatch.setenv("PORT", "99999")
    assert main(["config", "--format", output]) == 1
    out, err = capsys.readouterr()
    assert "TOPSECRET" not in out + err
    assert "Traceback" not in out + err
    expected_port = "PORT: must be between 1 and 65535 (got '99999')"
    if output == "json":
        problems = json.loads(out)["errors"]
    else:
        assert out == ""
        problems = err.splitlines()
    assert len(problems) == 2
    assert problems[0].startswith("TELEGRAM_BOT_TOKEN: must look like")
    assert problems[1] == expected_port


def test_unreadable_dotenv_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"\xff\xfePORT=1\n")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.problems == [".env: cannot be read (not UTF-8)"]


def test_settings_do_not_load_the_command_line(tmp_path: Path) -> None:
    # bot.config sits below bot.cli: commands import it, not the other way round.
    script = (
        "import sys; from bot.config import load_settings; load_settings(); "
        "print(sorted(name for name in sys.modules if name.startswith('bot.cli')))"
    )
    environment = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME")}
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "[]"
