"""Where the keys come from: the settings, or local mode's key file; required with a token."""

from __future__ import annotations

import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings
from bot.privacy import load_keys
from bot.privacy.keys import LOCAL_KEY_FILE, local_key_file
from tests.keys import KEY_SETTINGS, NEW_SECRET_KEY, PSEUDONYM_KEY, PSEUDONYMS, SECRET_KEY

TOKEN = "123456789:HavenKeysTestToken"
CHAT = 2**40 + 1


@pytest.fixture(autouse=True)
def no_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting from the machine, and a working directory without a .env file."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def settings(tmp_path: Path, **overrides: object) -> Settings:
    return load_settings(data_dir=tmp_path / "data", **overrides)


def test_the_settings_keys_are_used(tmp_path: Path) -> None:
    keys = load_keys(settings(tmp_path, telegram_bot_token=TOKEN, **KEY_SETTINGS))
    assert keys.pseudonyms.of(CHAT) == PSEUDONYMS.of(CHAT)
    assert keys.sealer.key_count == 1
    assert not (tmp_path / "data").exists()  # no key file where keys are given


def test_several_secret_keys_newest_first(tmp_path: Path) -> None:
    both = f" {NEW_SECRET_KEY} , {SECRET_KEY},"
    keys = load_keys(
        settings(
            tmp_path,
            telegram_bot_token=TOKEN,
            haven_secret_key=both,
            haven_pseudonym_key=PSEUDONYM_KEY,
        )
    )
    assert keys.sealer.key_count == 2
    old = load_keys(settings(tmp_path, telegram_bot_token=TOKEN, **KEY_SETTINGS))
    sealed = old.sealer.seal("x")
    assert keys.sealer.open(sealed) == "x" and not keys.sealer.is_current(sealed)
    # The pseudonyms do not follow the encryption keys: bans survive a rotation.
    assert keys.pseudonyms.of(CHAT) == old.pseudonyms.of(CHAT)


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({}, ["HAVEN_SECRET_KEY", "HAVEN_PSEUDONYM_KEY"]),
        ({"haven_secret_key": SECRET_KEY}, ["HAVEN_PSEUDONYM_KEY"]),
        ({"haven_pseudonym_key": PSEUDONYM_KEY}, ["HAVEN_SECRET_KEY"]),
    ],
)
@pytest.mark.parametrize("webhook", [False, True])
def test_a_bot_with_a_token_refuses_to_start_without_its_keys(
    tmp_path: Path, given: dict[str, str], missing: list[str], webhook: bool
) -> None:
    extra = {"webhook_url": "https://bot.example/hook", "webhook_secret": "s"} if webhook else {}
    with pytest.raises(ConfigError) as raised:
        load_keys(settings(tmp_path, telegram_bot_token=TOKEN, **given, **extra))
    problems = raised.value.problems
    assert [problem.split(":")[0] for problem in problems] == missing
    assert all("required with TELEGRAM_BOT_TOKEN" in problem for problem in problems)
    assert all("`haven keys generate`" in problem for problem in problems)
    assert SECRET_KEY not in str(raised.value) and PSEUDONYM_KEY not in str(raised.value)
    assert not (tmp_path / "data").exists()  # no key file made for a real bot


def test_local_mode_makes_a_private_key_file_once_and_reuses_it(tmp_path: Path) -> None:
    first = load_keys(settings(tmp_path))
    path = tmp_path / "data" / LOCAL_KEY_FILE
    assert local_key_file(tmp_path / "data") == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_text()
    assert "HAVEN_SECRET_KEY=" in content and "HAVEN_PSEUDONYM_KEY=" in content
    assert [p.name for p in path.parent.iterdir()] == [LOCAL_KEY_FILE]  # no temporary left
    sealed = first.sealer.seal("local answer")

    again = load_keys(settings(tmp_path))
    assert path.read_text() == content
    assert again.sealer.open(sealed) == "local answer"
    assert again.pseudonyms.of(CHAT) == first.pseudonyms.of(CHAT)
    assert first.pseudonyms.of(CHAT) != PSEUDONYMS.of(CHAT)  # new random keys, not the tests'


def test_local_mode_prefers_the_keys_that_are_set(tmp_path: Path) -> None:
    keys = load_keys(settings(tmp_path, haven_secret_key=SECRET_KEY))
    assert keys.sealer.open(load_keys(settings(tmp_path, **KEY_SETTINGS)).sealer.seal("a")) == "a"
    # The pseudonym key, not set, came from the file made for it.
    assert keys.pseudonyms.of(CHAT) != PSEUDONYMS.of(CHAT)
    assert (tmp_path / "data" / LOCAL_KEY_FILE).is_file()


def test_processes_starting_together_share_one_key_file(tmp_path: Path) -> None:
    local = settings(tmp_path)
    start = threading.Barrier(8)

    def load() -> str:
        start.wait()
        return load_keys(local).pseudonyms.of(CHAT)

    with ThreadPoolExecutor(max_workers=8) as pool:
        seen = set(pool.map(lambda _: load(), range(8)))
    assert len(seen) == 1
    assert [p.name for p in (tmp_path / "data").iterdir()] == [LOCAL_KEY_FILE]


@pytest.mark.parametrize(
    ("content", "variable"),
    [
        ("HAVEN_PSEUDONYM_KEY=" + PSEUDONYM_KEY + "\n", "HAVEN_SECRET_KEY"),
        ("HAVEN_SECRET_KEY=" + SECRET_KEY + "\nHAVEN_PSEUDONYM_KEY=short\n", "HAVEN_PSEUDONYM_KEY"),
        ("# nothing\n", "HAVEN_SECRET_KEY"),
    ],
)
def test_a_damaged_key_file_is_refused_not_replaced(
    tmp_path: Path, content: str, variable: str
) -> None:
    path = tmp_path / "data" / LOCAL_KEY_FILE
    path.parent.mkdir()
    path.write_text(content)
    with pytest.raises(ConfigError) as raised:
        load_keys(settings(tmp_path))
    assert str(path) in str(raised.value) and f"damaged ({variable}" in str(raised.value)
    assert SECRET_KEY not in str(raised.value) and PSEUDONYM_KEY not in str(raised.value)
    assert path.read_text() == content  # never overwritten: it may be all that opens the data


def test_an_unreadable_key_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "data" / LOCAL_KEY_FILE).mkdir(parents=True)  # a folder where the file goes
    with pytest.raises(ConfigError, match="cannot be used"):
        load_keys(settings(tmp_path))


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("HAVEN_SECRET_KEY", "hunter2-not-a-key", "key 1 is not a Fernet key"),
        ("HAVEN_SECRET_KEY", f"{SECRET_KEY},hunter2-not-a-key", "key 2 is not a Fernet key"),
        ("HAVEN_SECRET_KEY", " , ", "holds no key"),
        ("HAVEN_PSEUDONYM_KEY", "hunter2-not-a-key", "url-safe base64"),
    ],
)
def test_a_malformed_key_is_named_never_shown(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, reason: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    [problem] = raised.value.problems
    assert problem.startswith(f"{variable}: ") and reason in problem
    assert "hunter2" not in problem and SECRET_KEY not in problem


def test_keys_are_secret_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAVEN_SECRET_KEY", f"{NEW_SECRET_KEY},{SECRET_KEY}")
    shown = load_settings().masked()
    assert shown["HAVEN_SECRET_KEY"] == "set" and shown["HAVEN_PSEUDONYM_KEY"] == "not set"
    assert SECRET_KEY not in repr(load_settings())
