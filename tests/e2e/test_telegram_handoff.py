"""The hand-off to a human advocate, end to end: a person, the bot, and the staff group.

The real bot (``bot.app.serve``) runs against the sandbox in polling and in webhook mode, with
a forum supergroup as the staff group. Operators are added as ``haven operators add`` does.
Everything the tests check is what people see: the person's private chat and the group's
topics, never the bot's internals.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from bot.handoff import HandoffStore, texts
from bot.sandbox import SandboxMessage, SandboxUser
from bot.storage import Storage
from bot.tg.texts import HIDE_BUTTON
from tests.e2e.runtime_fixtures import (
    MODES,
    TIMEOUT,
    Haven,
    callback_of,
    eventually,
    harness,
    open_menu,
    press_button,
)
from tests.e2e.staff_group import StaffScene
from tests.keys import PSEUDONYMS, SEALER

pytestmark = pytest.mark.asyncio(loop_scope="module")

STAFF_CHAT_ID = -1009000000001
ANNA, BORIS, MALLORY = 7001, 7002, 7999
#: Anna works in German: what the bot posts in the group on its own is in German too.
STAFF_LANGUAGE = "de"


@dataclass
class Desk(StaffScene):
    """A running bot, its staff group, two operators and a member who is not one."""

    anna: SandboxUser  # operator, German
    boris: SandboxUser  # admin, English
    mallory: SandboxUser  # in the group, not an operator

    async def wait_in_topic(self, thread: int, text: str) -> SandboxMessage:
        """The bot's first message in the topic whose text contains ``text``."""
        found: list[SandboxMessage] = []

        def posted() -> bool:
            found[:] = [
                m for m in self.staff.thread_messages(thread) if m.from_bot and text in m.plain_text
            ]
            return bool(found)

        await eventually(posted)
        return found[0]


@pytest_asyncio.fixture(name="desk", scope="module", loop_scope="module", params=MODES)
async def desk_fixture(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Desk]:
    async with harness(request.param, tmp_path_factory.mktemp(request.param)) as haven:
        staff = haven.sandbox.supergroup(STAFF_CHAT_ID, "Advocates", forum=True)
        haven.overrides = {
            "operator_chat_id": STAFF_CHAT_ID,
            "staff_language": STAFF_LANGUAGE,
            "staff_rate_limit": "200/1",
        }
        await haven.add_operator(ANNA, "Anna", ["de"])
        await haven.add_operator(BORIS, "Boris", ["en"], role="admin")
        sandbox = haven.sandbox
        await haven.start()
        yield Desk(
            haven,
            staff,
            anna=sandbox.user(ANNA, "Anna", language_code="de"),
            boris=sandbox.user(BORIS, "Boris", language_code="en"),
            mallory=sandbox.user(MALLORY, "Mallory", language_code="en"),
        )
        assert not haven.log.errors()


def case_number(message: SandboxMessage) -> int:
    match = re.search(r"#(\d+)", message.plain_text)
    assert match, f"no case number in {message.plain_text!r}"
    return int(match.group(1))


async def ask_for_advocate(desk: Desk, user: SandboxUser) -> tuple[int, SandboxMessage]:
    """/human from the menu: returns the case number and the message with the case's buttons."""
    await user.send_command("/human")
    confirmation, buttons = await user.wait_for_bot_messages(2)
    return case_number(confirmation), buttons


async def open_case(
    desk: Desk, language: str = "en", username: str | None = None
) -> tuple[SandboxUser, int, int]:
    """A new person opens a case with /human: returns them, the case number and its topic."""
    user, _menu = await open_menu(desk.haven, language)
    user.username = username
    case, _ = await ask_for_advocate(desk, user)
    return user, case, await desk.topic_of(case)


async def hand_off_from_the_situation(
    desk: Desk, user: SandboxUser, menu: SandboxMessage
) -> list[SandboxMessage]:
    """In a CIS country, with a passport, 45 days there, "talk to an advocate now": the
    handoff node's text, the confirmation, and the case's buttons."""
    said, language = desk.said, user.language_code or "en"
    await press_button(user, menu, said.flow(language, "start", "menu", "option.situation"))
    _intro, where = await user.wait_for_bot_messages(2)
    await press_button(user, where, said.flow(language, "situation", "where", "option.cis"))
    await user.wait_for_bot_messages(1)
    await user.send_text("yes")
    await user.wait_for_bot_messages(1)
    await user.send_text("45")
    *_, offer = await user.wait_for_bot_messages(3)
    await press_button(user, offer, said.flow(language, "situation", "offer", "option.now"))
    return await user.wait_for_bot_messages(3)


async def claim(desk: Desk, thread: int, operator: SandboxUser) -> None:
    await eventually(lambda: any(m.buttons for m in desk.staff.thread_messages(thread)))
    summary = next(m for m in desk.staff.thread_messages(thread) if m.buttons)
    label = desk.ui(STAFF_LANGUAGE, texts.CLAIM_BUTTON)
    await desk.staff.press(operator, summary.message_id, callback_of(summary, label))


async def test_a_russian_speaker_reaches_an_advocate_and_back(desk: Desk) -> None:
    said, staff, anna = desk.said, desk.staff, desk.anna
    user, menu = await open_menu(desk.haven, "ru")
    user.first_name, user.username = "Иван", "ivan_from_tula"
    handoff_text, confirmation, buttons = await hand_off_from_the_situation(desk, user, menu)
    assert handoff_text.plain_text == said.flow("ru", "situation", "handoff_now")
    case = case_number(confirmation)
    assert f"#{case}" in confirmation.plain_text
    assert said.ui("ru", texts.RELAY_STARTED) in confirmation.plain_text
    assert [b["text"] for b in buttons.buttons] == [
        said.ui("ru", texts.REVEAL_BUTTON),
        said.ui("ru", texts.CANCEL_BUTTON),
        said.ui("ru", HIDE_BUTTON),
    ]

    # A topic named by case, language and topic, with the summary in the staff's language.
    thread = await desk.topic_of(case)
    assert staff.topics[thread].name == f"#{case} · ru · situation"
    summary = await desk.wait_in_topic(thread, said.ui(STAFF_LANGUAGE, texts.SUMMARY_HEADING))
    assert said.flow("de", "situation", "days") in summary.plain_text
    assert "→ 45" in summary.plain_text
    assert said.flow("de", "situation", "where", "option.cis") in summary.plain_text
    assert [b["text"] for b in summary.buttons] == [
        said.ui("de", texts.CLAIM_BUTTON),
        said.ui("de", texts.CLOSE_BUTTON),
    ]

    # Anna claims; the person is told someone is there (never who).
    await claim(desk, thread, anna)
    await desk.wait_in_topic(thread, desk.ui("de", texts.CLAIMED_BY, alias="Anna"))
    [joined] = await user.wait_for_bot_messages(1)
    assert joined.plain_text == said.ui("ru", texts.ADVOCATE_JOINED)

    # Text and a photo from the person arrive in the topic as copies.
    await user.send_text("Здравствуйте, мне нужна помощь")
    await desk.wait_in_topic(thread, "Здравствуйте, мне нужна помощь")
    await user.send_photo(caption="справка")
    await eventually(
        lambda: any(m.kind == "photo" for m in staff.thread_messages(thread) if m.from_bot)
    )

    # Anna's text and photo reach the person, signed with her alias.
    await staff.send_text(anna, "Guten Tag, wie kann ich helfen?", message_thread_id=thread)
    [reply] = await user.wait_for_bot_messages(1)
    assert reply.plain_text == "Anna:\nGuten Tag, wie kann ich helfen?"
    await staff.send_photo(anna, caption="Merkblatt", message_thread_id=thread)
    [photo] = await user.wait_for_bot_messages(1)
    assert photo.kind == "photo"
    assert photo.plain_text == "Anna:\nMerkblatt"

    # A note stays in the group.
    await staff.send_command(anna, "/note", "wirkt verängstigt", message_thread_id=thread)
    await desk.wait_in_topic(thread, desk.ui("de", texts.NOTE_SAVED))

    # Closing tells the person and starts the feedback flow.
    await staff.send_command(anna, "/close", "erledigt", message_thread_id=thread)
    closed, question = await user.wait_for_bot_messages(2)
    assert closed.plain_text == desk.ui("ru", texts.CASE_CLOSED, case=case)
    assert question.plain_text == said.flow("ru", "feedback", "helped")
    await desk.wait_in_topic(thread, desk.ui("de", texts.CLOSED_WITH_REASON, reason="erledigt"))
    await eventually(lambda: staff.topics[thread].closed)

    # Nothing internal reached the person, and nothing identifying reached the staff.
    person_saw = " ".join(m.plain_text for m in user.messages if m.from_bot)
    assert "wirkt verängstigt" not in person_saw and "erledigt" not in person_saw
    staff_saw = " ".join(m.plain_text + str(m.media) for m in staff.messages)
    for identifying in ("Иван", "ivan_from_tula", str(user.user_id)):
        assert identifying not in staff_saw

    # After the case the dialogue answers again: the feedback question takes a button.
    await press_button(user, question, said.flow("ru", "feedback", "helped", "option.helped"))
    [thanks, *_] = await user.wait_for_bot_messages(1)
    assert thanks.plain_text == said.flow("ru", "feedback", "thanks")


async def test_someone_who_is_not_an_operator_can_neither_claim_nor_reply(desk: Desk) -> None:
    user, _case, thread = await open_case(desk)
    summary = await desk.wait_in_topic(thread, desk.ui("de", texts.NOTHING_SHARED))
    await desk.staff.press(
        desk.mallory, summary.message_id, callback_of(summary, desk.ui("de", texts.CLAIM_BUTTON))
    )
    await desk.mallory.wait_until(lambda: bool(desk.mallory.callback_answers))
    answer = desk.mallory.callback_answers[-1]
    assert answer["text"] == desk.ui("de", texts.ONLY_OPERATORS)
    assert answer["show_alert"] is True
    await desk.staff.send_text(desk.mallory, "I am your advocate", message_thread_id=thread)
    await desk.staff.send_command(desk.mallory, "/close", message_thread_id=thread)
    # Anna still finds the case open: her reply claims it, and is what the person gets next.
    await desk.staff.send_text(desk.anna, "Hallo", message_thread_id=thread)
    joined, reply = await user.wait_for_bot_messages(2)
    assert joined.plain_text == desk.ui("en", texts.ADVOCATE_JOINED)
    assert reply.plain_text == "Anna:\nHallo"
    assert not any("I am your advocate" in m.plain_text for m in user.messages)
    assert not any(desk.ui("de", texts.CLOSED) == t for t in desk.bot_texts(thread))


async def test_asking_twice_gives_one_case(desk: Desk) -> None:
    user, case, thread = await open_case(desk)
    await user.send_command("/human")
    [reminder] = await user.wait_for_bot_messages(1)
    assert reminder.plain_text == desk.ui("en", texts.ALREADY_WITH_ADVOCATE, case=case)
    assert desk.ui("en", texts.CANCEL_BUTTON) in [b["text"] for b in reminder.buttons]
    await desk.wait_in_topic(thread, desk.ui("de", texts.ASKED_AGAIN))
    assert [t.name for t in desk.staff.topics.values()].count(f"#{case} · en · general") == 1


async def test_a_ban_stops_the_relay(desk: Desk) -> None:
    user, _case, thread = await open_case(desk)
    # Only an admin may ban.
    await desk.staff.send_command(desk.anna, "/ban", message_thread_id=thread)
    await desk.wait_in_topic(thread, desk.ui("de", texts.ONLY_ADMINS))
    await desk.staff.send_command(desk.boris, "/ban", message_thread_id=thread)
    await desk.wait_in_topic(thread, desk.ui("en", texts.BANNED))
    await user.send_text("are you there?")
    [refused] = await user.wait_for_bot_messages(1)
    assert refused.plain_text == desk.ui("en", texts.ADVOCATES_UNAVAILABLE)
    await user.send_command("/human")  # nor does another request reach the staff
    [refused] = await user.wait_for_bot_messages(1)
    assert refused.plain_text == desk.ui("en", texts.ADVOCATES_UNAVAILABLE)
    await desk.staff.send_command(desk.boris, "/unban", message_thread_id=thread)
    await desk.wait_in_topic(thread, desk.ui("en", texts.UNBANNED))
    await user.send_text("hello again")
    await desk.wait_in_topic(thread, "hello again")
    assert "are you there?" not in desk.bot_texts(thread)
    assert desk.ui("de", texts.ASKED_AGAIN) not in desk.bot_texts(thread)


async def test_the_person_can_cancel_and_show_their_username(desk: Desk) -> None:
    user, _case, thread = await open_case(desk, username="maria_k")
    buttons = user.messages[-1]
    await press_button(user, buttons, desk.ui("en", texts.REVEAL_BUTTON))
    [shown] = await user.wait_for_bot_messages(1)
    assert shown.plain_text == desk.ui("en", texts.USERNAME_SHOWN)
    await desk.wait_in_topic(thread, "@maria_k")
    await press_button(user, shown, desk.ui("en", texts.CANCEL_BUTTON))
    cancelled, *_menu = await user.wait_for_bot_messages(2)
    assert cancelled.plain_text == desk.ui("en", texts.CANCELLED)
    await desk.wait_in_topic(thread, desk.ui("de", texts.USER_CANCELLED))
    # The dialogue answers again; nothing more goes to the topic.
    before = len(desk.bot_texts(thread))
    await user.send_command("/help")
    await user.wait_for_bot_messages(2)
    assert len(desk.bot_texts(thread)) == before


async def test_queue_lists_open_cases_in_general(desk: Desk) -> None:
    _user, case, _thread = await open_case(desk, "fr")
    await desk.staff.send_command(desk.boris, "/queue")
    heading = desk.ui("en", texts.QUEUE_HEADING)
    await eventually(lambda: any(m.plain_text.startswith(heading) for m in desk.staff.bot_messages))
    queue = next(m for m in desk.staff.bot_messages if m.plain_text.startswith(heading))
    assert queue.message_thread_id is None  # in General, where it was asked
    line = next(line for line in queue.plain_text.splitlines() if line.startswith(f"#{case} "))
    assert " · fr · general · " in line
    assert desk.ui("en", texts.QUEUE_UNCLAIMED) in line


async def test_a_user_who_blocked_the_bot_is_flagged_to_the_staff(desk: Desk) -> None:
    user, _case, thread = await open_case(desk)
    desk.haven.sandbox.block(user.user_id)
    await desk.staff.send_text(desk.anna, "Sind Sie noch da?", message_thread_id=thread)
    await desk.wait_in_topic(thread, desk.ui("de", texts.USER_BLOCKED_BOT))
    await eventually(
        lambda: desk.bot_texts(thread).count(desk.ui("de", texts.USER_BLOCKED_BOT)) >= 1
    )
    assert desk.bot_texts(thread).count(desk.ui("de", texts.USER_BLOCKED_BOT)) == 1


async def test_a_failed_relay_is_retried_and_arrives_once(desk: Desk) -> None:
    user, _case, thread = await open_case(desk)
    desk.haven.sandbox.fail_next("copyMessage", 502, "Bad Gateway")
    await user.send_text("only once, please")
    await eventually(lambda: "only once, please" in desk.bot_texts(thread), timeout=15)
    await user.send_text("and in order")
    await desk.wait_in_topic(thread, "and in order")
    relayed = [t for t in desk.bot_texts(thread) if t in ("only once, please", "and in order")]
    assert relayed == ["only once, please", "and in order"]


async def test_unknown_canned_reply_lists_the_known_ones(desk: Desk) -> None:
    user, _case, thread = await open_case(desk, "ru")
    await desk.staff.send_command(desk.anna, "/canned", "nope", message_thread_id=thread)
    await desk.wait_in_topic(thread, "nope")
    await desk.staff.send_command(desk.anna, "/canned", "received", message_thread_id=thread)
    joined, reply = await user.wait_for_bot_messages(2)
    assert joined.plain_text == desk.ui("ru", texts.ADVOCATE_JOINED)
    assert reply.plain_text.startswith("Anna:\nСпасибо, мы получили ваше сообщение.")


@pytest.fixture(name="own_haven", params=MODES)
async def own_haven_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Haven]:
    async with harness(request.param, tmp_path) as haven:
        haven.overrides = {"operator_chat_id": STAFF_CHAT_ID, "staff_language": "en"}
        yield haven
        assert not haven.log.errors()


@pytest.mark.asyncio(loop_scope="function")
async def test_a_restart_mid_case_loses_nothing(own_haven: Haven) -> None:
    haven = own_haven
    staff = haven.sandbox.supergroup(STAFF_CHAT_ID, "Advocates", forum=True)
    anna = haven.sandbox.user(ANNA, "Anna", language_code="en")
    await haven.add_operator(ANNA, "Anna", ["en"])
    await haven.start()
    user, _menu = await open_menu(haven)
    await user.send_command("/human")
    confirmation, _ = await user.wait_for_bot_messages(2)
    case = case_number(confirmation)
    await eventually(lambda: any(t.name.startswith(f"#{case} ") for t in staff.topics.values()))
    thread = next(k for k, t in staff.topics.items() if t.name.startswith(f"#{case} "))
    await haven.stop()
    # While the bot is down, both sides write.
    await user.send_text("written while you were away")
    await staff.send_text(anna, "Back soon", message_thread_id=thread)
    await haven.start()
    await eventually(
        lambda: any(
            m.plain_text == "written while you were away" for m in staff.thread_messages(thread)
        )
    )
    _joined, reply = await user.wait_for_bot_messages(2, timeout=TIMEOUT)
    assert reply.plain_text == "Anna:\nBack soon"


# The staff group's pacing does not depend on how updates arrive: one mode is enough, and the
# users' 600 welcome messages take 20 s at Telegram's 30 a second.
@pytest.mark.parametrize("own_haven", ["polling"], indirect=True)
@pytest.mark.asyncio(loop_scope="function")
async def test_a_hundred_cases_reach_the_staff_in_order_within_the_rate_limit(
    own_haven: Haven,
) -> None:
    from bot.sandbox import GroupLimit

    haven = own_haven
    # Telegram's 20 a minute, sped up: the bot is told the same limit the group enforces.
    haven.overrides["staff_rate_limit"] = "40/1"
    haven.sandbox.group_limit = GroupLimit(messages=40, seconds=1.0)
    staff = haven.sandbox.supergroup(STAFF_CHAT_ID, "Advocates", forum=True)
    await haven.start()
    users = [haven.new_user("en") for _ in range(100)]
    for user in users:
        await user.send_command("/human")  # a first message: the welcome, then the case
    cases = []
    for user in users:
        *_welcome, confirmation, _buttons = await user.wait_for_bot_messages(6, timeout=30)
        cases.append(case_number(confirmation))
    await eventually(lambda: len(staff.topics) == 100, timeout=30)
    # Every summary too, then check order: topics were created in the order of the cases.
    await eventually(lambda: len([m for m in staff.bot_messages if m.buttons]) == 100, timeout=30)
    names = [topic.name for _, topic in sorted(staff.topics.items())]
    assert names == [f"#{case} · en · general" for case in sorted(cases)]
    assert haven.sandbox.flood_refusals == []


async def test_an_operator_removed_is_refused_at_once(desk: Desk) -> None:
    user, _case, thread = await open_case(desk)
    carl = desk.haven.sandbox.user(7003, "Carl", language_code="en")
    await desk.haven.add_operator(7003, "Carl", ["en"])
    async with (
        await Storage.open(desk.haven.database_url, sealer=SEALER) as storage,
        HandoffStore(storage, pseudonyms=PSEUDONYMS).transaction() as tx,
    ):
        assert await tx.operators.remove(7003)
    await claim(desk, thread, carl)
    await carl.wait_until(lambda: bool(carl.callback_answers))
    assert carl.callback_answers[-1]["text"] == desk.ui("de", texts.ONLY_OPERATORS)
    await desk.staff.send_text(carl, "still here?", message_thread_id=thread)
    await desk.staff.send_text(desk.anna, "Hallo", message_thread_id=thread)
    _joined, reply = await user.wait_for_bot_messages(2)
    assert reply.plain_text == "Anna:\nHallo"  # Carl's words never reached the person


async def test_whoever_claims_reads_the_summary_in_their_language(desk: Desk) -> None:
    user, menu = await open_menu(desk.haven, "fr")
    _text, confirmation, _buttons = await hand_off_from_the_situation(desk, user, menu)
    thread = await desk.topic_of(case_number(confirmation))
    await desk.wait_in_topic(thread, desk.ui("de", texts.SUMMARY_HEADING))
    await claim(desk, thread, desk.boris)  # Boris works in English; the group in German
    english = await desk.wait_in_topic(thread, desk.ui("en", texts.SUMMARY_HEADING))
    assert desk.said.flow("en", "situation", "days") in english.plain_text
    assert "→ 45" in english.plain_text
    assert not english.buttons


async def test_a_command_in_a_caption_is_a_command_never_a_reply(desk: Desk) -> None:
    user, _case, thread = await open_case(desk)
    await desk.staff.send_photo(
        desk.anna, caption="/note Foto ist ein Pass", message_thread_id=thread
    )
    await desk.wait_in_topic(thread, desk.ui("de", texts.NOTE_SAVED))
    await desk.staff.send_text(desk.anna, "Hallo", message_thread_id=thread)
    _joined, reply = await user.wait_for_bot_messages(2)
    assert reply.plain_text == "Anna:\nHallo"
    assert not any(m.kind == "photo" for m in user.messages)


async def test_the_staff_hear_of_a_reply_that_cannot_be_delivered_and_of_edits(desk: Desk) -> None:
    user, _case, thread = await open_case(desk)
    await claim(desk, thread, desk.anna)
    await user.wait_for_bot_messages(1)  # an advocate joined
    await desk.wait_in_topic(thread, desk.ui("de", texts.CLAIMED_BY, alias="Anna"))
    # Nothing else is on its way now: the refusal meets the reply.
    desk.haven.sandbox.fail_next("sendMessage", 400, "Bad Request: message is too long")
    await desk.staff.send_text(desk.anna, "lost on the way", message_thread_id=thread)
    await desk.wait_in_topic(thread, desk.ui("de", texts.RELAY_FAILED))
    mine = [m for m in desk.staff.thread_messages(thread) if m.sender_id == ANNA]
    await desk.staff.edit_text(desk.anna, mine[-1].message_id, "found again")
    await desk.wait_in_topic(thread, desk.ui("de", texts.EDITS_NOT_RELAYED))
    assert not any("found again" in m.plain_text for m in user.messages)
