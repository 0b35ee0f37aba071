"""Abuse limits and operators' authority, end to end, with the audit log that records them.

The real bot (``bot.app.serve``) runs against the sandbox in polling and in webhook mode: a
person who floods the bot is read only within the limit and told once; in the staff group a
case that one advocate claimed is theirs (and the admins'), and every action, view and refusal
lands in the audit log that ``haven audit`` prints; the webhook takes only the right secret.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio

from bot.cli import main
from bot.handoff import HandoffStore, texts
from bot.handoff.authority import NOT_YOUR_CASE, TAKEN_OVER
from bot.handoff.limits import OPENINGS_LIMIT, TOO_MANY_REQUESTS
from bot.sandbox import SandboxMessage, SandboxUser
from bot.storage import Storage
from bot.tg.flood_limit import FLOODING
from bot.tg.texts import HELP
from bot.web.webhook import SECRET_HEADER
from tests.e2e.runtime_fixtures import (
    MODES,
    SECRET,
    TIMEOUT,
    WELCOME,
    Haven,
    callback_of,
    eventually,
    harness,
    haven_fixture,  # noqa: F401
    mode_fixture,  # noqa: F401
    open_menu,
    press_button,
)
from tests.e2e.staff_group import StaffScene
from tests.keys import KEY_ENVIRONMENT, PSEUDONYMS, SEALER

pytestmark = pytest.mark.asyncio(loop_scope="module")

STAFF_CHAT_ID = -1009000000002
ANNA, BORIS, CARL, MIA, MALLORY = 7101, 7102, 7103, 7104, 7199
#: What the bot posts in the group on its own is in German; Boris and Carl work in English.
STAFF_LANGUAGE = "de"


@dataclass
class Desk(StaffScene):
    """A running bot, its staff group, three operators (one an admin) and a member who is not."""

    anna: SandboxUser  # operator, German
    boris: SandboxUser  # admin, English
    carl: SandboxUser  # operator, English
    mia: SandboxUser  # maintainer: edits the flows, in the group, works on no case
    mallory: SandboxUser  # in the group, not an operator

    async def posted(self, thread: int, text: str, times: int = 1) -> None:
        """Wait until the bot has posted ``text`` in the topic ``times`` times."""
        await eventually(lambda: self.bot_texts(thread).count(text) >= times)

    async def audit(self, **narrowed: int) -> list[tuple[int, str, int | None, str | None]]:
        """The audit log as ``(actor, action, case, detail)``, read through a store of our own."""
        async with (
            await Storage.open(self.haven.database_url, sealer=SEALER) as storage,
            HandoffStore(storage, pseudonyms=PSEUDONYMS).transaction() as tx,
        ):
            entries = await tx.audit.list(**narrowed)
        return [(e.actor, e.action, e.ticket_id, e.detail) for e in entries]


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
            "flood_limit": "20/60",
        }
        await haven.add_operator(ANNA, "Anna", ["de"])
        await haven.add_operator(BORIS, "Boris", ["en"], role="admin")
        await haven.add_operator(CARL, "Carl", ["en"])
        await haven.add_operator(MIA, "Mia", ["en"], role="maintainer")
        sandbox = haven.sandbox
        await haven.start()
        yield Desk(
            haven,
            staff,
            anna=sandbox.user(ANNA, "Anna", language_code="de"),
            boris=sandbox.user(BORIS, "Boris", language_code="en"),
            carl=sandbox.user(CARL, "Carl", language_code="en"),
            mia=sandbox.user(MIA, "Mia", language_code="en"),
            mallory=sandbox.user(MALLORY, "Mallory", language_code="en"),
        )
        assert not haven.log.errors()


def case_number(message: SandboxMessage) -> int:
    match = re.search(r"#(\d+)", message.plain_text)
    assert match, f"no case number in {message.plain_text!r}"
    return int(match.group(1))


async def open_case_with_a_summary(desk: Desk) -> tuple[SandboxUser, int, int]:
    """In a CIS country, with a passport, 45 days there, "talk to an advocate now": a case
    whose summary holds answers. Returns the person, the case number and its topic."""
    said = desk.said
    user, menu = await open_menu(desk.haven, "en")
    await press_button(user, menu, said.flow("en", "start", "menu", "option.situation"))
    _intro, where = await user.wait_for_bot_messages(2)
    await press_button(user, where, said.flow("en", "situation", "where", "option.cis"))
    await user.wait_for_bot_messages(1)
    await user.send_text("yes")
    await user.wait_for_bot_messages(1)
    await user.send_text("45")
    *_, offer = await user.wait_for_bot_messages(3)
    await press_button(user, offer, said.flow("en", "situation", "offer", "option.now"))
    _text, confirmation, _buttons = await user.wait_for_bot_messages(3)
    case = case_number(confirmation)
    return user, case, await desk.topic_of(case)


async def press_in_topic(desk: Desk, thread: int, member: SandboxUser, label: str) -> str | None:
    """Press a button of the case's summary; returns the toast the member is shown."""
    await eventually(lambda: any(m.buttons for m in desk.staff.thread_messages(thread)))
    summary = next(m for m in desk.staff.thread_messages(thread) if m.buttons)
    seen = len(member.callback_answers)
    await desk.staff.press(member, summary.message_id, callback_of(summary, desk.ui("de", label)))
    # Polled: the answer changes the group's chat, which the member's own wait does not watch.
    await eventually(lambda: len(member.callback_answers) > seen)
    text: str | None = member.callback_answers[-1].get("text")
    return text


async def test_a_claimed_case_is_its_advocates_and_the_admins(desk: Desk) -> None:
    staff, anna, boris, carl = desk.staff, desk.anna, desk.boris, desk.carl
    user, case, thread = await open_case_with_a_summary(desk)
    toast = await press_in_topic(desk, thread, anna, texts.CLAIM_BUTTON)
    assert toast is None
    await desk.posted(thread, desk.ui("de", texts.CLAIMED_BY, alias="Anna"))
    [joined] = await user.wait_for_bot_messages(1)
    assert joined.plain_text == desk.ui("en", texts.ADVOCATE_JOINED)

    # Carl, another operator, can neither answer, close, annotate nor claim Anna's case.
    not_yours = desk.ui("en", NOT_YOUR_CASE, alias="Anna")
    await staff.send_text(carl, "Carl here, tell me everything", message_thread_id=thread)
    await desk.posted(thread, not_yours)
    await staff.send_command(carl, "/close", message_thread_id=thread)
    await desk.posted(thread, not_yours, times=2)
    await staff.send_command(carl, "/note", "my own note", message_thread_id=thread)
    await desk.posted(thread, not_yours, times=3)
    await staff.send_command(carl, "/claim", message_thread_id=thread)
    await desk.posted(thread, desk.ui("en", texts.ALREADY_CLAIMED, alias="Anna"))
    assert await press_in_topic(desk, thread, carl, texts.CLOSE_BUTTON) == not_yours

    # Boris, an admin, may answer; so may Anna, of course.
    await staff.send_text(boris, "Boris here", message_thread_id=thread)
    [from_boris] = await user.wait_for_bot_messages(1)
    assert from_boris.plain_text == "Boris:\nBoris here"  # Carl's words never arrived
    await staff.send_text(anna, "Anna hier", message_thread_id=thread)
    [from_anna] = await user.wait_for_bot_messages(1)
    assert from_anna.plain_text == "Anna:\nAnna hier"

    # Boris takes the case over: the team is told, and he reads the summary in English.
    await staff.send_command(boris, "/claim", message_thread_id=thread)
    await desk.posted(thread, desk.ui("de", TAKEN_OVER, alias="Boris", previous="Anna"))
    summary_heading = desk.ui("en", texts.SUMMARY_HEADING)
    await eventually(lambda: any(summary_heading in t for t in desk.bot_texts(thread)))
    # Now Anna is the one refused, in her language.
    await staff.send_text(anna, "Noch da?", message_thread_id=thread)
    await desk.posted(thread, desk.ui("de", NOT_YOUR_CASE, alias="Boris"))
    await staff.send_command(boris, "/canned", "received", message_thread_id=thread)
    [canned] = await user.wait_for_bot_messages(1)
    assert canned.plain_text.startswith("Boris:\n")
    await staff.send_command(boris, "/note", "calm now", message_thread_id=thread)
    await desk.posted(thread, desk.ui("en", texts.NOTE_SAVED))
    await staff.send_command(boris, "/close", "done", message_thread_id=thread)
    closed, _feedback = await user.wait_for_bot_messages(2)
    assert closed.plain_text == desk.ui("en", texts.CASE_CLOSED, case=case)
    await staff.send_command(anna, "/reopen", message_thread_id=thread)
    await desk.posted(thread, desk.ui("de", NOT_YOUR_CASE, alias="Boris"), times=2)
    await staff.send_command(boris, "/reopen", message_thread_id=thread)
    [reopened] = await user.wait_for_bot_messages(1)
    assert reopened.plain_text == desk.ui("en", texts.CASE_REOPENED, case=case)
    await staff.send_command(anna, "/ban", message_thread_id=thread)
    await desk.posted(thread, desk.ui("de", texts.ONLY_ADMINS))
    await staff.send_command(boris, "/ban", message_thread_id=thread)
    await desk.posted(thread, desk.ui("en", texts.BANNED))
    await staff.send_command(boris, "/unban", message_thread_id=thread)
    await desk.posted(thread, desk.ui("en", texts.UNBANNED))

    # Someone who is not an operator tries too: refused, and the log shows it.
    await staff.send_text(desk.mallory, "I am your advocate", message_thread_id=thread)
    await staff.send_command(desk.mallory, "/close", message_thread_id=thread)
    toast = await press_in_topic(desk, thread, desk.mallory, texts.CLAIM_BUTTON)
    assert toast == desk.ui("de", texts.ONLY_OPERATORS)
    assert not any("I am your advocate" in m.plain_text for m in user.messages)
    assert not any("Noch da?" in m.plain_text or "Carl here" in m.plain_text for m in user.messages)

    # Every action, view and refusal, in order, in machine words only.
    assert await desk.audit(ticket_id=case) == [
        (ANNA, "claim", case, None),
        (CARL, "refused:reply", case, None),
        (CARL, "refused:close", case, None),
        (CARL, "refused:note", case, None),
        (CARL, "refused:claim", case, None),
        (CARL, "refused:close", case, None),
        (BORIS, "reply", case, "text"),
        (ANNA, "reply", case, "text"),
        (BORIS, "claim", case, "take-over"),
        (BORIS, "summary", case, None),
        (ANNA, "refused:reply", case, None),
        (BORIS, "canned", case, "received"),
        (BORIS, "note", case, None),
        (BORIS, "close", case, "reason-given"),
        (ANNA, "refused:reopen", case, None),
        (BORIS, "reopen", case, None),
        (ANNA, "refused:ban", case, None),
        (BORIS, "ban", case, None),
        (BORIS, "unban", case, None),
        (MALLORY, "refused:reply", case, None),
        (MALLORY, "refused:close", case, None),
        (MALLORY, "refused:claim", case, None),
    ]


async def test_an_admin_may_act_in_a_case_without_taking_it(desk: Desk) -> None:
    user, case, thread = await open_case_with_a_summary(desk)
    await desk.staff.send_text(desk.carl, "Hello, Carl here", message_thread_id=thread)
    joined, hello = await user.wait_for_bot_messages(2)
    assert joined.plain_text == desk.ui("en", texts.ADVOCATE_JOINED)
    assert hello.plain_text == "Carl:\nHello, Carl here"  # replying to an open case claims it
    await desk.staff.send_command(desk.boris, "/note", "checked", message_thread_id=thread)
    await desk.posted(thread, desk.ui("en", texts.NOTE_SAVED))
    await desk.staff.send_command(desk.carl, "/close", message_thread_id=thread)
    await desk.posted(thread, desk.ui("de", texts.CLOSED))
    assert await desk.audit(ticket_id=case) == [
        (CARL, "claim", case, None),
        (CARL, "summary", case, None),  # he reads English: the summary again, for him
        (CARL, "reply", case, "text"),
        (BORIS, "note", case, None),
        (CARL, "close", case, None),
    ]


async def test_a_maintainer_works_on_no_case(desk: Desk) -> None:
    user, case, thread = await open_case_with_a_summary(desk)
    await desk.staff.send_text(desk.mia, "Hello from Mia", message_thread_id=thread)
    await desk.staff.send_command(desk.mia, "/claim", message_thread_id=thread)
    await desk.staff.send_command(desk.mia, "/note", "a note", message_thread_id=thread)
    expected = [
        (MIA, "refused:reply", case, None),
        (MIA, "refused:claim", case, None),
        (MIA, "refused:note", case, None),
    ]
    async with asyncio.timeout(TIMEOUT):
        while await desk.audit(ticket_id=case) != expected:
            await asyncio.sleep(0.05)
    # Nothing reached the person: the next they get is the operator's joining and reply.
    await desk.staff.send_text(desk.carl, "Carl here", message_thread_id=thread)
    joined, hello = await user.wait_for_bot_messages(2)
    assert joined.plain_text == desk.ui("en", texts.ADVOCATE_JOINED)
    assert hello.plain_text == "Carl:\nCarl here"
    await desk.staff.send_command(desk.carl, "/close", message_thread_id=thread)
    await desk.posted(thread, desk.ui("de", texts.CLOSED))


async def test_views_are_recorded_and_team_talk_is_not(desk: Desk) -> None:
    before = await desk.audit()
    await desk.staff.send_text(desk.mallory, "lunch at one?")  # in General: the team's own
    await desk.staff.send_command(desk.mallory, "/queue")
    await desk.staff.send_command(desk.boris, "/queue")
    heading = desk.ui("en", texts.QUEUE_HEADING)
    empty = desk.ui("en", texts.QUEUE_EMPTY)
    await eventually(
        lambda: any(m.plain_text.startswith((heading, empty)) for m in desk.staff.bot_messages)
    )
    assert (await desk.audit())[len(before) :] == [
        (MALLORY, "refused:queue", None, None),
        (BORIS, "queue", None, None),
    ]


async def test_haven_audit_prints_the_log(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    _user, case, thread = await open_case_with_a_summary(desk)
    await desk.staff.send_command(desk.anna, "/claim", message_thread_id=thread)
    await desk.posted(thread, desk.ui("de", texts.CLAIMED_BY, alias="Anna"))
    await desk.staff.send_text(desk.mallory, "hello?", message_thread_id=thread)
    await desk.staff.send_command(desk.anna, "/close", "spam", message_thread_id=thread)
    await desk.posted(thread, desk.ui("de", texts.CLOSED_WITH_REASON, reason="spam"))
    url = ["--database-url", desk.haven.database_url, "--case", str(case)]
    with pytest.MonkeyPatch.context() as patch:
        for name, value in KEY_ENVIRONMENT.items():
            patch.setenv(name, value)
        capsys.readouterr()
        # The command runs its own event loop: in a thread, beside the running bot.
        assert await asyncio.to_thread(main, ["audit", *url]) == 0
        text = capsys.readouterr().out
        assert await asyncio.to_thread(main, ["audit", "--format", "json", *url]) == 0
        records = json.loads(capsys.readouterr().out)
    rows = [line.split()[2:] for line in text.splitlines()[1:]]
    assert rows == [
        ["Anna", f"({ANNA})", "claim", f"#{case}"],
        [str(MALLORY), "refused:reply", f"#{case}"],
        ["Anna", f"({ANNA})", "close", f"#{case}", "reason-given"],
    ]
    assert [(r["actor"], r["alias"], r["action"], r["case"], r["detail"]) for r in records] == [
        (ANNA, "Anna", "claim", case, None),
        (MALLORY, None, "refused:reply", case, None),
        (ANNA, "Anna", "close", case, "reason-given"),
    ]
    assert "spam" not in text and "hello?" not in text  # never free text


async def test_flooding_an_open_case_reaches_the_staff_only_within_the_limit(desk: Desk) -> None:
    user, _menu = await open_menu(desk.haven, "en")  # one update
    await user.send_command("/human")  # two
    confirmation, _buttons = await user.wait_for_bot_messages(2)
    thread = await desk.topic_of(case_number(confirmation))
    for number in range(25):
        await user.send_text(f"message {number}")
    [notice] = await user.wait_for_bot_messages(1)
    assert notice.plain_text == desk.ui("en", FLOODING)
    # The team's next message comes after whatever was relayed before it.
    await desk.staff.send_command(desk.anna, "/note", "viel auf einmal", message_thread_id=thread)
    await desk.posted(thread, desk.ui("de", texts.NOTE_SAVED))
    relayed = [t for t in desk.bot_texts(thread) if t.startswith("message ")]
    assert relayed == [f"message {n}" for n in range(18)]  # 20 updates: /start, /human, 18
    assert [m for m in user.messages if m.from_bot][-1] is notice  # told once, nothing more


def _translate(haven: Haven, language: str, message: str) -> str:
    """Give ``message`` a translation in the copied catalogs unless it has one; returns it."""
    if haven.expected.ui(language, message) != message:
        return haven.expected.ui(language, message)
    catalog = haven.locales_dir / language / "LC_MESSAGES" / "bot.po"
    escaped = message.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    with catalog.open("a", encoding="utf-8") as po:
        po.write(f'\nmsgid "{escaped}"\nmsgstr "[{language}] {escaped}"\n')
    return f"[{language}] {message}"


@pytest.mark.asyncio(loop_scope="function")
async def test_someone_who_floods_is_told_once_in_their_language_then_read_again(
    haven: Haven,
) -> None:
    haven.copy_project()
    told_in_french = _translate(haven, "fr", FLOODING)
    _translate(haven, "de", FLOODING)
    window = 3.0
    haven.overrides = {"flood_limit": f"20/{window:g}"}
    await haven.start()
    said = haven.expected
    user = haven.new_user("fr")
    started = time.monotonic()
    await user.send_command("/help")  # a first message: help, then the welcome
    await user.wait_for_bot_messages(1 + len(WELCOME))
    user.language_code = "de"  # the conversation is in French: that is what counts
    for _ in range(24):
        await user.send_command("/help")
    assert time.monotonic() - started < window, "the messages were not sent within the window"
    *answers, notice = await user.wait_for_bot_messages(19 * 2 + 1, timeout=4 * TIMEOUT)
    assert notice.plain_text == told_in_french
    help_fr = said.ui("fr", HELP)
    assert [m.plain_text for m in answers].count(help_fr) == 19  # and one before: 20 read
    # Once the window has passed, the person is read again, and not told again.
    await asyncio.sleep(max(0.0, started + window + 0.2 - time.monotonic()))
    await user.send_command("/help")
    help_, _question = await user.wait_for_bot_messages(2)
    assert help_.plain_text == help_fr
    bot_said = [m.plain_text for m in user.messages if m.from_bot]
    assert bot_said.count(help_fr) == 21
    assert bot_said.count(told_in_french) == 1


@pytest.mark.parametrize("mode", ["webhook"])
@pytest.mark.asyncio(loop_scope="function")
async def test_the_webhook_takes_the_right_secret_only(haven: Haven) -> None:
    await haven.start()
    user = haven.new_user("en")
    await user.send_command("/start")
    await user.wait_for_bot_messages(len(WELCOME))
    await user.send_command("/help")
    await user.wait_for_bot_messages(2)
    help_update = haven.sandbox.updates[-1]
    url = f"{haven.base_url}/telegram"
    sent = len(haven.sandbox.calls_of("sendMessage"))
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:

        async def post(number: int, headers: dict[str, str]) -> int:
            body = help_update | {"update_id": number}
            return (await client.post(url, json=body, headers=headers)).status_code

        refused = [
            await post(900_001, {}),
            await post(900_002, {SECRET_HEADER: ""}),
            await post(900_003, {SECRET_HEADER: SECRET[:-1]}),
            await post(900_004, {SECRET_HEADER: SECRET + "x"}),
            await post(900_005, {SECRET_HEADER: SECRET.upper()}),
        ]
        assert refused == [403] * 5
        assert haven.sandbox.calls_of("sendMessage")[sent:] == []  # nothing was read
        assert await post(900_006, {SECRET_HEADER: SECRET}) == 200
    # The update with the right secret is read like Telegram's own: /help is answered.
    help_, _question = await user.wait_for_bot_messages(2)
    assert help_.plain_text == haven.expected.ui("en", HELP)


async def test_cancelling_and_asking_again_is_limited_to_three_cases_an_hour(desk: Desk) -> None:
    """Each new case costs the shared staff pace a topic and a summary: a loop must stop."""
    user, _menu = await open_menu(desk.haven, "en")
    cases = []
    for _ in range(OPENINGS_LIMIT):
        await user.send_command("/human")
        confirmation, buttons = await user.wait_for_bot_messages(2)
        cases.append(case_number(confirmation))
        await press_button(user, buttons, desk.ui("en", texts.CANCEL_BUTTON))
        await user.wait_for_bot_messages(2)  # cancelled, and the dialogue again
    await user.send_command("/human")
    [refused] = await user.wait_for_bot_messages(1)
    assert refused.plain_text == desk.ui("en", TOO_MANY_REQUESTS)
    assert len(set(cases)) == OPENINGS_LIMIT
    async with (
        await Storage.open(desk.haven.database_url, sealer=SEALER) as storage,
        HandoffStore(storage, pseudonyms=PSEUDONYMS).transaction() as tx,
    ):
        assert await tx.tickets.open_for(user.user_id) is None  # no fourth case
