"""Telegram's side of delivery: a user who blocked the bot, flood control, the command menu,
and the health check."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from bot.app import build_runtime, web_app
from bot.tg.texts import COMMAND_DESCRIPTIONS
from tests.e2e.runtime_fixtures import (  # noqa: F401
    SECRET,
    TIMEOUT,
    WELCOME,
    Haven,
    bot_fixture,
    open_menu,
    shared_haven_fixture,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_updates_come_by_the_configured_transport(bot: Haven) -> None:
    await open_menu(bot)  # whichever way, a conversation works
    webhooks = bot.sandbox.calls_of("setWebhook")
    if bot.mode == "webhook":
        assert bot.sandbox.webhook_url == f"{bot.base_url}/telegram"
        assert [call.get("secret_token") for call in webhooks] == [SECRET]
        assert not bot.sandbox.calls_of("getUpdates")
    else:
        assert bot.sandbox.webhook_url is None and not webhooks
        assert bot.sandbox.calls_of("getUpdates")


async def test_a_user_who_blocked_the_bot_is_marked_blocked(bot: Haven) -> None:
    user, _menu = await open_menu(bot)
    bot.sandbox.block(user.user_id)
    await user.send_text("hello")  # the bot's answer fails with 403
    async with asyncio.timeout(TIMEOUT):
        while (stored := await bot.conversation(user.user_id)) and stored.status != "blocked":
            await asyncio.sleep(0.02)
    assert stored is not None and stored.state.node == "menu"
    # Unblocked, the person can carry on; the conversation is active again.
    bot.sandbox.unblock(user.user_id)
    await user.send_command("/start")
    await user.wait_for_bot_messages(len(WELCOME))
    stored = await bot.conversation(user.user_id)
    assert stored is not None and stored.status == "active"


# PTB's own RetryAfter warns about its future type while it is being built.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_is_waited_out_and_the_message_arrives(bot: Haven) -> None:
    user = bot.new_user("en")
    bot.sandbox.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await user.send_command("/start")
    messages = await user.wait_for_bot_messages(len(WELCOME))
    assert messages[0].plain_text == bot.expected.flow("en", "start", "welcome")
    mine = [p for p in bot.sandbox.calls_of("sendMessage") if p.get("chat_id") == user.user_id]
    assert len(mine) == len(WELCOME) + 1  # the refused first try, then each message once


async def test_the_command_menu_is_set_in_every_language(bot: Haven) -> None:
    said = bot.expected
    menus = bot.sandbox.commands
    assert set(menus) == {None, "en", "ru", "de", "fr"}
    for language in ("en", "ru", "de", "fr"):
        assert [c["command"] for c in menus[language]] == list(COMMAND_DESCRIPTIONS)
        descriptions = [c["description"] for c in menus[language]]
        assert descriptions == [said.ui(language, d) for d in COMMAND_DESCRIPTIONS.values()]
        if language != "en":
            assert descriptions != list(COMMAND_DESCRIPTIONS.values())
    assert menus[None] == menus["en"]  # the default, for every other language


async def test_healthz_says_ok(bot: Haven) -> None:
    response = await bot.healthz()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}


async def test_healthz_says_unavailable_without_a_database(bot: Haven, tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = bot.settings().model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{data / 'haven.sqlite3'}"}
    )
    runtime = await build_runtime(settings)
    await runtime.storage.close()
    # The database's folder is gone, and a file stands in its way: no connection can open.
    for path in data.iterdir():
        path.unlink()
    data.rmdir()
    data.write_text("not a folder")
    transport = httpx.ASGITransport(app=web_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://haven") as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": False}
    assert "database ping failed: OperationalError" in bot.log.messages()
