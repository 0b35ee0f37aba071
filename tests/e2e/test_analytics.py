"""Analytics end to end: scripted dialogues through the real bot, then the report's numbers.

The real bot (``bot.app.serve``) runs against the sandbox, by polling and by webhook. Five
people talk to it the way people do; then the report is read from the bot's database and must
count exactly their six conversations:

* Alice and Bob (English): the menu, "Look at my situation", in Russia, with a passport, and
  "talk to an advocate now": a hand-off about the situation, which ends their conversation.
* Carol (English): the same way as far as the passport question, and no further.
* Dmitri (Russian): "Leaving without a travel passport", Belarus, back to the menu, "Nothing
  for now": his conversation ends at ``start/bye``.
* Eve (English): as far as "where are you", then Restart: two conversations, the second
  resting at the menu.

The report is read as if an hour and a half later (the idle threshold is an hour), so every
conversation that did not end has stopped where it rests.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bot.analytics.report import HandoffCount, LanguageCount, NodeCount, Report, read_report
from bot.engine import ConversationState
from bot.sandbox import SandboxMessage, SandboxUser
from bot.storage import Storage
from tests.e2e.runtime_fixtures import (  # noqa: F401
    TIMEOUT,
    Haven,
    haven_fixture,
    mode_fixture,
    open_menu,
    press_button,
    reach_passport,
)
from tests.keys import PSEUDONYMS, SEALER

WELCOME = ("welcome", "not_advice", "safety", "menu")
LEAVING = ("intro", "exit_ban", "children", "pick", "belarus", "wrap", "done")
AFTER_PASSPORT = ("need_days", "assess", "summons", "offer", "handoff_now")


async def question(haven: Haven, user: SandboxUser, flow: str, node: str) -> SandboxMessage:
    """Wait until the bot has asked ``flow/node`` (with its buttons); returns that message."""
    expected = haven.expected.flow(user.language_code or "en", flow, node)

    def asked() -> SandboxMessage | None:
        messages = user.bot_messages
        last = messages[-1] if messages else None
        # startswith: a fact's sources and review date follow its text.
        if last is not None and last.plain_text.startswith(expected) and last.buttons:
            return last
        return None

    if asked() is None:  # wait_until looks at the chat's next change, not at what is there
        await user.wait_until(lambda: asked() is not None)
    found = asked()
    assert found is not None
    return found


async def settled(
    haven: Haven, user: SandboxUser, condition: Callable[[ConversationState], bool]
) -> None:
    """Wait until the user's saved conversation meets ``condition``: its step (and so its
    events, written in the same transaction) is committed."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            conversation = await haven.conversation(user.user_id)
            if conversation is not None and condition(conversation.state):
                return
            await asyncio.sleep(0.02)


async def hand_off(haven: Haven) -> SandboxUser:
    """Alice's and Bob's way: in Russia, a passport, "talk to an advocate now"."""
    said = haven.expected
    user, _passport = await reach_passport(haven)
    await user.send_text("yes")
    offer = await question(haven, user, "situation", "offer")
    await press_button(user, offer, said.flow("en", "situation", "offer", "option.now"))
    await settled(haven, user, lambda state: state.status == "ended")
    return user


async def stop_at_passport(haven: Haven) -> SandboxUser:
    """Carol's way: as far as the passport question."""
    user, _passport = await reach_passport(haven)
    await settled(haven, user, lambda state: state.node == "passport")
    return user


async def leave_in_russian(haven: Haven) -> SandboxUser:
    """Dmitri's way, in Russian: Belarus, back to the menu, nothing for now."""
    said = haven.expected
    user, menu = await open_menu(haven, "ru")
    await press_button(user, menu, said.flow("ru", "start", "menu", "option.leaving"))
    pick = await question(haven, user, "leaving_without_passport", "pick")
    await press_button(
        user, pick, said.flow("ru", "leaving_without_passport", "pick", "option.belarus")
    )
    wrap = await question(haven, user, "leaving_without_passport", "wrap")
    await press_button(
        user, wrap, said.flow("ru", "leaving_without_passport", "wrap", "option.back")
    )
    menu = await question(haven, user, "start", "menu")
    await press_button(user, menu, said.flow("ru", "start", "menu", "option.done"))
    await settled(haven, user, lambda state: state.status == "ended")
    return user


async def restart(haven: Haven) -> SandboxUser:
    """Eve's way: "where are you", Restart, and the menu again."""
    said = haven.expected
    user, menu = await open_menu(haven)
    await press_button(user, menu, said.flow("en", "start", "menu", "option.situation"))
    where = await question(haven, user, "situation", "where")
    await press_button(user, where, "Restart")
    await settled(haven, user, lambda state: state.flow == "start" and state.node == "menu")
    return user


async def report_of(haven: Haven, **options: object) -> Report:
    async with (
        await Storage.open(haven.database_url, sealer=SEALER) as storage,
        storage.transaction() as session,
    ):
        later = datetime.now(UTC) + timedelta(minutes=90)
        return await read_report(session, now=later, **options)  # type: ignore[arg-type]


async def subjects(haven: Haven) -> set[str]:
    async with (
        await Storage.open(haven.database_url, sealer=SEALER) as storage,
        storage.engine.connect() as connection,
    ):
        rows = await connection.execute(text("SELECT DISTINCT subject FROM events"))
        return {row[0] for row in rows}


async def test_the_report_counts_the_scripted_dialogues(haven: Haven) -> None:
    await haven.start()
    alice = await hand_off(haven)
    today = datetime.now(UTC).date()
    bob = await hand_off(haven)
    carol = await stop_at_passport(haven)
    dmitri = await leave_in_russian(haven)
    eve = await restart(haven)

    report = await report_of(haven)

    assert report.conversations == 6
    reached = {(n.flow, n.node): n.reached for n in report.nodes}
    stopped = {(n.flow, n.node): n.stopped for n in report.nodes if n.stopped}
    expected = {("start", node): 6 for node in WELCOME}
    expected |= {("start", "go_situation"): 4, ("situation", "intro"): 4}
    expected |= {("situation", "where"): 4, ("situation", "passport"): 3}
    expected |= {("situation", node): 2 for node in AFTER_PASSPORT}
    expected |= {("start", "go_leaving"): 1, ("start", "bye"): 1}
    expected |= {("leaving_without_passport", node): 1 for node in LEAVING}
    assert reached == expected
    assert stopped == {
        ("situation", "handoff_now"): 2,  # Alice and Bob, ended there
        ("situation", "passport"): 1,  # Carol
        ("situation", "where"): 1,  # Eve, before her restart
        ("start", "bye"): 1,  # Dmitri, ended there
        ("start", "menu"): 1,  # Eve, after her restart
    }
    assert report.handoffs == (HandoffCount(today, "situation", 2),)
    assert report.languages == (LanguageCount("en", 5), LanguageCount("ru", 1))

    rows = list(csv.reader(io.StringIO(report.csv())))
    assert rows[0] == ["table", "flow", "node", "day", "topic", "language", "count"]
    assert [row for row in rows if row[0] != "reached"][1:] == [
        # In the order of the nodes: by flow, the most reached first.
        ["stopped", "situation", "where", "", "", "", "1"],
        ["stopped", "situation", "passport", "", "", "", "1"],
        ["stopped", "situation", "handoff_now", "", "", "", "2"],
        ["stopped", "start", "menu", "", "", "", "1"],
        ["stopped", "start", "bye", "", "", "", "1"],
        ["handoffs", "", "", today.isoformat(), "situation", "", "2"],
        ["languages", "", "", "", "", "en", "5"],
        ["languages", "", "", "", "", "ru", "1"],
    ]
    assert sum(1 for row in rows if row[0] == "reached") == len(expected)

    # One flow: only its nodes, and the conversations that entered it.
    situation = await report_of(haven, flow="situation")
    assert situation.conversations == 4
    assert {n.node for n in situation.nodes} == {
        node for flow, node in expected if flow == "situation"
    }
    assert NodeCount("situation", "where", 4, 1) in situation.nodes

    # The events name each person by their pseudonym only, never by their chat id.
    people = (alice, bob, carol, dmitri, eve)
    assert await subjects(haven) == {PSEUDONYMS.of(user.user_id) for user in people}
