"""``Engine.jump``: the simulator's way into any node, keeping the language and the variables."""

import pytest

from bot.engine import (
    Chose,
    InputStale,
    MessageCreated,
    NothingToGoBackTo,
    SessionEnded,
    TicketOpened,
    UnknownFlowError,
    UnknownNodeError,
)
from bot.engine.nodes import End, Goto, Handoff, Message, Option


def jump(c, flow, node):
    """Jump the conversation ``c`` (JSON round trip included, as adapters store it)."""
    before = c.current.copy()
    step = c.engine.jump(c.current, flow, node)
    assert c.current == before, "jump changed the state it was given"
    return c._take(step)


@pytest.fixture
def flows(build):
    main = build.flow(
        build.ask("q1", Option("a", "A", "q2", {"first": "a"})),
        build.ask("q2", Option("b", "B", "q3", {"second": 2})),
        Message(id="note", text="A note.", next="q3"),
        build.ask("q3", ("ok", "done")),
        Goto(id="detour", flow="side", next="q1"),
        End(id="done", text="Bye."),
    )
    side = build.flow(
        build.ask("s1", ("ok", "s_end")),
        End(id="s_end"),
        id="side",
    )
    return main, side


def test_a_jump_enters_the_node_keeping_language_and_variables(talk, flows):
    c = talk(*flows)
    c.start(language="ru")
    c.choose("a")
    turn = c.current.turn

    jump(c, "main", "note")
    assert c.texts == ["[ru] A note.", "[ru] q3?"]
    assert [m.node for m in c.of(MessageCreated)] == ["note", "q3"]
    assert c.where == ("main", "q3")
    assert c.current.language == "ru"
    assert c.current.variables == {"first": "a"}
    assert c.steps[-1].visited == (("main", "note"), ("main", "q3"))
    # The turn moved on past the question on screen: its buttons are now stale.
    assert c.offer.turn > turn + 1
    c.send(Chose(turn, "b"))
    assert c.of(InputStale)
    assert c.where == ("main", "q3")


def test_back_after_a_jump_returns_to_the_question_before_it(talk, flows):
    c = talk(*flows)
    c.start()
    c.choose("a")
    jump(c, "main", "q3")
    assert c.where == ("main", "q3")
    c.nav("back")
    assert c.where == ("main", "q2")
    assert c.current.variables == {"first": "a"}


def test_a_jump_from_an_ended_dialogue_leaves_nothing_to_go_back_to(talk, flows):
    c = talk(*flows)
    c.start()
    jump(c, "main", "done")
    jump(c, "main", "q2")
    c.nav("back")
    assert c.of(NothingToGoBackTo)
    assert c.where == ("main", "q2")


def test_a_jump_into_another_flow_drops_the_return_points(talk, flows):
    c = talk(*flows)
    c.start()
    jump(c, "main", "detour")
    assert c.where == ("side", "s1")
    assert [(f.flow, f.node) for f in c.current.stack] == [("main", "q1")]
    # Within the flow it is in, the return point stays...
    jump(c, "side", "s1")
    assert len(c.current.stack) == 1
    # ...into another flow, it goes: that flow ending ends the dialogue.
    jump(c, "main", "q3")
    assert c.current.stack == []
    jump(c, "side", "s1")
    c.choose("ok")
    assert c.of(SessionEnded)
    assert c.current.status == "ended"


def test_a_jump_revives_an_ended_conversation(talk, flows):
    c = talk(*flows)
    c.start()
    jump(c, "main", "done")
    assert c.current.status == "ended"
    assert c.texts == ["Bye."] and c.current.history == []
    jump(c, "main", "q2")
    assert c.current.status == "active"
    assert c.where == ("main", "q2")
    assert c.current.root == "main"
    c.choose("b")
    assert c.where == ("main", "q3")
    c.nav("restart")
    assert c.where == ("main", "q1")


def test_a_jump_to_what_does_not_exist_is_refused(talk, flows):
    c = talk(*flows)
    c.start()
    with pytest.raises(UnknownFlowError):
        c.engine.jump(c.current, "nowhere", "q1")
    with pytest.raises(UnknownNodeError):
        c.engine.jump(c.current, "main", "nowhere")
    with pytest.raises(UnknownNodeError):
        c.engine.jump(c.current, "side", "q1")  # a node of another flow


def test_a_jump_to_a_handoff_shares_the_answers_given_so_far(talk, build):
    flow = build.flow(
        build.ask("q1", Option("a", "A", "q2", {"place": "eu"})),
        build.ask("q2", ("ask", "ask")),
        Handoff(id="ask", topic="asylum", share=("place",)),
    )
    c = talk(flow)
    c.start()
    c.choose("a")
    jump(c, "main", "ask")
    [ticket] = c.of(TicketOpened)
    assert (ticket.topic, ticket.variables) == ("asylum", (("place", "eu"),))
    assert c.current.status == "ended"
