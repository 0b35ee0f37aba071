"""The per-person flood limit: its sliding window, its one notice a period, its bounded memory,
and the processor that drops what is over it before any handler sees it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import CallbackQuery, Chat, ChatMemberLeft, ChatMemberUpdated, Message, Update, User

from bot.tg.flood_limit import FloodLimit, Verdict, limited_chat
from bot.tg.processor import PerChatUpdateProcessor

READ, NOTIFY, DROP = Verdict.READ, Verdict.NOTIFY, Verdict.DROP
TIMEOUT = 2.0


class Clock:
    """Monotonic seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def message(update_id: int, chat_id: int, kind: str = "private", text: str = "x") -> Update:
    chat = Chat(chat_id, kind)
    user = User(abs(chat_id), "Test", False)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text=text))  # type: ignore[arg-type]


def test_reads_the_limit_then_tells_once_then_drops() -> None:
    limit = FloodLimit(3, 60.0, clock=Clock())
    assert [limit.check(1) for _ in range(6)] == [READ, READ, READ, NOTIFY, DROP, DROP]


def test_the_window_slides_and_what_was_dropped_does_not_count() -> None:
    clock = Clock()
    limit = FloodLimit(2, 60.0, clock=clock)
    assert limit.check(1) is READ
    clock.now += 30
    assert limit.check(1) is READ
    clock.now += 29
    assert [limit.check(1), limit.check(1)] == [NOTIFY, DROP]
    clock.now += 1  # the first read is a full period old; the drops do not count
    assert limit.check(1) is READ
    assert limit.check(1) is DROP  # told 1 s ago: not again within the period
    clock.now += 30  # the second read is a period old
    assert limit.check(1) is READ
    clock.now += 20
    assert limit.check(1) is DROP  # 51 s after the notice: not told again yet
    clock.now += 9
    assert limit.check(1) is NOTIFY  # a period after the notice, still too fast: told again


def test_no_span_of_a_period_holds_more_than_the_limit() -> None:
    clock = Clock()
    limit = FloodLimit(20, 60.0, clock=clock)
    read: list[float] = []
    for _ in range(600):  # one update every 0.7 s for 7 minutes, far over 20 a minute
        if limit.check(5) is READ:
            read.append(clock.now)
        clock.now += 0.7
    assert all(later - earlier >= 60.0 for earlier, later in zip(read, read[20:], strict=False))
    assert len(read) >= 20 * 7  # and the limit is all it takes away


def test_chats_are_counted_apart() -> None:
    limit = FloodLimit(1, 60.0, clock=Clock())
    assert [limit.check(1), limit.check(2), limit.check(1), limit.check(2)] == [
        READ,
        READ,
        NOTIFY,
        NOTIFY,
    ]


def test_idle_chats_are_forgotten_and_memory_is_bounded() -> None:
    clock = Clock()
    limit = FloodLimit(1, 60.0, clock=clock, max_chats=100)
    for chat in range(50):
        limit.check(chat)
    assert len(limit) == 50
    clock.now += 59
    limit.check(1000)
    assert len(limit) == 51  # nobody idle for a full period yet
    clock.now += 1
    limit.check(1001)
    assert len(limit) == 2  # the first fifty lapsed; 1000 was seen a second ago
    for chat in range(500):
        limit.check(chat)
    assert len(limit) == 100
    assert limit.check(499) is NOTIFY  # the most recent are remembered


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((0, 60.0), {}), ((True, 60.0), {}), ((5, 0.0), {}), ((5, float("inf")), {}),
     ((5, 60.0), {"max_chats": 0})],
)  # fmt: skip
def test_bad_limits_are_refused(args: tuple[Any, float], kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        FloodLimit(*args, **kwargs)


def test_what_counts_against_a_person() -> None:
    assert limited_chat(message(1, 42)) == 42
    edited = Update(2, edited_message=message(2, 42).message)
    assert limited_chat(edited) == 42
    press = CallbackQuery("q", User(42, "T", False), "i", message=message(3, 42).message, data="x")
    assert limited_chat(Update(3, callback_query=press)) == 42
    # The staff group, other groups, Telegram's notes about the chat, and non-updates: never.
    assert limited_chat(message(4, -100123, "supergroup")) is None
    user = User(42, "T", False)
    left = ChatMemberLeft(user)
    change = ChatMemberUpdated(Chat(42, "private"), user, None, left, left)  # type: ignore[arg-type]
    assert limited_chat(Update(5, my_chat_member=change)) is None
    assert limited_chat(object()) is None


async def test_the_processor_drops_what_is_over_the_limit_and_tells_once_in_turn() -> None:
    processor = PerChatUpdateProcessor(8)
    handled: list[tuple[int, int]] = []
    told: list[tuple[int, int]] = []

    async def notify(update: Update) -> None:
        assert update.effective_chat is not None
        told.append((update.effective_chat.id, update.update_id))
        handled.append((0, update.update_id))  # where the notice falls among the answers

    async def work(chat: int, number: int) -> None:
        await asyncio.sleep(0)
        handled.append((chat, number))

    processor.limit_floods(FloodLimit(20, 60.0, clock=Clock()), notify)
    coroutines = [work(7, n) for n in range(25)]
    async with processor:
        await asyncio.wait_for(
            asyncio.gather(
                *(processor.process_update(message(n, 7), c) for n, c in enumerate(coroutines)),
                *(processor.process_update(message(100 + n, -100, "supergroup"), work(-100, n))
                  for n in range(30)),
            ),
            TIMEOUT,
        )  # fmt: skip
    assert [n for chat, n in handled if chat == 7] == list(range(20))
    assert told == [(7, 20)]
    # The notice comes after the answers to everything that was read.
    assert [entry for entry in handled if entry[0] in (0, 7)][-1] == (0, 20)
    # The staff group is never limited.
    assert len([n for chat, n in handled if chat == -100]) == 30
    # What was dropped was closed, never run (and never left un-awaited).
    assert all(c.cr_frame is None for c in coroutines)
    assert processor._locks == {}


async def test_without_a_limit_everything_is_read() -> None:
    processor = PerChatUpdateProcessor(8)
    handled: list[int] = []

    async def work(number: int) -> None:
        handled.append(number)

    async with processor:
        await asyncio.gather(*(processor.process_update(message(n, 7), work(n)) for n in range(50)))
    assert handled == list(range(50))


@pytest.mark.parametrize("text", ["/hide", "/HIDE", "/hide@haven_bot", "/forget", "/Forget now"])
def test_the_ways_out_are_never_held_back(text: str) -> None:
    assert limited_chat(message(1, 42, text=text)) is None


@pytest.mark.parametrize(("data", "exempt"), [("hide", True), ("f:erase", True), ("f:keep", True),
                                              ("hidden", False), ("/hide", False)])  # fmt: skip
def test_the_hide_and_forget_buttons_are_never_held_back(data: str, exempt: bool) -> None:
    press = CallbackQuery("q", User(42, "T", False), "i", message=message(3, 42).message, data=data)
    assert (limited_chat(Update(3, callback_query=press)) is None) is exempt


def test_a_text_that_only_mentions_hide_counts() -> None:
    assert limited_chat(message(1, 42, text="how do I /hide")) == 42
    assert limited_chat(message(2, 42, text="/hidden")) == 42


@pytest.mark.parametrize("text", ["", " ", "\n", "\u3000"])
def test_a_text_of_no_words_counts_and_does_not_break_the_check(text: str) -> None:
    assert limited_chat(message(1, 42, text=text)) == 42
