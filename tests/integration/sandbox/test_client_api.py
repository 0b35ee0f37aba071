"""The client HTTP API under /sandbox/, as the local web chat uses it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox import Sandbox


@pytest.fixture
async def client(url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{url}/sandbox", timeout=5) as http:
        yield http


async def test_first_use_creates_the_user_with_a_language(
    client: httpx.AsyncClient, bot: telegram.Bot, sandbox: Sandbox
) -> None:
    sent = await client.post("/users/5005/messages?language_code=de", json={"text": "/start"})
    assert sent.status_code == 200
    assert sent.json()["message"]["text"] == "/start"
    [update] = await bot.get_updates()
    assert update.update_id == sent.json()["update_id"]
    assert (update.message.from_user.language_code, update.message.text) == ("de", "/start")
    assert update.message.entities[0].type == "bot_command"
    assert sandbox.users[5005].language_code == "de"
    switched = await client.post("/users/5005", json={"language_code": "fr"})
    assert switched.json()["language_code"] == "fr"
    assert (await client.get("/users/5005")).json()["blocked"] is False


async def test_press_reaches_the_bot_and_answers_are_listed(
    client: httpx.AsyncClient, bot: telegram.Bot, sandbox: Sandbox
) -> None:
    user = sandbox.user(6006)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    sent = await bot.send_message(user.chat_id, "Q", reply_markup=markup)
    pressed = await client.post(
        "/users/6006/press", json={"message_id": sent.message_id, "callback_data": "go"}
    )
    [update] = await bot.get_updates()
    assert update.callback_query.id == pressed.json()["callback_query_id"]
    await update.callback_query.answer("Saved")
    chat = (await client.get("/users/6006/messages")).json()
    assert [a["text"] for a in chat["callback_answers"]] == ["Saved"]
    assert chat["messages"][0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "go"


async def test_long_poll_sees_new_messages_edits_and_deletions(
    client: httpx.AsyncClient, bot: telegram.Bot, sandbox: Sandbox
) -> None:
    user = sandbox.user(7007)
    first = (await client.get("/users/7007/messages")).json()
    assert (first["version"], first["messages"]) == (0, [])

    poll = asyncio.create_task(client.get("/users/7007/messages", params={"since": 0, "wait": 5}))
    await asyncio.sleep(0.1)
    assert not poll.done()
    sent = await bot.send_message(user.chat_id, "<b>Hi</b>", parse_mode="HTML")
    new = (await asyncio.wait_for(poll, 2)).json()
    assert [(m["text"], m["plain_text"]) for m in new["messages"]] == [("<b>Hi</b>", "Hi")]

    poll = asyncio.create_task(
        client.get("/users/7007/messages", params={"since": new["version"], "wait": 5})
    )
    await asyncio.sleep(0.1)
    await bot.edit_message_text("Hello", chat_id=user.chat_id, message_id=sent.message_id)
    edited = (await asyncio.wait_for(poll, 2)).json()
    assert [(m["message_id"], m["text"], m["edited"]) for m in edited["messages"]] == [
        (sent.message_id, "Hello", True)
    ]

    await bot.delete_message(user.chat_id, sent.message_id)
    deleted = (
        await client.get("/users/7007/messages", params={"since": edited["version"], "wait": 5})
    ).json()
    assert [m["deleted"] for m in deleted["messages"]] == [True]

    quiet = await client.get(
        "/users/7007/messages", params={"since": deleted["version"], "wait": 0.2}
    )
    assert quiet.json()["messages"] == []
    by_id = await client.get("/users/7007/messages", params={"after": 0})
    assert [m["message_id"] for m in by_id.json()["messages"]] == [sent.message_id]


async def test_an_operator_writes_in_a_group_topic(
    client: httpx.AsyncClient, bot: telegram.Bot, sandbox: Sandbox
) -> None:
    staff = sandbox.supergroup(-100555, "Staff", forum=True)
    sandbox.user(8008, "Operator")
    thread = (await bot.create_forum_topic(staff.chat_id, "Ticket")).message_thread_id
    posted = await client.post(
        "/chats/-100555/messages",
        json={"from_user_id": 8008, "text": "/close", "message_thread_id": thread},
    )
    assert posted.status_code == 200
    [update] = await bot.get_updates()
    assert (update.message.text, update.message.message_thread_id) == ("/close", thread)
    listed = (await client.get("/chats/-100555/messages")).json()["messages"]
    assert [m["kind"] for m in listed] == ["forum_topic_created", "text"]


async def test_client_errors_are_json(client: httpx.AsyncClient) -> None:
    missing_text = await client.post("/users/9009/messages", json={})
    assert missing_text.status_code == 400 and "text" in missing_text.json()["error"]
    no_message = await client.post(
        "/users/9009/press", json={"message_id": 5, "callback_data": "x"}
    )
    assert no_message.status_code == 400
    unknown_chat = await client.get("/chats/-1/messages")
    assert unknown_chat.status_code == 404
    bad_wait = await client.get("/users/9009/messages", params={"since": 0, "wait": "soon"})
    assert bad_wait.status_code == 400


def test_sandbox_user_keeps_the_language_unless_given() -> None:
    sandbox = Sandbox()
    user = sandbox.user(1, language_code="ru")
    assert sandbox.user(1) is user and user.language_code == "ru"
    assert sandbox.user(1, language_code=None).language_code is None
    assert sandbox.user(2).language_code == "en"
