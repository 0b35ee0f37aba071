"""The ``goto`` node: entering another flow, coming back, and ending with it."""

import pytest

from bot.engine import Equals, FlowEntered, Frame, SessionEnded, TicketOpened
from bot.engine.nodes import End, Goto, Handoff, Option, Route, Router


@pytest.fixture
def caller_and_sub(build):
    main = build.flow(
        build.ask("q1", Option("go", "Go", "jump", {"from_main": 1})),
        Goto(id="jump", flow="sub", next="after"),
        Router(id="after", routes=(Route(Equals("sub_answer", "x"), "q3"),), default="q4"),
        build.ask("q3", ("ok", "done")),
        build.ask("q4", ("ok", "done")),
        End(id="done", text="Main done."),
    )
    sub = build.flow(
        build.ask("s1", Option("x", "X", "fin", {"sub_answer": "x"}), ("y", "fin")),
        End(id="fin", text="Sub done."),
        id="sub",
        version=7,
    )
    return main, sub


def test_goto_with_next_enters_the_flow_and_returns_to_the_caller(talk, caller_and_sub):
    c = talk(*caller_and_sub)
    c.start()
    c.choose("go")
    assert c.events[0] == FlowEntered("sub", 7)
    assert c.where == ("sub", "s1")
    assert c.current.version == 7
    assert c.current.stack == [Frame("main", "after")]
    c.choose("x")
    assert c.texts == ["Sub done.", "q3?"]
    assert not c.of(SessionEnded)
    assert c.where == ("main", "q3")
    assert c.current.version == 1
    assert c.current.stack == []
    # Variables are shared both ways.
    assert c.current.variables == {"from_main": 1, "sub_answer": "x"}
    c.choose("ok")
    assert c.texts == ["Main done."]
    assert c.of(SessionEnded) == [SessionEnded("completed")]


def test_router_after_the_goto_sees_what_the_entered_flow_left_unset(talk, caller_and_sub):
    c = talk(*caller_and_sub)
    c.start()
    c.choose("go")
    c.choose("y")
    assert c.where == ("main", "q4")


def test_goto_without_next_ends_the_conversation_where_the_flow_ends(talk, build):
    c = talk(
        build.flow(build.ask("q1", ("go", "jump")), Goto(id="jump", flow="sub")),
        build.flow(build.ask("s1", ("ok", "fin")), End(id="fin", text="Bye."), id="sub"),
    )
    c.start()
    c.choose("go")
    assert c.current.stack == []
    c.choose("ok")
    assert c.texts == ["Bye."]
    assert c.events[-1] == SessionEnded("completed")
    assert c.current.status == "ended"


def test_nested_gotos_unwind_in_order(talk, build):
    c = talk(
        build.flow(
            build.ask("m1", ("go", "to_a")),
            Goto(id="to_a", flow="a", next="m2"),
            build.ask("m2", ("ok", "end")),
            End(id="end", text="main end"),
        ),
        build.flow(
            Goto(id="to_b", flow="b", next="a2"),
            build.ask("a2", ("ok", "end")),
            End(id="end", text="a end"),
            id="a",
        ),
        build.flow(build.ask("b1", ("ok", "end")), End(id="end", text="b end"), id="b"),
    )
    c.start()
    c.choose("go")
    assert [e.flow for e in c.of(FlowEntered)] == ["a", "b"]
    assert c.where == ("b", "b1")
    assert c.current.stack == [Frame("main", "m2"), Frame("a", "a2")]
    c.choose("ok")
    assert c.texts == ["b end", "a2?"]
    assert c.where == ("a", "a2")
    assert c.current.stack == [Frame("main", "m2")]
    c.choose("ok")
    assert c.texts == ["a end", "m2?"]
    assert c.where == ("main", "m2")
    c.choose("ok")
    assert c.texts == ["main end"]
    assert c.current.status == "ended"


def test_goto_without_next_inside_a_called_flow_returns_to_that_flows_caller(talk, build):
    # A tail call: "a" is over when "b" is, and "main" asked to continue after "a".
    c = talk(
        build.flow(
            build.ask("m1", ("go", "to_a")),
            Goto(id="to_a", flow="a", next="m2"),
            build.ask("m2", ("ok", "end")),
            End(id="end"),
        ),
        build.flow(Goto(id="to_b", flow="b"), id="a"),
        build.flow(build.ask("b1", ("ok", "end")), End(id="end"), id="b"),
    )
    c.start()
    c.choose("go")
    assert c.current.stack == [Frame("main", "m2")]
    c.choose("ok")
    assert c.where == ("main", "m2")
    assert c.current.status == "active"


def test_a_flow_can_be_entered_again_after_it_returned(talk, build):
    c = talk(
        build.flow(
            build.ask("menu", ("again", "jump"), ("stop", "end")),
            Goto(id="jump", flow="sub", next="menu"),
            End(id="end"),
        ),
        build.flow(build.ask("s1", ("ok", "fin")), End(id="fin"), id="sub"),
    )
    c.start()
    for _ in range(3):
        c.choose("again")
        assert c.where == ("sub", "s1")
        c.choose("ok")
        assert c.where == ("main", "menu")
        assert c.current.stack == []
    c.choose("stop")
    assert c.current.status == "ended"


def test_handoff_inside_an_entered_flow_ends_the_whole_conversation(talk, build):
    c = talk(
        build.flow(
            build.ask("q1", ("go", "jump")),
            Goto(id="jump", flow="sub", next="q2"),
            build.ask("q2", ("ok", "end")),
            End(id="end"),
        ),
        build.flow(Handoff(id="h", topic="asylum"), id="sub"),
    )
    c.start()
    c.choose("go")
    assert c.events[1:] == (TicketOpened("sub", "h", "asylum", ()), SessionEnded("handoff"))
    assert c.current.status == "ended"
    assert c.current.stack == []
