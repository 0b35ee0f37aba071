"""Global navigation, offered at every question: back, restart, human and language."""

import pytest

from bot.engine import (
    Choice,
    ChoicesOffered,
    FlowEntered,
    LanguageChosen,
    LanguagePickerRequested,
    MessageCreated,
    NothingToGoBackTo,
    TicketOpened,
)
from bot.engine.nodes import End, Goto, Option


@pytest.fixture
def three_questions(build):
    return build.flow(
        build.ask("q1", Option("a", "A", "q2", {"first": "a"}), Option("b", "B", "q2")),
        build.ask("q2", Option("c", "C", "q3", {"second": 2, "first": "overwritten"})),
        build.ask("q3", ("ok", "done")),
        End(id="done"),
    )


def test_back_is_offered_from_the_second_question_on(talk, three_questions):
    c = talk(three_questions)
    c.start()
    assert c.offer.navigation == ("restart", "human", "language")
    c.choose("a")
    assert c.offer.navigation == ("back", "restart", "human", "language")


def test_back_returns_to_the_previous_question_with_variables_as_they_were(talk, three_questions):
    c = talk(three_questions)
    c.start()
    c.choose("a")
    c.choose("c")
    assert c.current.variables == {"first": "overwritten", "second": 2}
    turn = c.current.turn

    c.nav("back")
    assert c.events == (
        MessageCreated("main", "q2", "q2?"),
        ChoicesOffered("main", "q2", turn + 1, c.offer.choices, c.offer.navigation),
    )
    assert c.where == ("main", "q2")
    assert c.current.variables == {"first": "a"}

    c.nav("back")
    assert c.where == ("main", "q1")
    assert c.current.variables == {}
    assert c.offer.navigation == ("restart", "human", "language")
    assert len(c.current.history) == 1

    c.choose("b")
    assert c.where == ("main", "q2")
    assert c.current.variables == {}


def test_back_after_a_rejected_answer_goes_to_the_question_before(talk, three_questions):
    c = talk(three_questions)
    c.start()
    c.choose("a")
    c.type("nonsense")
    c.nav("back")
    assert c.where == ("main", "q1")


@pytest.mark.parametrize("answers", [[], ["a", "back"], ["b", "back", "a", "back"]])
def test_back_at_the_first_question_has_nothing_to_go_back_to(talk, three_questions, answers):
    c = talk(three_questions)
    c.start()
    for answer in answers:
        c.nav("back") if answer == "back" else c.choose(answer)
    turn = c.current.turn
    c.nav("back")
    assert c.events == (
        NothingToGoBackTo(),
        MessageCreated("main", "q1", "q1?"),
        ChoicesOffered("main", "q1", turn, c.offer.choices, ("restart", "human", "language")),
    )
    assert c.where == ("main", "q1")
    assert c.current.turn == turn


@pytest.fixture
def across_flows(build):
    main = build.flow(
        build.ask("m1", Option("go", "Go", "jump", {"m1": True})),
        Goto(id="jump", flow="sub", next="m2"),
        build.ask("m2", Option("ok", "OK", "done", {"m2": True})),
        End(id="done"),
    )
    sub = build.flow(
        build.ask("s1", Option("ok", "OK", "fin", {"s1": True})),
        End(id="fin"),
        id="sub",
        version=3,
    )
    return main, sub


def test_back_crosses_a_goto_boundary_both_ways(talk, across_flows):
    c = talk(*across_flows)
    c.start()
    c.choose("go")
    c.choose("ok")
    assert c.where == ("main", "m2")
    assert c.current.stack == []

    c.nav("back")  # back into the entered flow, with its return point
    assert c.where == ("sub", "s1")
    assert c.current.version == 3
    assert [(f.flow, f.node) for f in c.current.stack] == [("main", "m2")]
    assert c.current.variables == {"m1": True}

    c.nav("back")  # back out of it, into the caller
    assert c.where == ("main", "m1")
    assert c.current.version == 1
    assert c.current.stack == []
    assert c.current.variables == {}

    c.choose("go")
    c.choose("ok")
    c.choose("ok")
    assert c.current.status == "ended"
    assert c.current.variables == {"m1": True, "s1": True, "m2": True}


def test_restart_clears_variables_and_returns_to_the_root_flow(talk, across_flows):
    c = talk(*across_flows)
    c.start()
    c.choose("go")
    turn = c.current.turn
    c.nav("restart")
    assert c.events[0] == FlowEntered("main", 1)
    assert c.where == ("main", "m1")
    assert c.current.variables == {}
    assert c.current.stack == []
    assert len(c.current.history) == 1
    assert c.offer.navigation == ("restart", "human", "language")
    # Turns keep counting, so buttons from before the restart are stale.
    assert c.offer.turn == turn + 1


@pytest.mark.parametrize("steps", [[], ["go"], ["go", "ok"]])
def test_human_opens_a_general_ticket_without_moving(talk, across_flows, steps):
    c = talk(*across_flows)
    c.start()
    for key in steps:
        c.choose(key)
    before = c.current.to_dict()
    flow, node = c.where
    c.nav("human")
    assert c.events == (TicketOpened(flow, node, "general", ()),)
    after = c.current.to_dict()
    assert after.pop("updated_at") != before.pop("updated_at")
    assert after == before


def test_language_asks_for_the_picker_without_moving(talk, across_flows):
    c = talk(*across_flows)
    c.start(language="de")
    before = c.current.to_dict()
    c.nav("language")
    assert c.events == (LanguagePickerRequested("de"),)
    after = c.current.to_dict()
    del after["updated_at"], before["updated_at"]
    assert after == before


def test_language_chosen_asks_the_same_question_again_in_the_new_language(talk, across_flows):
    c = talk(*across_flows)
    c.start()
    c.choose("go")
    turn = c.current.turn
    c.send(LanguageChosen("ru"))
    assert c.current.language == "ru"
    assert c.events == (
        MessageCreated("sub", "s1", "[ru] s1?"),
        ChoicesOffered(
            "sub", "s1", turn, (Choice("ok", "[ru] OK"),), ("back", "restart", "human", "language")
        ),
    )
    # The buttons shown before still answer the question.
    c.choose("ok")
    assert c.texts == ["[ru] m2?"]
    c.send(LanguageChosen("en"))
    assert c.texts == ["m2?"]
