"""Whole conversations over the sample flows, stored as JSON after every step."""

import pytest

from bot.engine import (
    ConversationState,
    FlowEntered,
    InputRejected,
    LanguageChosen,
    SessionEnded,
    TicketOpened,
)

# (what the user does, where the conversation then waits, or how it ended)
ABROAD_WALK = [
    (None, ("main", "where")),
    ("choose:abroad", ("main", "days")),
    ("type:many", ("main", "days")),
    ("type:30,5", ("asylum", "helped")),
    ("nav:back", ("main", "days")),
    ("type:30", ("asylum", "helped")),
    ("language:ru", ("asylum", "helped")),
    ("choose:yes", ("main", "menu")),
    ("choose:city", ("main", "city")),
    ("type:12", ("main", "city")),
    ("type:Berlin", ("main", "menu")),
    ("nav:human", ("main", "menu")),
    ("type:1", ("asylum", "helped")),
    ("type:no", ("main", "menu")),
    ("choose:advocate", "handoff"),
]

RUSSIA_WALK = [
    (None, ("main", "where")),
    ("type:in russia", ("main", "service")),
    ("type:perhaps", ("main", "service")),
    ("nav:restart", ("main", "where")),
    ("type:2", ("main", "days")),
    ("nav:back", ("main", "where")),
    ("choose:russia", ("main", "service")),
    ("choose:no", ("main", "menu")),
    ("choose:done", "completed"),
    ("type:hello again", ("main", "where")),
    ("choose:russia", ("main", "service")),
    ("choose:yes", "handoff"),
]


def act(c, action):
    verb, _, argument = action.partition(":")
    if verb == "choose":
        return c.choose(argument)
    if verb == "type":
        return c.type(argument)
    if verb == "nav":
        return c.nav(argument)
    return c.send(LanguageChosen(argument))


@pytest.mark.parametrize("walk", [ABROAD_WALK, RUSSIA_WALK], ids=["abroad", "russia"])
def test_walk_round_trips_state_through_json_at_every_step(sample, walk):
    for action, expected in walk:
        if action is None:
            sample.start()
        else:
            act(sample, action)
        # The conversation fixture already compared the JSON round trip; check it once more by
        # hand so this test says what it checks.
        text = sample.current.to_json()
        assert ConversationState.from_json(text).to_dict() == sample.current.to_dict()
        if isinstance(expected, tuple):
            assert sample.current.status == "active", action
            assert sample.where == expected, action
        else:
            assert sample.current.status == "ended", action
            assert sample.events[-1] == SessionEnded(expected), action


def test_abroad_walk_says_the_right_things(sample):
    for action, _ in ABROAD_WALK[:4]:
        sample.start() if action is None else act(sample, action)
    assert sample.current.variables == {"location": "abroad", "days": 30.5}
    assert sample.of(FlowEntered) == [FlowEntered("asylum", 1)]
    assert sample.texts == ["Asylum is asked for on the territory.", "Did that help?"]
    assert [f.node for f in sample.current.stack] == ["menu"]

    for action, _ in ABROAD_WALK[4:]:
        act(sample, action)
    ticket = sample.of(TicketOpened)[0]
    assert ticket == TicketOpened(
        "main", "advocate", "asylum", (("location", "abroad"), ("days", 30), ("helped", False))
    )
    assert sample.current.language == "ru"
    assert sample.current.variables["city"] == "Berlin"


def test_russia_walk_hands_off_with_what_may_be_shared(sample):
    for action, _ in RUSSIA_WALK:
        sample.start() if action is None else act(sample, action)
    assert sample.texts == ["An advocate will write to you here."]
    assert sample.of(TicketOpened) == [
        TicketOpened("main", "urgent", "urgent", (("location", "russia"), ("in_service", True)))
    ]


def test_every_step_of_a_walk_is_recorded(sample):
    for action, _ in ABROAD_WALK:
        sample.start() if action is None else act(sample, action)
    assert len(sample.steps) == len(ABROAD_WALK)
    rejected = [s for s in sample.steps if any(isinstance(e, InputRejected) for e in s.events)]
    assert len(rejected) == 2
