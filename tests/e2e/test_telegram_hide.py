"""The quick exit (/hide, "Hide this chat") and /forget, end to end, as the person's phone shows.

The real bot (``bot.app.serve``) runs against the sandbox in polling and in webhook mode, with a
staff group and an advocate. What is checked is the chat the person sees afterwards (the
sandbox's messages not deleted), what the advocates see, and what the bot's database keeps.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import update

from bot.privacy.erasure import ERASED_AT_REQUEST
from bot.sandbox import SandboxMessage, SandboxSupergroup, SandboxUser
from bot.storage import Storage
from bot.storage.tables import ChatMessageRow
from bot.tg.texts import (
    FORGET_ERASE,
    FORGET_KEEP,
    FORGET_KEPT,
    FORGET_QUESTION,
    FORGOTTEN,
    HIDE_BUTTON,
    LEFT_QUICKLY,
    NEUTRAL,
)
from tests.e2e.runtime_fixtures import (
    MODES,
    WELCOME,
    Expected,
    Haven,
    eventually,
    harness,
    open_menu,
    press_button,
)
from tests.keys import SEALER

pytestmark = pytest.mark.asyncio(loop_scope="module")

STAFF_CHAT_ID = -1009000000002
ANNA = 7101
STAFF_LANGUAGE = "de"
HOURS = 3600


@dataclass
class Scene:
    """A running bot, its staff group and one advocate."""

    haven: Haven
    staff: SandboxSupergroup
    anna: SandboxUser

    @property
    def said(self) -> Expected:
        return self.haven.expected

    async def logged(self, chat_id: int) -> list[int]:
        """The message ids the bot keeps for the chat, read from its database."""
        async with (
            await Storage.open(self.haven.database_url, sealer=SEALER) as storage,
            storage.transaction() as session,
        ):
            return await session.messages.deletable(chat_id, datetime.now(UTC))

    async def age_log(self, chat_id: int, hours: float) -> None:
        """Make the bot's notes of the chat's messages ``hours`` older."""
        table = ChatMessageRow.__table__  # type: ignore[attr-defined]
        async with (
            await Storage.open(self.haven.database_url, sealer=SEALER) as storage,
            storage.engine.begin() as connection,
        ):
            await connection.execute(
                update(table)
                .where(table.c.chat_id == chat_id)
                .values(sent_at=datetime.now(UTC) - timedelta(hours=hours))
            )

    def deleted_in(self, user: SandboxUser, since: int = 0) -> list[list[int]]:
        """The ids of each deleteMessages call in ``user``'s chat, after call ``since``."""
        calls = self.haven.sandbox.calls_of("deleteMessages")[since:]
        return [list(c["message_ids"]) for c in calls if c["chat_id"] == user.chat_id]


@pytest_asyncio.fixture(name="scene", scope="module", loop_scope="module", params=MODES)
async def scene_fixture(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Scene]:
    async with harness(request.param, tmp_path_factory.mktemp(request.param)) as haven:
        staff = haven.sandbox.supergroup(STAFF_CHAT_ID, "Advocates", forum=True)
        haven.overrides = {
            "operator_chat_id": STAFF_CHAT_ID,
            "staff_language": STAFF_LANGUAGE,
            "staff_rate_limit": "1000/1",
            "flood_limit": "1000/1",  # one test writes 130 messages in a row
        }
        await haven.add_operator(ANNA, "Anna", ["de"])
        await haven.start()
        yield Scene(haven, staff, haven.sandbox.user(ANNA, "Anna", language_code="de"))
        assert not haven.log.errors()


async def shows_only(user: SandboxUser, *texts: str) -> None:
    """Wait until the person's chat shows exactly ``texts``, both sides, in order."""
    await eventually(lambda: [m.plain_text for m in user.visible_messages] == list(texts))


async def open_case(scene: Scene, user: SandboxUser) -> tuple[int, SandboxMessage]:
    """/human: returns the case's forum topic and the message with the case's buttons."""
    await user.send_command("/human")
    _confirmation, buttons = await user.wait_for_bot_messages(2)
    found: list[int] = []

    def created() -> bool:
        found[:] = [t for t, topic in scene.staff.topics.items() if not topic.closed]
        return len(found) == 1

    await eventually(created)
    return found[0], buttons


async def test_hide_deletes_both_sides_ends_the_case_and_leaves_one_neutral_message(
    scene: Scene,
) -> None:
    said, staff = scene.said, scene.staff
    user, menu = await open_menu(scene.haven)
    await press_button(user, menu, said.flow("en", "start", "menu", "option.situation"))
    await user.wait_for_bot_messages(2)
    await user.send_text("somewhere near the border")  # not an answer: the question again
    await user.wait_for_bot_messages(1)
    await user.send_photo(caption="my papers")
    await user.wait_for_bot_messages(2)
    thread, buttons = await open_case(scene, user)
    assert [b["text"] for b in buttons.buttons][-1] == said.ui("en", HIDE_BUTTON)
    await staff.send_text(scene.anna, "Hallo, ich bin da.", message_thread_id=thread)
    await user.wait_for_bot_messages(2)  # the advocate joined; the reply
    seen = len(user.visible_messages)
    assert seen > 15 and any(not m.from_bot for m in user.visible_messages)
    calls = len(scene.haven.sandbox.calls_of("deleteMessages"))

    await user.send_command("/hide")

    await shows_only(user, NEUTRAL)
    batches = scene.deleted_in(user, since=calls)
    assert batches and all(len(batch) <= 100 for batch in batches)
    assert sum(map(len, batches)) == seen + 1  # everything, and the /hide itself
    # The advocates are told, and the case is over.
    left = said.ui(STAFF_LANGUAGE, LEFT_QUICKLY)
    await eventually(lambda: any(m.plain_text == left for m in staff.thread_messages(thread)))
    await eventually(lambda: staff.topics[thread].closed)
    # Nothing of where they were stays, and no id of the chat's messages either.
    assert await scene.haven.conversation(user.chat_id) is None
    assert await scene.logged(user.chat_id) == []
    # The next message begins afresh, with the welcome.
    await user.send_text("hello")
    welcome, *_ = await user.wait_for_bot_messages(len(WELCOME))
    assert welcome.plain_text == said.flow("en", "start", "welcome")


async def test_the_button_of_an_old_menu_hides_the_chat_too(scene: Scene) -> None:
    said = scene.said
    user, menu = await open_menu(scene.haven, "ru")
    await press_button(user, menu, said.flow("ru", "start", "menu", "option.situation"))
    await user.wait_for_bot_messages(2)
    await eventually(lambda: menu.reply_markup is None)  # the old menu lost its buttons

    # An old menu, its keyboard retired: a client may still send its press.
    await user.press(menu.message_id, "hide")

    await shows_only(user, NEUTRAL)
    assert await scene.haven.conversation(user.chat_id) is None
    assert await scene.logged(user.chat_id) == []


async def test_the_hide_button_under_the_current_question(scene: Scene) -> None:
    user, menu = await open_menu(scene.haven, "de")
    assert [b["text"] for b in menu.buttons][-1] == scene.said.ui("de", HIDE_BUTTON)
    await press_button(user, menu, scene.said.ui("de", HIDE_BUTTON))
    await shows_only(user, NEUTRAL)
    await user.wait_until(lambda: bool(user.callback_answers))  # the spinner stops


async def test_many_messages_are_deleted_in_batches_of_at_most_100(scene: Scene) -> None:
    user, _menu = await open_menu(scene.haven)
    thread, _buttons = await open_case(scene, user)
    for n in range(130):  # to the advocate: relayed, no answer in the chat
        await user.send_text(f"message {n}")

    def relayed() -> int:
        copies = scene.staff.thread_messages(thread)
        return sum(m.from_bot and m.plain_text.startswith("message ") for m in copies)

    # Relayed before they are hidden (a copy of a deleted message would fail).
    await eventually(lambda: relayed() == 130, timeout=20)
    calls = len(scene.haven.sandbox.calls_of("deleteMessages"))

    await user.send_command("/hide")

    await shows_only(user, NEUTRAL)
    batches = scene.deleted_in(user, since=calls)
    assert len(batches) >= 2
    assert all(1 <= len(batch) <= 100 for batch in batches)
    # /start and the welcome, /human and the case's two messages, the texts, /hide.
    assert sum(map(len, batches)) == 1 + 4 + 1 + 2 + 130 + 1


async def test_ids_older_than_48_hours_are_not_even_tried(scene: Scene) -> None:
    user, _menu = await open_menu(scene.haven)
    old = [m.message_id for m in user.visible_messages]
    await scene.age_log(user.chat_id, hours=49)
    calls = len(scene.haven.sandbox.calls_of("deleteMessages"))

    await user.send_command("/hide")

    await eventually(lambda: user.visible_messages[-1].plain_text == NEUTRAL)
    assert [m.message_id for m in user.visible_messages[:-1]] == old
    assert not set(old) & {i for batch in scene.deleted_in(user, since=calls) for i in batch}
    assert await scene.logged(user.chat_id) == []


async def test_forget_asks_first_and_keep_erases_nothing(scene: Scene) -> None:
    said = scene.said
    user, menu = await open_menu(scene.haven, "fr")
    await user.send_command("/forget")
    [question] = await user.wait_for_bot_messages(1)
    assert question.plain_text == said.ui("fr", FORGET_QUESTION)
    assert [b["text"] for b in question.buttons] == [
        said.ui("fr", FORGET_ERASE),
        said.ui("fr", FORGET_KEEP),
        said.ui("fr", HIDE_BUTTON),
    ]

    await press_button(user, question, said.ui("fr", FORGET_KEEP))

    kept, again = await user.wait_for_bot_messages(2)
    assert kept.plain_text == said.ui("fr", FORGET_KEPT)
    assert again.plain_text == menu.plain_text
    await eventually(lambda: question.reply_markup is None)
    assert await scene.haven.conversation(user.chat_id) is not None
    assert question.message_id in await scene.logged(user.chat_id)


def staff_outbox(scene: Scene) -> list[tuple[object, ...]]:
    """The staff outbox's rows as (id, ticket, method, status, attempts, error): no payload."""
    with sqlite3.connect(scene.haven.data_dir / "haven.sqlite3") as connection:
        return list(
            connection.execute(
                "SELECT id, ticket_id, method, status, attempts, last_error FROM outbox"
                " WHERE destination = 'staff' ORDER BY id"
            )
        )


async def test_forget_erases_everything_and_says_so_in_the_persons_language(
    scene: Scene,
) -> None:
    said, staff = scene.said, scene.staff
    user, _menu = await open_menu(scene.haven, "de")
    thread, _buttons = await open_case(scene, user)
    await user.send_text("Bitte helfen Sie mir")
    case = int(staff.topics[thread].name.split()[0].lstrip("#"))
    await user.send_command("/forget")
    [question] = await user.wait_for_bot_messages(1)

    await press_button(user, question, said.ui("de", FORGET_ERASE))

    await shows_only(user, said.ui("de", FORGOTTEN))
    assert await scene.haven.conversation(user.chat_id) is None
    assert await scene.logged(user.chat_id) == []
    # The case's topic goes, copies and all; the advocates are told why, by number only.
    erased = said.ui(STAFF_LANGUAGE, ERASED_AT_REQUEST).format(case=case)
    await eventually(lambda: thread not in staff.topics, timeout=15)
    try:
        await eventually(lambda: any(m.plain_text == erased for m in staff.messages), timeout=30)
    except TimeoutError:  # seen once in a full run: say what the staff outbox held then
        raise AssertionError(f"no notice in General; staff outbox: {staff_outbox(scene)}") from None
    assert not [m for m in staff.messages if not m.deleted and "Bitte helfen" in m.plain_text]
    # Nothing reaches the person afterwards, and the next message begins afresh.
    await user.send_text("Hallo")
    welcome, *_ = await user.wait_for_bot_messages(len(WELCOME))
    assert welcome.plain_text == said.flow("de", "start", "welcome")


async def test_messages_telegram_no_longer_deletes_stay_and_nothing_fails(scene: Scene) -> None:
    # The bot still counts them as recent (its clock did not move), Telegram's did: Telegram
    # refuses every call holding one of them, and the bot splits the calls until only those
    # are left out. Runs last in the module: the sandbox's clock stays ahead.
    said = scene.said
    user, menu = await open_menu(scene.haven)
    old = [m.message_id for m in user.visible_messages]
    scene.haven.sandbox.advance_clock(49 * HOURS)
    await press_button(user, menu, said.flow("en", "start", "menu", "option.situation"))
    await user.wait_for_bot_messages(2)
    seen = len(scene.haven.log.records)

    await user.send_command("/hide")

    await eventually(lambda: user.visible_messages[-1].plain_text == NEUTRAL)
    assert [m.message_id for m in user.visible_messages[:-1]] == old
    assert await scene.logged(user.chat_id) == []
    assert not scene.haven.log.errors(seen)
    assert any(m.startswith("chat hidden: 3 of") for m in scene.haven.log.messages(seen))
