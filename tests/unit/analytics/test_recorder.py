"""The recorder: which events a step gives, and that they never hold text, values or chat ids.

Steps come from a real engine over a small flow; only the rows are checked here (writing them
is checked by the privacy and analytics integration tests, on SQLite and PostgreSQL).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.analytics.recorder import Recorder, conversation_of
from bot.engine import (
    Chose,
    ConversationState,
    Engine,
    Flow,
    LanguageChosen,
    Navigated,
    ShowAgain,
    Step,
    TypedText,
    UserInput,
)
from bot.engine.conditions import Equals
from bot.engine.nodes import Choice, End, Goto, Handoff, Input, Message, Option, Route, Router
from tests.keys import PSEUDONYMS

CHAT = 2**41 + 777
AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SECRET_ANSWER = "canaryTypedCityQzx"


def _flows() -> dict[str, Flow]:
    main = Flow(
        id="main",
        title="Main",
        start="hello",
        nodes={
            node.id: node
            for node in (
                Message(id="hello", text="Hello.", next="menu"),
                Choice(
                    id="menu",
                    text="What now?",
                    options=(
                        Option("city", "Tell us your city", "city"),
                        Option("help", "Help me", "route"),
                        Option("bye", "Bye", "done"),
                    ),
                ),
                Input(id="city", text="Which city?", variable="city", next="route"),
                Router(id="route", routes=(Route(Equals("city", "x"), "done"),), default="jump"),
                Goto(id="jump", flow="sub", next="menu"),
                End(id="done", text="Take care."),
            )
        },
        version=1,
        language="en",
    )
    sub = Flow(
        id="sub",
        title="Sub",
        start="ask",
        nodes={
            node.id: node
            for node in (
                Choice(id="ask", text="Advocate?", options=(Option("yes", "Yes", "advocate"),)),
                Handoff(id="advocate", topic="asylum", share=("city",)),
            )
        },
        version=1,
        language="en",
    )
    return {"main": main, "sub": sub}


class Walk:
    """A conversation through a real engine, with each step's rows."""

    def __init__(self) -> None:
        self.now = AT
        self.engine = Engine(_flows(), clock=self._clock)
        self.recorder = Recorder(PSEUDONYMS)
        self.state: ConversationState | None = None
        self.rows: list[dict[str, Any]] = []

    def _clock(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def _take(self, step: Step) -> list[tuple[Any, ...]]:
        self.rows = self.recorder.rows(CHAT, self.state, step, self.now)
        self.state = step.state
        return [(r["kind"], r["flow"], r["node"], r["topic"]) for r in self.rows]

    def start(self) -> list[tuple[Any, ...]]:
        return self._take(self.engine.start("main", "en", self.state))

    def send(self, user_input: UserInput) -> list[tuple[Any, ...]]:
        assert self.state is not None
        return self._take(self.engine.resume(self.state, user_input))

    def choose(self, key: str) -> list[tuple[Any, ...]]:
        assert self.state is not None
        return self.send(Chose(self.state.turn, key))


@pytest.fixture
def walk() -> Walk:
    return Walk()


def test_a_first_step_starts_a_conversation_and_reaches_its_nodes(walk: Walk) -> None:
    assert walk.start() == [
        ("started", "main", "hello", None),
        ("reached", "main", "hello", None),
        ("reached", "main", "menu", None),
    ]
    subject = PSEUDONYMS.of(CHAT)
    assert {row["subject"] for row in walk.rows} == {subject}
    assert {row["conversation"] for row in walk.rows} == {
        conversation_of(subject, walk.state.started_at)  # type: ignore[union-attr]
    }
    assert {row["language"] for row in walk.rows} == {"en"}
    assert {row["at"] for row in walk.rows} == {walk.now}


def test_silent_nodes_the_other_flow_and_the_handoff_are_recorded(walk: Walk) -> None:
    walk.start()
    assert walk.choose("help") == [
        ("reached", "main", "route", None),
        ("reached", "main", "jump", None),
        ("reached", "sub", "ask", None),
    ]
    assert walk.choose("yes") == [
        ("reached", "sub", "advocate", None),
        ("handoff", "sub", "advocate", "asylum"),
        ("ended", "sub", "advocate", None),
    ]


def test_an_end_node_ends_the_conversation_there(walk: Walk) -> None:
    walk.start()
    assert walk.choose("bye") == [
        ("reached", "main", "done", None),
        ("ended", "main", "done", None),
    ]


def test_the_talk_to_a_person_button_is_a_general_handoff_without_an_end(walk: Walk) -> None:
    walk.start()
    assert walk.send(Navigated("human")) == [("handoff", "main", "menu", "general")]


def test_a_restart_and_a_new_start_are_new_conversations(walk: Walk) -> None:
    walk.start()
    first = walk.rows[0]["conversation"]
    assert walk.send(Navigated("restart"))[0] == ("started", "main", "hello", None)
    second = walk.rows[0]["conversation"]
    assert walk.start()[0] == ("started", "main", "hello", None)
    third = walk.rows[0]["conversation"]
    assert len({first, second, third}) == 3
    # The same person throughout: one pseudonym.
    assert {row["subject"] for row in walk.rows} == {PSEUDONYMS.of(CHAT)}


def test_a_change_of_language_is_recorded_where_it_happened(walk: Walk) -> None:
    walk.start()
    conversation = walk.rows[0]["conversation"]
    assert walk.send(LanguageChosen("ru")) == [("language", "main", "menu", None)]
    assert walk.rows[0]["language"] == "ru"
    assert walk.rows[0]["conversation"] == conversation


def test_a_question_shown_again_records_nothing(walk: Walk) -> None:
    walk.start()
    assert walk.send(ShowAgain()) == []


def test_no_row_holds_text_a_value_or_the_chat_id(walk: Walk) -> None:
    every: list[dict[str, Any]] = []
    walk.start()
    every += walk.rows
    walk.choose("city")
    every += walk.rows
    walk.send(TypedText(SECRET_ANSWER))
    every += walk.rows
    assert walk.state is not None and walk.state.variables["city"] == SECRET_ANSWER
    walk.choose("yes")
    every += walk.rows
    assert [row["kind"] for row in every].count("handoff") == 1
    for row in every:
        assert set(row) == {
            "at",
            "subject",
            "conversation",
            "kind",
            "flow",
            "node",
            "language",
            "topic",
        }
        for value in row.values():
            assert SECRET_ANSWER not in str(value)
            assert str(CHAT) not in str(value)
    for text in ("Hello.", "What now?", "Which city?", "Advocate?"):
        assert all(text not in str(value) for row in every for value in row.values())


def test_the_conversation_hash_depends_on_both_parts() -> None:
    one = conversation_of("a" * 64, "2026-11-25T12:00:00+00:00")
    assert len(one) == 64 and int(one, 16) >= 0
    assert one != conversation_of("b" * 64, "2026-11-25T12:00:00+00:00")
    assert one != conversation_of("a" * 64, "2026-11-25T12:00:01+00:00")
