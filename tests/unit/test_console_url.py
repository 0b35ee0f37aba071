"""CONSOLE_URL: where sign-in links lead, so HTTPS (plain HTTP on loopback only), no path."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    # No .env file of a developer's, no CONSOLE_URL of the shell's.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONSOLE_URL", raising=False)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://console.example.org", "https://console.example.org"),
        ("https://console.example.org/", "https://console.example.org"),
        ("https://console.example.org:8443", "https://console.example.org:8443"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:8080/", "http://localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_accepted(given: str, kept: str) -> None:
    assert load_settings(console_url=given).console_url == kept


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("http://console.example.org", "https://"),
        ("ftp://console.example.org", "https://"),
        ("console.example.org", "https://"),
        ("https://console.example.org/haven", "without a path"),
        ("https://console.example.org/?next=1", "query"),
        ("https://user:pass@console.example.org", "user"),
        ("https://console.example.org:99999", "port"),
    ],
)
def test_refused(given: str, reason: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(console_url=given)
    [problem] = raised.value.problems
    assert problem.startswith("CONSOLE_URL: ")
    assert reason in problem


def test_unset_by_default() -> None:
    assert load_settings(telegram_bot_token=None).console_url is None
