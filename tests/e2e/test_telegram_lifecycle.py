"""The bot's life around the dialogue: restarts, flow reloads, HTML, the webhook's secret.

Each test runs a bot of its own, on its own copy of the flows where it edits them.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import bot.app
from bot.app import build_runtime, web_app
from bot.i18n.chrome import STALE_MENU
from bot.tg.texts import FLOW_UPDATED
from tests.e2e.runtime_fixtures import (  # noqa: F401
    SECRET,
    TIMEOUT,
    WELCOME,
    Haven,
    button_texts,
    eventually,
    haven_fixture,
    mode_fixture,
    open_menu,
    press_button,
    reach_passport,
)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a flow file, ``count`` times exactly."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{old!r} is in {path.name} {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


async def test_bot_restart_mid_dialogue_resumes_at_the_same_step(haven: Haven) -> None:
    said = haven.expected
    await haven.start()
    user, passport = await reach_passport(haven, "fr")
    await haven.stop()
    # Pressed while the bot is down: Telegram keeps the update until the bot is back.
    await press_button(user, passport, "Oui")
    await haven.start()
    summons, offer = await user.wait_for_bot_messages(2)
    assert summons.plain_text.startswith(said.flow("fr", "situation", "summons"))
    assert offer.plain_text == said.flow("fr", "situation", "offer")
    assert passport.reply_markup is None
    stored = await haven.conversation(user.user_id)
    assert stored is not None and stored.state.node == "offer"
    assert stored.state.variables == {"location": "russia", "has_passport": True}


async def test_a_button_from_before_a_flow_reload_is_out_of_date(haven: Haven) -> None:
    flows, _ = haven.copy_project()
    await haven.start()
    user, menu = await open_menu(haven, "de")
    situation = haven.expected.flow("de", "start", "menu", "option.situation")
    # A new option in the menu, and so a new version of the flow.
    edit(flows / "start.yaml", "version: 1", "version: 2")
    edit(
        flows / "start.yaml",
        "      - id: done\n",
        "      - id: about\n        label: About Haven\n        next: bye\n      - id: done\n",
    )
    haven.translate_missing()
    assert await haven.reload_flows()

    await press_button(user, menu, situation)
    stale, menu_again = await user.wait_for_bot_messages(2)
    said = haven.expected
    assert stale.plain_text == said.ui("de", STALE_MENU)
    assert menu_again.plain_text == said.flow("de", "start", "menu")
    assert "[de] About Haven" in button_texts(menu_again)
    assert menu.reply_markup is None
    stored = await haven.conversation(user.user_id)
    assert stored is not None
    assert (stored.state.node, stored.state.version) == ("menu", 2)
    # The new menu's buttons work.
    await press_button(user, menu_again, situation)
    _intro, where = await user.wait_for_bot_messages(2)
    assert where.plain_text == said.flow("de", "situation", "where")


async def test_an_invalid_flow_edit_is_refused_and_the_old_flows_stay_live(
    haven: Haven,
) -> None:
    flows, _ = haven.copy_project()
    said = haven.expected
    await haven.start()
    user, menu = await open_menu(haven)
    edit(flows / "start.yaml", "What would you like to do?", "Pick one")
    edit(flows / "start.yaml", "next: bye", "next: nowhere")
    seen = len(haven.log.records)
    assert not await haven.reload_flows()
    issues = "\n".join(haven.log.messages(seen))
    assert "start.yaml" in issues and "nowhere" in issues  # the file and the problem

    await press_button(user, menu, "Look at my situation")
    _intro, where = await user.wait_for_bot_messages(2)
    assert where.plain_text == said.flow("en", "situation", "where")
    _newcomer, menu = await open_menu(haven)
    assert menu.plain_text == "What would you like to do?"


async def test_a_conversation_whose_node_is_gone_restarts_with_an_apology(
    haven: Haven,
) -> None:
    flows, _ = haven.copy_project()
    await haven.start()
    user, passport = await reach_passport(haven, "ru")
    # The passport question is replaced by one of another id.
    edit(flows / "situation.yaml", "version: 1", "version: 2")
    edit(flows / "situation.yaml", "next: passport\n", "next: passport_check\n", count=5)
    edit(flows / "situation.yaml", "- id: passport\n", "- id: passport_check\n")
    haven.translate_missing()
    assert await haven.reload_flows()

    await press_button(user, passport, "Да")
    said = haven.expected
    apology, *welcome = await user.wait_for_bot_messages(1 + len(WELCOME))
    assert apology.plain_text == said.ui("ru", FLOW_UPDATED) != FLOW_UPDATED
    assert [m.plain_text for m in welcome] == [said.flow("ru", "start", n) for n in WELCOME]
    assert passport.reply_markup is None
    stored = await haven.conversation(user.user_id)
    assert stored is not None
    assert (stored.state.flow, stored.state.node, stored.state.variables) == ("start", "menu", {})


async def test_watch_flows_takes_an_edit(haven: Haven, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.app, "WATCH_INTERVAL", 0.05)
    flows, _ = haven.copy_project()
    await haven.start(watch_flows=True)
    seen = len(haven.log.records)
    edit(flows / "start.yaml", "What would you like to do?", "What shall we look at?")
    haven.translate_missing()
    # The watcher may look between the two edits and refuse the flows once; then it takes them.
    await eventually(lambda: any(m.startswith("flows reloaded") for m in haven.log.messages(seen)))
    _user, menu = await open_menu(haven)
    assert menu.plain_text == "What shall we look at?"


async def test_flow_text_is_html_escaped(haven: Haven) -> None:
    flows, _ = haven.copy_project()
    text = 'Fees < 100 € & <b>no tags</b>, "quoted"'
    (flows / "markup.yaml").write_text(
        "id: markup\ntitle: Markup\nlanguage: en\nversion: 1\nstart: intro\nnodes:\n"
        f"  - id: intro\n    type: message\n    text: '{text}'\n    next: bye\n"
        "  - id: bye\n    type: end\n",
        encoding="utf-8",
    )
    haven.translate_missing()
    await haven.start()
    user = haven.new_user("en")
    await user.send_command("/start", "markup")  # a deep link opens that flow
    intro, _ended = await user.wait_for_bot_messages(2)
    assert intro.plain_text == text
    assert intro.entities == []  # shown as written: nothing became bold
    assert intro.parse_mode == "HTML"
    assert intro.text.startswith("Fees &lt; 100 € &amp; &lt;b&gt;no tags&lt;/b&gt;")


@pytest.mark.parametrize("mode", ["webhook"])
async def test_the_webhook_takes_only_requests_with_the_secret(haven: Haven) -> None:
    await haven.start()
    user = haven.new_user("en")
    await user.send_command("/start")
    await user.wait_for_bot_messages(len(WELCOME))
    sent = len(haven.sandbox.calls_of("sendMessage"))
    forged = haven.sandbox.updates[0] | {"update_id": 999_999}
    url = f"{haven.base_url}/telegram"
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        missing = await client.post(url, json=forged)
        wrong = await client.post(
            url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
        garbage = await client.post(
            url, content=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        shapes = [
            await client.post(url, json=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            for body in ([1, 2], {}, {"update_id": "1"}, {"update_id": 5, "message": 5})
        ]
    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert [r.status_code for r in (garbage, *shapes)] == [400] * 5
    # Nothing reached the dialogue: a /help afterwards gets exactly its own answer.
    await user.send_command("/help")
    await user.wait_for_bot_messages(2)
    assert len(haven.sandbox.calls_of("sendMessage")) == sent + 2


@pytest.mark.parametrize("mode", ["webhook"])
async def test_the_webhook_refuses_updates_while_the_bot_is_not_running(haven: Haven) -> None:
    # As during a shutdown: a 200 would lose the update, a 503 makes Telegram send it again.
    runtime = await build_runtime(haven.settings())
    try:
        update = {
            "update_id": 7,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 1001, "type": "private"},
                "text": "hello",
            },
        }
        transport = httpx.ASGITransport(app=web_app(runtime))
        async with httpx.AsyncClient(transport=transport, base_url=haven.base_url) as client:
            response = await client.post(
                "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
        assert response.status_code == 503
        assert runtime.application.update_queue.empty()
    finally:
        await runtime.storage.close()
