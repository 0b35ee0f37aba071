"""Flood control for groups: Telegram's "about 20 messages a minute per group", refused with 429."""

from __future__ import annotations

import asyncio
import datetime as dtm

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox import GroupLimit, Sandbox, SandboxSupergroup, SandboxUser

TOKEN = "123456:SANDBOX"  # the conftest's bot fixture uses this token
STAFF = -100777


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock: Clock) -> Sandbox:
    return Sandbox(token=TOKEN, group_limit=GroupLimit(messages=3, seconds=60), monotonic=clock)


@pytest.fixture
def staff(sandbox: Sandbox) -> SandboxSupergroup:
    return sandbox.supergroup(STAFF, "Staff", forum=True)


def seconds(error: telegram.error.RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else value


async def test_the_message_over_the_limit_is_refused_until_the_window_moves(
    bot: telegram.Bot, sandbox: Sandbox, staff: SandboxSupergroup, user: SandboxUser, clock: Clock
) -> None:
    await user.send_text("I need help")
    thread = (await bot.create_forum_topic(STAFF, "#1 · ru · asylum")).message_thread_id
    clock.now += 10
    await bot.copy_message(STAFF, user.chat_id, 1, message_thread_id=thread)
    clock.now += 10
    await bot.send_message(STAFF, "Claim?", message_thread_id=thread)
    before = len(staff.messages)

    with pytest.raises(telegram.error.RetryAfter) as refused:
        await bot.send_photo(STAFF, b"\x89PNG\r\n\x1a\n", message_thread_id=thread)
    # The topic was created 20 s ago: it leaves the 60 s window in 40 s.
    assert seconds(refused.value) == 40
    clock.now += 39.5
    with pytest.raises(telegram.error.RetryAfter) as refused:
        await bot.send_message(STAFF, "Still too soon", message_thread_id=thread)
    assert seconds(refused.value) == 1  # half a second, rounded up
    with pytest.raises(telegram.error.RetryAfter):
        await bot.create_forum_topic(STAFF, "#2 · de · work")
    assert len(staff.messages) == before and len(staff.topics) == 1  # nothing was posted
    assert sandbox.flood_refusals == [
        ("sendPhoto", STAFF),
        ("sendMessage", STAFF),
        ("createForumTopic", STAFF),
    ]

    clock.now += 0.5  # exactly 60 s after the topic: one slot is free again
    await bot.send_document(STAFF, b"notes", filename="notes.txt", message_thread_id=thread)
    with pytest.raises(telegram.error.RetryAfter) as refused:
        await bot.send_message(STAFF, "One more", message_thread_id=thread)
    assert seconds(refused.value) == 10  # the copy, posted 10 s after the topic, goes next
    posted = [m.posted_at for m in staff.messages]
    assert posted == [1000.0, 1010.0, 1020.0, 1060.0]


async def test_the_raw_error_has_telegrams_shape(
    sandbox: Sandbox, staff: SandboxSupergroup, url: str
) -> None:
    async with httpx.AsyncClient(base_url=f"{url}/bot{TOKEN}") as api:
        for _ in range(3):
            assert (await api.post("/sendMessage", json={"chat_id": STAFF, "text": "x"})).is_success
        refused = await api.post("/sendMessage", json={"chat_id": STAFF, "text": "x"})
    assert refused.status_code == 429
    assert refused.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 60",
        "parameters": {"retry_after": 60},
    }


async def test_private_chats_and_edits_are_not_limited(
    bot: telegram.Bot, sandbox: Sandbox, staff: SandboxSupergroup, user: SandboxUser
) -> None:
    for number in range(10):
        await bot.send_message(user.chat_id, f"Private {number}")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Claim", callback_data="claim:1")]])
    sent = [await bot.send_message(STAFF, "Ticket", reply_markup=markup) for _ in range(3)]
    for message in sent:
        await bot.edit_message_reply_markup(STAFF, message.message_id, reply_markup=None)
        await bot.edit_message_text("Claimed", chat_id=STAFF, message_id=message.message_id)
    await bot.copy_message(user.chat_id, STAFF, sent[0].message_id)  # out of the group: fine
    assert sandbox.flood_refusals == []


async def test_failed_calls_do_not_count_and_fail_next_comes_first(
    bot: telegram.Bot, sandbox: Sandbox, staff: SandboxSupergroup
) -> None:
    with pytest.raises(telegram.error.BadRequest):
        await bot.send_message(STAFF, "x" * 4097)
    with pytest.raises(telegram.error.BadRequest):
        await bot.send_message(STAFF, "Lost", message_thread_id=404)
    sandbox.fail_next("sendMessage", 403, "Forbidden: bot is not a member of the supergroup chat")
    with pytest.raises(telegram.error.Forbidden):
        await bot.send_message(STAFF, "Refused by the test")
    for number in range(3):
        await bot.send_message(STAFF, f"Counted {number}")
    sandbox.fail_next("sendMessage", 400, "Bad Request: injected")
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)injected"):
        await bot.send_message(STAFF, "The injected failure wins over flood control")
    with pytest.raises(telegram.error.RetryAfter):
        await bot.send_message(STAFF, "Now flood control")
    assert sandbox.flood_refusals == [("sendMessage", STAFF)]
    assert [m.text for m in staff.bot_messages] == ["Counted 0", "Counted 1", "Counted 2"]


async def test_the_limit_is_off_by_default_and_can_be_set_later() -> None:
    sandbox = Sandbox(token=TOKEN)
    assert sandbox.group_limit is None
    staff = sandbox.supergroup(STAFF, "Staff")
    async with sandbox.serve() as url, telegram.Bot(TOKEN, base_url=f"{url}/bot") as bot:
        for number in range(25):
            await bot.send_message(STAFF, f"Unlimited {number}")
        sandbox.group_limit = GroupLimit(messages=2, seconds=0.4)  # on the real clock
        await bot.send_message(STAFF, "First")
        await bot.send_message(STAFF, "Second")
        with pytest.raises(telegram.error.RetryAfter) as refused:
            await bot.send_message(STAFF, "Third")
        assert seconds(refused.value) == 1  # at least a second, though the window is shorter
        await asyncio.sleep(0.45)
        await bot.send_message(STAFF, "Third, later")
        sandbox.group_limit = None
        await bot.send_message(STAFF, "Unlimited again")
    first, second, third = (m.posted_at for m in staff.bot_messages[25:28])
    assert second - first < 0.4 <= third - first
    assert sandbox.flood_refusals == [("sendMessage", STAFF)]


def test_a_limit_must_allow_something() -> None:
    with pytest.raises(ValueError, match="messages"):
        GroupLimit(messages=0, seconds=60)
    with pytest.raises(ValueError, match="seconds"):
        GroupLimit(messages=20, seconds=0)
