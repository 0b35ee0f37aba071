"""The bot's life around the dialogue: restarts, flow reloads, HTML, the webhook's secret.

Each test runs a bot of its own, on its own copy of the flows where it edits them.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.types import ASGIApp

import bot.app
from bot.app import LOCAL_TOKEN, build_runtime, web_app
from bot.i18n.chrome import CONVERSATION_ENDED, STALE_MENU
from bot.tg.texts import FLOW_UPDATED
from bot.web.local_guard import allowed_hosts
from bot.web.webhook import MAX_BODY
from tests.e2e.runtime_fixtures import (  # noqa: F401
    SECRET,
    TIMEOUT,
    WELCOME,
    Haven,
    button_texts,
    eventually,
    haven_fixture,
    keyboard_retired,
    mode_fixture,
    nothing_more,
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
    await keyboard_retired(user, passport)
    stored = await haven.conversation(user.user_id)
    assert stored is not None and stored.state.node == "offer"
    assert stored.state.variables == {"location": "russia", "has_passport": True}
    await nothing_more(haven, user, offer)  # the press kept while the bot was down ran once


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
    await keyboard_retired(user, menu)
    stored = await haven.conversation(user.user_id)
    assert stored is not None
    assert (stored.state.node, stored.state.version) == ("menu", 2)
    # The new menu's buttons work.
    await press_button(user, menu_again, situation)
    _intro, where = await user.wait_for_bot_messages(2)
    assert where.plain_text == said.flow("de", "situation", "where")
    await nothing_more(haven, user, where)


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
    await nothing_more(haven, user, where)
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
    await keyboard_retired(user, passport)
    stored = await haven.conversation(user.user_id)
    assert stored is not None
    assert (stored.state.flow, stored.state.node, stored.state.variables) == ("start", "menu", {})
    await nothing_more(haven, user, welcome[-1])


async def test_watch_flows_takes_an_edit(haven: Haven, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.app, "WATCH_INTERVAL", 0.05)
    flows, _ = haven.copy_project()
    await haven.start(watch_flows=True)
    seen = len(haven.log.records)
    edit(flows / "start.yaml", "What would you like to do?", "What shall we look at?")
    haven.translate_missing()
    # The watcher may look between the two edits and refuse the flows once; then it takes them.
    await eventually(lambda: any(m.startswith("flows reloaded") for m in haven.log.messages(seen)))
    user, menu = await open_menu(haven)
    assert menu.plain_text == "What shall we look at?"
    await nothing_more(haven, user, menu)


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


async def test_a_flow_message_over_telegrams_limit_is_split(haven: Haven) -> None:
    # A text as long as a flow may have, and its sources below: over 4,096 together.
    flows, _ = haven.copy_project()
    paragraphs: list[str] = []
    while len("\n\n".join(paragraphs)) < 4000:
        paragraphs.append(f"Part {len(paragraphs)}: fees < 100 € & costs, " + "step " * 12)
    text = "\n\n".join(paragraph.strip() for paragraph in paragraphs)
    assert 4000 <= len(text) <= 4090
    block = "".join(f"      {paragraph.strip()}\n\n" for paragraph in paragraphs).rstrip()
    (flows / "long.yaml").write_text(
        "id: long\ntitle: Long\nlanguage: en\nversion: 1\nstart: intro\nnodes:\n"
        f"  - id: intro\n    type: message\n    text: |-\n{block}\n"
        "    sources:\n      - Directive 2013/32/EU, art. 3\n    reviewed: 2026-11-20\n"
        "    next: bye\n"
        "  - id: bye\n    type: end\n",
        encoding="utf-8",
    )
    haven.translate_missing()
    await haven.start()
    user = haven.new_user("en")
    await user.send_command("/start", "long")
    first, second, ended = await user.wait_for_bot_messages(3)
    assert all(len(piece.plain_text) <= 4096 for piece in (first, second))
    shown = f"{first.plain_text}\n\n{second.plain_text}"
    assert shown.startswith(text)  # all of it, in order, as written (& and < escaped)
    assert "Directive 2013/32/EU, art. 3" in second.plain_text  # the sources come last
    assert "Directive" not in first.plain_text
    assert ended.plain_text == haven.expected.ui("en", CONVERSATION_ENDED)
    await nothing_more(haven, user, ended)


@pytest.mark.parametrize("mode", ["webhook"])
async def test_the_webhook_refuses_a_body_over_the_limit_without_reading_it(
    haven: Haven,
) -> None:
    runtime = await build_runtime(haven.settings())
    try:
        app = web_app(runtime)
        chunk = b" " * 65_536
        declared = [("content-length", str(MAX_BODY + 1))]
        # Declared too long: refused before a byte is read.
        status, read = await post_in_chunks(app, "/telegram", declared, [b"{}"])
        assert (status, read) == (413, 0)
        # Not declared (chunked): reading stops soon after the limit.
        many = [chunk] * (3 * MAX_BODY // len(chunk))
        status, read = await post_in_chunks(app, "/telegram", [], many)
        assert status == 413
        assert MAX_BODY < read <= MAX_BODY + len(chunk)
        # Within the limit, a body is read as before (503: the bot is not running here).
        update = b'{"update_id": 1}'
        status, read = await post_in_chunks(app, "/telegram", [], [update[:5], update[5:]])
        assert (status, read) == (503, len(update))
    finally:
        await runtime.storage.close()


async def post_in_chunks(
    app: ASGIApp, path: str, headers: list[tuple[str, str]], chunks: list[bytes]
) -> tuple[int, int]:
    """POST ``chunks`` to ``app`` with the webhook's secret; returns the status and bytes read."""
    pending = list(chunks)
    read = 0

    async def receive() -> dict[str, object]:
        nonlocal read
        if not pending:
            return {"type": "http.disconnect"}
        body = pending.pop(0)
        read += len(body)
        return {"type": "http.request", "body": body, "more_body": bool(pending)}

    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    headers = [*headers, ("x-telegram-bot-api-secret-token", SECRET), ("host", "127.0.0.1")]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(name.encode(), value.encode()) for name, value in headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    await app(scope, receive, send)  # type: ignore[arg-type]
    status = sent[0]["status"]
    assert isinstance(status, int)
    return status, read


@pytest.mark.parametrize("mode", ["polling"])
async def test_local_mode_answers_only_this_machines_names_and_json_writes(
    haven: Haven,
) -> None:
    settings = haven.settings().model_copy(update={"telegram_bot_token": None})
    assert settings.mode == "local"
    runtime = await build_runtime(settings)
    try:
        transport = httpx.ASGITransport(app=web_app(runtime))
        async with httpx.AsyncClient(transport=transport, base_url=haven.base_url) as client:
            # DNS rebinding: another site's name, pointed at this machine.
            rebound = await client.get("/healthz", headers={"Host": "evil.example:8080"})
            named = [
                await client.get("/healthz", headers={"Host": host})
                for host in (f"127.0.0.1:{haven.port}", "localhost:8080", "[::1]:8080")
            ]
            messages = "/sandbox/users/1001/messages"
            as_json = await client.post(messages, json={"text": "/start"})
            # What a page of another site can send without asking: forms and plain text.
            form = await client.post(messages, data={"text": "/start"})
            plain = await client.post(
                messages, content=b'{"text": "/start"}', headers={"Content-Type": "text/plain"}
            )
            bare = await client.post("/sandbox/users/1001/press", content=b"")
            read = await client.get(messages)
            # The bot's own calls to its sandbox are not the client API: forms stay fine there.
            bot_api = await client.post(f"/bot{LOCAL_TOKEN}/getMe", data={})
    finally:
        await runtime.storage.close()
    assert rebound.status_code == 400
    assert [response.status_code for response in named] == [200, 200, 200]
    assert as_json.status_code == 200
    assert [r.status_code for r in (form, plain, bare)] == [415, 415, 415]
    assert read.status_code == 200
    assert [m["text"] for m in read.json()["messages"]] == ["/start"]  # only the JSON one
    assert bot_api.status_code == 200


def test_local_mode_names() -> None:
    assert allowed_hosts("127.0.0.1") == ["127.0.0.1", "localhost", "[::1]"]
    assert allowed_hosts("0.0.0.0") == ["127.0.0.1", "localhost", "[::1]"]
    assert allowed_hosts("::1") == ["127.0.0.1", "localhost", "[::1]"]
    assert allowed_hosts("127.0.0.2")[-1] == "127.0.0.2"
    # An address cannot be rebound; it is where the bot reaches its own sandbox.
    assert allowed_hosts("192.168.1.5")[-1] == "192.168.1.5"
    assert "haven.example" not in allowed_hosts("haven.example")
