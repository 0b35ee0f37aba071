"""Input that no longer fits: old buttons, changed flows, ended sessions."""

import pytest

from bot.engine import (
    ChoicesOffered,
    Chose,
    FlowEntered,
    InputStale,
    LanguageChosen,
    LanguagePickerRequested,
    MessageCreated,
    Navigated,
    ShowAgain,
    TicketOpened,
    TypedText,
    UnknownFlowError,
)
from bot.engine.nodes import End, Goto, Option


def two_questions(build, version=1, with_q2=True):
    nodes = [build.ask("q1", Option("a", "A", "q2" if with_q2 else "done", {"x": 1}))]
    if with_q2:
        nodes.append(build.ask("q2", ("b", "done")))
    nodes.append(End(id="done"))
    return build.flow(*nodes, version=version)


@pytest.mark.parametrize("offset", [-1, -2, +1, +100], ids=["previous", "older", "next", "far"])
def test_a_button_from_another_turn_is_stale(talk, build, offset):
    c = talk(two_questions(build))
    c.start()
    c.choose("a")
    turn = c.current.turn
    c.send(Chose(turn + offset, "b"))
    assert c.events == (
        InputStale(),
        MessageCreated("main", "q2", "q2?"),
        ChoicesOffered("main", "q2", turn + 1, c.offer.choices, c.offer.navigation),
    )
    assert c.where == ("main", "q2")
    assert c.current.turn == turn + 1  # the question is offered anew: older buttons stay stale


def test_a_button_with_the_key_of_an_older_question_is_stale_not_rejected(talk, build):
    c = talk(two_questions(build))
    c.start()
    old = c.current.turn
    c.choose("a")
    c.send(Chose(old, "a"))
    assert c.events[0] == InputStale()
    assert c.current.variables == {"x": 1}


def test_a_button_pressed_after_the_flow_changed_version_is_stale(talk, build):
    c = talk(two_questions(build))
    c.start()
    state = c.current
    c = talk(two_questions(build, version=2))
    c.state = state
    c.send(Chose(state.turn, "a"))
    assert c.events[0] == InputStale()
    assert c.where == ("main", "q1")
    assert c.current.version == 2
    # Now the question has been shown from version 2, its buttons work.
    c.choose("a")
    assert c.where == ("main", "q2")


def test_typed_text_after_a_version_change_is_taken_as_an_answer(talk, build):
    c = talk(two_questions(build))
    c.start()
    state = c.current
    c = talk(two_questions(build, version=2))
    c.state = state
    c.type("A")
    assert c.where == ("main", "q2")
    assert c.current.version == 2


@pytest.mark.parametrize(
    "user_input",
    [Chose(2, "b"), TypedText("b"), Navigated("back"), Navigated("restart")],
)
def test_state_at_a_node_gone_from_the_new_version_is_stale_and_restarts(talk, build, user_input):
    c = talk(two_questions(build))
    c.start()
    c.choose("a")
    state = c.current
    c = talk(two_questions(build, version=2, with_q2=False))
    c.state = state
    c.send(user_input)
    assert c.events[:2] == (InputStale(), FlowEntered("main", 2))
    assert c.where == ("main", "q1")
    assert c.current.variables == {}
    assert c.current.version == 2
    assert c.current.status == "active"
    assert len(c.current.history) == 1


def test_state_in_a_flow_that_was_removed_restarts_at_the_root(talk, build):
    main = build.flow(build.ask("q1", ("go", "jump")), Goto(id="jump", flow="old", next="q1"))
    old = build.flow(build.ask("o1", ("ok", "fin")), End(id="fin"), id="old")
    c = talk(main, old)
    c.start()
    c.choose("go")
    state = c.current
    c = talk(build.flow(build.ask("q1", ("ok", "q1"))))
    c.state = state
    c.type("anything")
    assert c.events[:2] == (InputStale(), FlowEntered("main", 1))
    assert c.where == ("main", "q1")
    assert c.current.stack == []


def test_back_to_a_question_gone_from_the_new_version_does_not_crash(talk, build):
    c = talk(
        build.flow(
            build.ask("q0", ("ok", "q1")),
            build.ask("q1", ("ok", "q2")),
            build.ask("q2", ("ok", "done")),
            End(id="done"),
        )
    )
    c.start()
    c.choose("ok")
    state = c.current  # at q1, history: q0, q1
    c = talk(
        build.flow(
            build.ask("q1", ("ok", "q2")),
            build.ask("q2", ("ok", "done")),
            End(id="done"),
            version=2,
        )
    )
    c.state = state
    c.nav("back")
    assert InputStale() in c.events
    assert c.current.status == "active"


def test_returning_to_a_caller_node_gone_from_the_new_version_does_not_crash(talk, build):
    sub = build.flow(build.ask("s1", ("ok", "fin")), End(id="fin"), id="sub")
    c = talk(
        build.flow(
            build.ask("m1", ("go", "jump")),
            Goto(id="jump", flow="sub", next="m2"),
            build.ask("m2", ("ok", "done")),
            End(id="done"),
        ),
        sub,
    )
    c.start()
    c.choose("go")
    state = c.current  # in sub, will return to main/m2
    c = talk(
        build.flow(
            build.ask("m1", ("go", "jump")),
            Goto(id="jump", flow="sub", next="done"),
            End(id="done"),
            version=2,
        ),
        sub,
    )
    c.state = state
    c.choose("ok")
    assert c.current.status in ("active", "ended")


@pytest.fixture
def ended(talk, build):
    c = talk(two_questions(build))
    c.start()
    c.choose("a")
    c.choose("b")
    assert c.current.status == "ended"
    return c


def test_text_after_the_session_ended_starts_again(ended):
    ended.type("hello")
    assert ended.events[0] == FlowEntered("main", 1)
    assert InputStale() not in ended.events
    assert ended.where == ("main", "q1")
    assert ended.current.status == "active"
    assert ended.current.variables == {}


@pytest.mark.parametrize("key", ["a", "b"])
def test_a_button_after_the_session_ended_is_stale_and_starts_again(ended, key):
    ended.send(Chose(ended.current.turn, key))
    assert ended.events[:2] == (InputStale(), FlowEntered("main", 1))
    assert ended.where == ("main", "q1")
    assert ended.current.status == "active"


@pytest.mark.parametrize("action", ["back", "restart"])
def test_navigation_after_the_session_ended_starts_again(ended, action):
    ended.nav(action)
    assert ended.events[0] == FlowEntered("main", 1)
    assert ended.current.status == "active"


def test_talk_to_a_person_works_after_the_end(ended):
    ended.nav("human")
    assert ended.events == (TicketOpened("main", "done", "general", ()),)
    assert ended.current.status == "ended"


def test_talk_to_a_person_works_when_the_flow_changed_under_the_conversation(talk, build):
    c = talk(two_questions(build))
    c.start()
    c.choose("a")
    state = c.current
    c = talk(two_questions(build, version=2, with_q2=False))
    c.state = state
    c.nav("human")
    assert c.events == (TicketOpened("main", "q2", "general", ()),)


def test_navigation_buttons_of_an_older_question_are_stale(talk, build):
    c = talk(two_questions(build))
    c.start()
    first_turn = c.current.turn
    c.choose("a")
    c.send(Navigated("back", turn=first_turn))  # the Back under q1's message, tapped late
    assert c.events[0] == InputStale()
    assert c.where == ("main", "q2")
    assert c.current.variables == {"x": 1}


def test_a_fast_double_tap_on_back_goes_back_once(talk, build):
    c = talk(two_questions(build))
    c.start()
    c.choose("a")
    turn = c.current.turn
    c.send(Navigated("back", turn=turn))
    assert c.where == ("main", "q1")
    c.send(Navigated("back", turn=turn))  # the same button again
    assert c.events[0] == InputStale()
    assert c.where == ("main", "q1")


def test_a_typed_command_has_no_turn_and_always_applies(talk, build):
    c = talk(two_questions(build))
    c.start()
    c.choose("a")
    c.send(Navigated("back"))
    assert c.where == ("main", "q1")


def test_an_old_version_button_stays_stale_however_often_it_is_pressed(talk, build):
    c = talk(two_questions(build))
    c.start()
    old = c.current
    c = talk(two_questions(build, version=2))
    c.state = old
    for _ in range(3):
        c.send(Chose(old.turn, "a"))
        assert c.events[0] == InputStale()
        assert c.where == ("main", "q1")


def test_restart_without_the_root_flow_raises(talk, build):
    c = talk(two_questions(build))
    c.start()
    state = c.current
    other = build.flow(End(id="done"), id="other")
    c = talk(other)
    c.state = state
    with pytest.raises(UnknownFlowError):
        c.nav("restart")


def test_language_after_the_session_ended(ended):
    ended.nav("language")
    assert ended.events == (LanguagePickerRequested("en"),)
    assert ended.current.status == "ended"
    ended.send(LanguageChosen("ru"))
    assert ended.current.language == "ru"
    assert ended.current.status == "active"
    assert ended.texts == ["[ru] q1?"]


def test_show_again_repeats_the_question_and_changes_nothing(talk, build):
    c = talk(two_questions(build))
    c.start()
    c.choose("a")
    before = c.current
    c.send(ShowAgain())
    assert [type(e) for e in c.events] == [MessageCreated, ChoicesOffered]
    assert c.current.to_dict() == {**before.to_dict(), "updated_at": c.current.updated_at}


def test_show_again_after_the_end_begins_again(ended):
    ended.send(ShowAgain())
    assert ended.events[0] == FlowEntered("main", 1)
    assert ended.current.status == "active"


def test_a_new_start_keeps_counting_turns_so_old_buttons_stay_stale(talk, build):
    c = talk(two_questions(build))
    c.start()
    old = c.current
    c.choose("a")
    before = c.current
    step = c.engine.start("main", "en", before)
    assert step.state.turn == before.turn + 1
    c.state = step.state
    c.send(Chose(old.turn, "a"))  # the first conversation's button
    assert c.events[0] == InputStale()
