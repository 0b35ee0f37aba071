"""Conversation state as JSON: the round trip and what happens to stored state that is broken."""

import json

import pytest

from bot.engine import Checkpoint, ConversationState, Frame, StateFormatError


@pytest.fixture
def full_state():
    return ConversationState(
        root="main",
        flow="sub",
        node="s1",
        language="ru",
        version=3,
        status="active",
        turn=7,
        stack=[Frame("main", "after"), Frame("other", "back_here")],
        variables={"location": "Москва", "in_service": True, "days": 30, "ratio": 1.5},
        history=[
            Checkpoint("main", "q1", (), {}),
            Checkpoint("sub", "s1", (Frame("main", "after"),), {"in_service": False}),
        ],
        started_at="2026-01-01T12:00:00+00:00",
        updated_at="2026-01-01T12:05:00+00:00",
    )


def test_state_round_trips_through_json(full_state, build):
    restored = build.roundtrip(full_state)
    assert restored.stack == full_state.stack
    assert isinstance(restored.history[1].stack, tuple)
    assert type(restored.variables["in_service"]) is bool
    assert type(restored.variables["days"]) is int
    assert type(restored.variables["ratio"]) is float


def test_json_is_compact_keeps_non_ascii_and_names_its_format(full_state):
    text = full_state.to_json()
    assert "Москва" in text
    assert ": " not in text and ", " not in text
    assert json.loads(text)["format"] == 1
    assert full_state.to_json() == ConversationState.from_json(text).to_json()


def test_a_fresh_state_round_trips(build):
    build.roundtrip(ConversationState(root="main", flow="main", node="q1", language="en"))


def valid(**changes):
    data = ConversationState(root="main", flow="main", node="q", language="en").to_dict()
    data.update(changes)
    return json.dumps(data)


def without(key):
    data = json.loads(valid())
    del data[key]
    return json.dumps(data)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("{", id="truncated"),
        pytest.param("not json", id="not-json"),
        pytest.param("null", id="null"),
        pytest.param("[]", id="list"),
        pytest.param('"state"', id="string"),
        pytest.param("42", id="number"),
        pytest.param("{}", id="no-format"),
        pytest.param(valid(format=2), id="future-format"),
        pytest.param(valid(format="1"), id="format-as-text"),
        pytest.param(without("node"), id="missing-node"),
        pytest.param(without("history"), id="missing-history"),
        pytest.param(without("updated_at"), id="missing-updated_at"),
        pytest.param(valid(status="paused"), id="unknown-status"),
        pytest.param(valid(turn="seven"), id="turn-not-a-number"),
        pytest.param(valid(turn=None), id="turn-null"),
        pytest.param(valid(version=[]), id="version-list"),
        pytest.param(valid(stack=[["main"]]), id="stack-frame-short"),
        pytest.param(valid(stack=[1]), id="stack-frame-number"),
        pytest.param(valid(stack=None), id="stack-null"),
        pytest.param(valid(variables=[]), id="variables-list"),
        pytest.param(valid(variables={"x": None}), id="variable-null"),
        pytest.param(valid(variables={"x": [1]}), id="variable-list"),
        pytest.param(valid(variables={"x": {"y": 1}}), id="variable-object"),
        pytest.param(valid(history=[1]), id="checkpoint-number"),
        pytest.param(valid(history=[{"flow": "main"}]), id="checkpoint-incomplete"),
        pytest.param(
            valid(history=[{"flow": "m", "node": "q", "stack": [], "variables": 3}]),
            id="checkpoint-variables",
        ),
    ],
)
def test_corrupt_or_foreign_state_raises_state_format_error(text):
    with pytest.raises(StateFormatError):
        ConversationState.from_json(text)


@pytest.mark.parametrize("data", [None, [], "x", 1, {"format": 2}])
def test_from_dict_rejects_what_is_not_a_state(data):
    with pytest.raises(StateFormatError):
        ConversationState.from_dict(data)


def test_state_format_error_is_a_value_error():
    assert issubclass(StateFormatError, ValueError)


def test_copy_is_independent(full_state):
    copied = full_state.copy()
    assert copied == full_state
    copied.variables["new"] = 1
    copied.stack.append(Frame("x", "y"))
    copied.history.append(Checkpoint("x", "y", (), {}))
    assert "new" not in full_state.variables
    assert len(full_state.stack) == 2
    assert len(full_state.history) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"format": True},  # True == 1 in Python; a boolean is still not a format number
        {"stack": ["ab"]},  # a string would unpack into a "flow" and a "node"
        {"stack": [["flow", "node", "extra"]]},
        {"stack": [["flow", 3]]},
    ],
)
def test_from_dict_refuses_look_alike_data(change):
    data = ConversationState(root="main", flow="main", node="q", language="en").to_dict()
    data.update(change)
    with pytest.raises(StateFormatError):
        ConversationState.from_dict(data)
