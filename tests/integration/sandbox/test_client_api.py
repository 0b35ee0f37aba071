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


async def test_a_group_is_read_with_threads_buttons_kinds_and_senders(
    client: httpx.AsyncClient, bot: telegram.Bot, sandbox: Sandbox
) -> None:
    staff = sandbox.supergroup(-100556, "Staff", forum=True)
    colleague = sandbox.user(8010, "Ada", last_name="Lovelace")
    thread = (await bot.create_forum_topic(staff.chat_id, "#12 · ru · asylum")).message_thread_id
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Claim", callback_data="claim:12")]])
    await bot.send_message(
        staff.chat_id, "New request", message_thread_id=thread, reply_markup=markup
    )
    await staff.send_photo(colleague, "scan", message_thread_id=thread)
    await bot.send_message(staff.chat_id, "Daily summary")  # the General topic

    listed = (await client.get("/chats/-100556/messages")).json()
    assert [
        (m["kind"], m["message_thread_id"], m["plain_text"], m["sender_name"])
        for m in listed["messages"]
    ] == [
        ("forum_topic_created", thread, "", "Haven Sandbox"),
        ("text", thread, "New request", "Haven Sandbox"),
        ("photo", thread, "scan", "Ada Lovelace"),
        ("text", None, "Daily summary", "Haven Sandbox"),
    ]
    claim = listed["messages"][1]["reply_markup"]["inline_keyboard"][0][0]
    assert claim == {"text": "Claim", "callback_data": "claim:12"}
    assert listed["callback_answers"] == []

    poll = asyncio.create_task(
        client.get("/chats/-100556/messages", params={"since": listed["version"], "wait": 5})
    )
    await asyncio.sleep(0.1)
    await bot.close_forum_topic(staff.chat_id, thread)
    changed = (await asyncio.wait_for(poll, 2)).json()
    assert [m["kind"] for m in changed["messages"]] == ["forum_topic_closed"]


async def test_a_member_writes_a_command_in_a_topic_and_is_created_on_first_use(
    client: httpx.AsyncClient, bot: telegram.Bot, sandbox: Sandbox
) -> None:
    staff = sandbox.supergroup(-100557, "Staff", forum=True)
    thread = (await bot.create_forum_topic(staff.chat_id, "#7 · de · work")).message_thread_id
    posted = await client.post(
        "/chats/-100557/messages",
        json={"user_id": 8020, "text": "/claim", "message_thread_id": thread,
              "first_name": "Olga", "language_code": "ru"},
    )  # fmt: skip
    assert posted.status_code == 200, posted.text
    message = posted.json()["message"]
    assert (message["sender_id"], message["sender_name"]) == (8020, "Olga")
    assert message["message_thread_id"] == thread
    [update] = await bot.get_updates()
    assert update.update_id == posted.json()["update_id"]
    assert (update.message.text, update.message.message_thread_id) == ("/claim", thread)
    assert update.message.entities[0].type == "bot_command"
    assert (update.message.from_user.id, update.message.from_user.language_code) == (8020, "ru")
    assert sandbox.users[8020].first_name == "Olga"
    general = await client.post("/chats/-100557/messages", json={"user_id": 8020, "text": "hi"})
    assert general.json()["message"]["message_thread_id"] is None


async def test_a_member_presses_a_button_in_a_group_and_sees_the_answer(
    client: httpx.AsyncClient, bot: telegram.Bot, sandbox: Sandbox
) -> None:
    staff = sandbox.supergroup(-100558, "Staff", forum=True)
    thread = (await bot.create_forum_topic(staff.chat_id, "#8 · fr · family")).message_thread_id
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Claim", callback_data="claim:8")]])
    sent = await bot.send_message(
        staff.chat_id, "New request", message_thread_id=thread, reply_markup=markup
    )
    before = (await client.get("/chats/-100558/messages")).json()["version"]
    pressed = await client.post(
        "/chats/-100558/press",
        json={"user_id": 8030, "message_id": sent.message_id, "callback_data": "claim:8"},
    )
    assert pressed.status_code == 200, pressed.text
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query.id == pressed.json()["callback_query_id"]
    assert (query.from_user.id, query.data) == (8030, "claim:8")
    assert (query.message.chat.id, query.message.message_thread_id) == (-100558, thread)
    await query.answer("Claimed")
    answers = (await client.get("/chats/-100558/messages", params={"since": before})).json()
    assert [(a["user_id"], a["text"]) for a in answers["callback_answers"]] == [(8030, "Claimed")]
    # The answer belongs to the group, not to the presser's private chat.
    private = (await client.get("/users/8030/messages")).json()
    assert private["callback_answers"] == []


async def test_forum_topics_are_listed(
    client: httpx.AsyncClient, bot: telegram.Bot, sandbox: Sandbox
) -> None:
    staff = sandbox.supergroup(-100559, "Advocates", forum=True)
    empty = (await client.get("/chats/-100559/topics")).json()
    assert (empty["title"], empty["is_forum"], empty["topics"]) == ("Advocates", True, [])
    first = await bot.create_forum_topic(staff.chat_id, "#1 · ru · asylum")
    second = await bot.create_forum_topic(staff.chat_id, "#2 · de · work")
    await bot.close_forum_topic(staff.chat_id, first.message_thread_id)
    await bot.edit_forum_topic(staff.chat_id, second.message_thread_id, name="#2 · de · study")
    listed = (await client.get("/chats/-100559/topics")).json()
    assert [(t["message_thread_id"], t["name"], t["closed"]) for t in listed["topics"]] == [
        (first.message_thread_id, "#1 · ru · asylum", True),
        (second.message_thread_id, "#2 · de · study", False),
    ]
    plain = sandbox.supergroup(-100560, "Plain")
    assert (await client.get(f"/chats/{plain.chat_id}/topics")).json()["is_forum"] is False


async def test_group_route_errors_are_json(
    client: httpx.AsyncClient, bot: telegram.Bot, sandbox: Sandbox
) -> None:
    sandbox.supergroup(-100561, "Staff", forum=True)
    assert (await client.get("/chats/-404/topics")).status_code == 404
    no_user = await client.post("/chats/-100561/messages", json={"text": "hi"})
    assert no_user.status_code == 400 and "user_id" in no_user.json()["error"]
    negative = await client.post("/chats/-100561/messages", json={"user_id": -5, "text": "hi"})
    assert negative.status_code == 400
    no_topic = await client.post(
        "/chats/-100561/messages", json={"user_id": 8040, "text": "hi", "message_thread_id": 99}
    )
    assert no_topic.status_code == 400
    assert no_topic.json()["error"] == "Bad Request: message thread not found"
    no_message = await client.post(
        "/chats/-100561/press", json={"user_id": 8040, "message_id": 99, "callback_data": "x"}
    )
    assert no_message.status_code == 400
    no_data = await client.post("/chats/-100561/press", json={"user_id": 8040, "message_id": 1})
    assert no_data.status_code == 400
    assert await bot.get_updates() == ()
