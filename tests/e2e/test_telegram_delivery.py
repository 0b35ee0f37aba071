"""Telegram's side of delivery: a user who blocked the bot, flood control, the command menu,
and the health check."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from bot.app import build_runtime, web_app
from bot.i18n.chrome import STALE_MENU
from bot.tg.texts import COMMAND_DESCRIPTIONS
from tests.e2e.runtime_fixtures import (  # noqa: F401
    SECRET,
    TIMEOUT,
    WELCOME,
    Haven,
    bot_fixture,
    eventually,
    keyboard_retired,
    nothing_more,
    open_menu,
    press_button,
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


async def test_only_the_handled_update_types_are_asked_for(bot: Haven) -> None:
    await open_menu(bot)
    if bot.mode == "webhook":
        asked = [call.get("allowed_updates") for call in bot.sandbox.calls_of("setWebhook")]
    else:
        asked = [call.get("allowed_updates") for call in bot.sandbox.calls_of("getUpdates")]
    handled = ["message", "edited_message", "callback_query", "my_chat_member"]
    assert asked and all(sorted(kinds) == sorted(handled) for kinds in asked)


async def test_blocking_the_bot_marks_the_conversation_at_once(bot: Haven) -> None:
    user, _menu = await open_menu(bot)
    bot.sandbox.block(user.user_id)  # Telegram tells the bot (my_chat_member): no send needed
    async with asyncio.timeout(TIMEOUT):
        while (stored := await bot.conversation(user.user_id)) and stored.status != "blocked":
            await asyncio.sleep(0.02)
    bot.sandbox.unblock(user.user_id)
    await user.send_command("/start")
    await user.wait_for_bot_messages(len(WELCOME))
    stored = await bot.conversation(user.user_id)
    assert stored is not None and stored.status == "active"


@pytest.mark.parametrize(
    ("code", "description"),
    [(400, "Bad Request: chat not found"), (502, "Bad Gateway")],
)
async def test_a_step_that_cannot_be_sent_leaves_the_old_buttons(
    bot: Haven, code: int, description: str
) -> None:
    said = bot.expected
    user, menu = await open_menu(bot)
    seen = len(bot.log.records)
    bot.sandbox.fail_next("sendMessage", code, description)
    await press_button(user, menu, "Look at my situation")
    await eventually(
        lambda: any(m.startswith("step not delivered") for m in bot.log.messages(seen))
    )
    assert menu.buttons  # the person is not left without buttons
    stored = await bot.conversation(user.user_id)
    assert stored is not None
    assert stored.keyboard_message_id == menu.message_id
    assert stored.state.node == "where"  # the step itself was taken
    # A press on the old buttons is out of date and shows where the person is: recovered.
    await press_button(user, menu, "Look at my situation")
    stale, where = await user.wait_for_bot_messages(2)
    assert stale.plain_text == said.ui("en", STALE_MENU)
    assert where.plain_text == said.flow("en", "situation", "where")
    await keyboard_retired(user, menu)
    stored = await bot.conversation(user.user_id)
    assert stored is not None and stored.keyboard_message_id == where.message_id
    await nothing_more(bot, user, where)


async def test_a_user_who_blocked_the_bot_is_marked_blocked(bot: Haven) -> None:
    user, _menu = await open_menu(bot)
    # Telegram's refusal alone, without the my_chat_member update that also marks it (and
    # would let this test go on before "hello" is handled).
    bot.sandbox.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await user.send_text("hello")  # the bot's answer fails with 403
    async with asyncio.timeout(TIMEOUT):
        while (stored := await bot.conversation(user.user_id)) and stored.status != "blocked":
            await asyncio.sleep(0.02)
    assert stored is not None and stored.state.node == "menu"
    # Back again, the person can carry on; the conversation is active again.
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
