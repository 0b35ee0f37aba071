"""Property: in every shipped flow, any sequence of user inputs keeps a sound conversation.

Whatever a person (or a forged update) sends, in whatever order, the engine never raises, the
state survives a trip through JSON at every step, and the person always has something in front
of them: the step says something, or the conversation waits at a question that ShowAgain can
put back on screen.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine import (
    NAVIGATION,
    ChoicesOffered,
    Chose,
    ConversationState,
    Engine,
    InputRequested,
    LanguageChosen,
    Navigated,
    Question,
    ShowAgain,
    Step,
    TypedText,
)
from bot.library import Project, load_project

ROOT = Path(__file__).resolve().parent.parent.parent
PROJECT: Project = load_project(
    [ROOT / "flows"], ROOT / "locales", today=datetime(2026, 1, 1).date()
)
FLOWS = sorted(PROJECT.flow_set.engine_flows)
LANGUAGES = ["en", *PROJECT.catalogs.languages]
MOMENT = datetime(2026, 1, 1, 12, tzinfo=UTC)

TEXTS = st.one_of(
    st.text(max_size=80),
    st.text(st.characters(codec="utf-8"), min_size=1000, max_size=5000),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Cs"]), max_size=40),
    st.sampled_from(["", " ", "\n", "\x00", "1", "2", "0", "-1", "99999999999999999999", "1e309",
                     "nan", "yes", "No", "да", "Ja", "/start", "/back", "Back", "🙂" * 300]),
)  # fmt: skip
KEYS = st.one_of(st.sampled_from(["", "yes", "no", "back", "x" * 64]), st.text(max_size=40))
LANGUAGE_INPUTS = st.one_of(st.sampled_from(LANGUAGES), st.text(max_size=12))
TURNS = st.one_of(st.none(), st.integers(-3, 10**12))

#: What the person can do next, as data: the offered (or a random) answer or action.
MOVES = st.lists(
    st.tuples(
        st.sampled_from(["offered", "offered", "offered", "chose", "text", "navigate",
                         "language", "again"]),
        st.integers(0, 1000),
        KEYS,
        TEXTS,
        st.sampled_from(NAVIGATION),
        TURNS,
        LANGUAGE_INPUTS,
        st.booleans(),
    ),
    max_size=25,
)  # fmt: skip


def engine() -> Engine:
    return Engine(
        PROJECT.flow_set.engine_flows,
        PROJECT.catalogs,
        clock=lambda: MOMENT,
        directory=PROJECT.directory,
    )


ENGINE = engine()


def test_the_shipped_flows_load() -> None:
    assert not PROJECT.blocking, PROJECT.blocking
    assert FLOWS


def waiting(step: Step) -> ChoicesOffered | InputRequested | None:
    offers = [e for e in step.events if isinstance(e, ChoicesOffered | InputRequested)]
    return offers[-1] if offers else None


def check(step: Step) -> ConversationState:
    state = step.state
    stored = ConversationState.from_json(state.to_json())
    assert stored.to_dict() == state.to_dict()
    assert stored.to_json() == state.to_json()
    if state.status == "active":
        node = ENGINE.flows[state.flow].nodes[state.node]
        assert isinstance(node, Question), (state.flow, state.node)
    # Something for the person: the step said something, or ShowAgain can show where they are.
    if not step.events:
        assert state.status == "active"
        again = ENGINE.resume(state, ShowAgain())
        assert waiting(again) is not None, again.events
    return stored


@pytest.mark.parametrize("flow", FLOWS)
@settings(max_examples=25)
@given(language=st.sampled_from(LANGUAGES), moves=MOVES)
def test_random_inputs_never_break_a_conversation(
    flow: str, language: str, moves: list[tuple]
) -> None:
    step = ENGINE.start(flow, language)
    state = check(step)
    offer = waiting(step)
    for kind, index, key, text, action, turn, picked, use_turn in moves:
        if kind == "offered" and offer is not None and offer.choices:
            choice = offer.choices[index % len(offer.choices)]
            user_input = Chose(offer.turn, choice.key)
        elif kind == "offered" and offer is not None:
            user_input = TypedText(text)
        elif kind in ("offered", "chose"):
            user_input = Chose(offer.turn if offer and use_turn else (turn or 0), key)
        elif kind == "text":
            user_input = TypedText(text)
        elif kind == "navigate":
            user_input = Navigated(action, offer.turn if offer and use_turn else turn)
        elif kind == "language":
            user_input = LanguageChosen(picked)
        else:
            user_input = ShowAgain()
        step = ENGINE.resume(state, user_input)
        assert step.events or step.state.status == "active", (user_input, step)
        state = check(step)
        offer = waiting(step) or offer
