"""Starting and running ``haven serve``: failures at start, and the runtime's background work.

A start that Telegram refuses ends with one line and exit status 1, never a traceback: PTB's
own messages quote the token.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import bot.app
from bot.app import serve
from bot.handoff import HandoffStore
from bot.privacy.retention import UPDATE_MEMORY, RetentionPolicy, run_sweeper
from bot.sandbox import Sandbox
from bot.storage import Storage
from tests.e2e.runtime_fixtures import (  # noqa: F401
    REPO,
    TIMEOUT,
    Haven,
    free_port,
    haven_fixture,
    mode_fixture,
)
from tests.keys import KEY_ENVIRONMENT, PSEUDONYMS, SEALER

#: Well formed, and not the sandbox's: Telegram answers 401.
WRONG_TOKEN = "987654321:NotTheSandboxTokenNotTheSandboxTok"


async def haven_serve(
    tmp_path: Path, api_url: str, token: str = WRONG_TOKEN, **extra: str
) -> tuple[int, str]:
    """Run ``haven serve`` as a process, in a clean environment; its exit status and stderr."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": api_url,
        "DATA_DIR": str(tmp_path / "data"),
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "FLOWS_DIR": str(REPO / "flows"),
        "LOCALES_DIR": str(REPO / "locales"),
        **KEY_ENVIRONMENT,
        **extra,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "serve",
        cwd=tmp_path,  # no developer's .env file
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 6 * TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def test_a_token_telegram_refuses_is_one_line_without_the_token(tmp_path: Path) -> None:
    sandbox = Sandbox(token="123456789:HavenEndToEndSandboxToken")
    async with sandbox.serve() as api_url:
        status, stderr = await haven_serve(tmp_path, api_url)
    assert status == 1
    assert WRONG_TOKEN not in stderr and WRONG_TOKEN.split(":")[1] not in stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == (
        "Telegram refused the token (InvalidToken): check TELEGRAM_BOT_TOKEN"
    )


async def test_an_unreachable_bot_api_is_one_line_without_the_token(tmp_path: Path) -> None:
    api_url = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    status, stderr = await haven_serve(tmp_path, api_url)
    assert status == 1
    assert WRONG_TOKEN.split(":")[1] not in stderr and "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == (
        f"cannot reach the Bot API at {api_url}: NetworkError"
    )


async def test_a_webhook_telegram_refuses_is_one_line_without_the_token(tmp_path: Path) -> None:
    token = "123456789:HavenEndToEndSandboxToken"
    sandbox = Sandbox(token=token)
    sandbox.fail_next("setWebhook", 400, f"Bad Request: bad webhook for {token}")
    async with sandbox.serve() as api_url:
        status, stderr = await haven_serve(
            tmp_path,
            api_url,
            token,
            WEBHOOK_URL="http://127.0.0.1:9/telegram",
            WEBHOOK_SECRET="secret",
        )
    assert status == 1
    assert token.split(":")[1] not in stderr and "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == (
        f"the Bot API at {api_url} refused to start the bot: BadRequest"
    )


@pytest.mark.parametrize("mode", ["polling"])
async def test_a_taken_port_leaves_nothing_open(
    haven: Haven, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Storage] = []
    closed: list[Storage] = []
    real_open = Storage.open

    async def open_(*args: Any, **kwargs: Any) -> Storage:
        storage = await real_open(*args, **kwargs)
        opened.append(storage)
        real_close = storage.close

        async def close() -> None:
            closed.append(storage)
            await real_close()

        storage.close = close  # type: ignore[method-assign]
        return storage

    monkeypatch.setattr(Storage, "open", open_)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", haven.port))
        taken.listen()
        with pytest.raises(OSError):
            await serve(haven.settings())
    assert closed == opened


# -- background work -----------------------------------------------------------------------


async def test_old_update_ids_and_relays_are_forgotten_by_the_runtimes_clock(
    tmp_path: Path,
) -> None:
    then = datetime(2031, 5, 1, 12, 0, tzinfo=UTC)
    now = then + UPDATE_MEMORY + timedelta(hours=1)
    url = f"sqlite+aiosqlite:///{tmp_path / 'haven.sqlite3'}"
    async with await Storage.open(url, sealer=SEALER, migrate=True, clock=lambda: then) as storage:
        handoff = HandoffStore(storage, pseudonyms=PSEUDONYMS, clock=lambda: then)
        async with handoff.transaction() as tx:
            assert await tx.storage.claim_update(1)
            sent = await tx.outbox.enqueue("user", "sendMessage", {"chat_id": 5, "text": "x"})
            await tx.outbox.mark_sent(sent.id)
            waiting = await tx.outbox.enqueue("user", "sendMessage", {"chat_id": 5, "text": "y"})
        sweep = run_sweeper(storage, handoff, RetentionPolicy(), clock=lambda: now)
        task = asyncio.create_task(sweep)
        try:

            async def forgotten() -> bool:
                # The sweeper purges each class in a transaction of its own: wait for both.
                async with handoff.transaction() as tx:
                    if await tx.outbox.get(sent.id) is not None:
                        return False
                with sqlite3.connect(tmp_path / "haven.sqlite3") as database:
                    (left,) = database.execute("SELECT count(*) FROM handled_updates").fetchone()
                return bool(left == 0)

            async with asyncio.timeout(TIMEOUT):
                while not await forgotten():
                    await asyncio.sleep(0.01)
        finally:
            task.cancel()
        async with handoff.transaction() as tx:
            assert await tx.storage.claim_update(1)  # forgotten: it could be taken again
            assert await tx.outbox.get(waiting.id) is not None  # undelivered: kept


def test_a_file_gone_between_listing_and_looking_is_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "start.yaml"
    kept.write_text("id: start\n", encoding="utf-8")
    gone = tmp_path / "draft.yaml"  # an editor's temporary file, removed since listed
    listed = [kept, gone]
    monkeypatch.setattr(Path, "rglob", lambda self, pattern: iter(listed))
    monkeypatch.setattr(Path, "is_file", lambda self: True)  # both were there when listed
    assert list(bot.app._snapshot([tmp_path])) == [kept]


async def test_the_watcher_logs_a_failed_reload_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    monkeypatch.setattr(bot.app, "WATCH_INTERVAL", 0)
    path = tmp_path / "start.yaml"

    def looks() -> Iterator[dict[Path, float] | Exception]:
        yield {path: 1.0}
        yield PermissionError()  # a folder that cannot be read for a moment
        yield {path: 2.0}  # a change: the reload fails
        yield {path: 3.0}  # another change: the reload works
        while True:
            yield {path: 3.0}

    snapshots = looks()

    def snapshot(folders: list[Path]) -> dict[Path, float]:
        look = next(snapshots)
        if isinstance(look, Exception):
            raise look
        return look

    reloads = 0
    reloaded = asyncio.Event()

    def reload() -> list[object]:
        nonlocal reloads
        reloads += 1
        if reloads == 1:
            raise RuntimeError("a message that could quote a file")
        reloaded.set()
        return []

    monkeypatch.setattr(bot.app, "_snapshot", snapshot)
    library = SimpleNamespace(flows_dir=tmp_path, locales_dir=None, reload=reload)
    task = asyncio.create_task(bot.app._watch(library))  # type: ignore[arg-type]
    try:
        await asyncio.wait_for(reloaded.wait(), TIMEOUT)
    finally:
        task.cancel()
    assert reloads == 2
    messages = [record.getMessage() for record in caplog.records]
    assert "flow reload attempt failed: PermissionError" in messages
    assert "flow reload attempt failed: RuntimeError" in messages
    assert not any("could quote" in message for message in messages)
