"""The ``handoff`` and ``end`` nodes: how a conversation finishes."""

import pytest

from bot.engine import Flow, MessageCreated, SessionEnded, TicketOpened, Variable
from bot.engine.nodes import Choice, End, Handoff, Input, Option


def profile_then(build, last):
    return build.flow(
        build.ask(
            "profile",
            Option("full", "F", last.id, {"location": "russia", "in_service": True, "days": 3}),
            Option("some", "S", last.id, {"days": 3, "secret": "x"}),
            Option("none", "N", last.id),
        ),
        last,
    )


@pytest.mark.parametrize(
    ("option", "shared"),
    [
        ("full", (("location", "russia"), ("in_service", True), ("days", 3))),
        ("some", (("days", 3),)),
        ("none", ()),
    ],
)
def test_handoff_shares_only_listed_variables_that_are_set(talk, build, option, shared):
    handoff = Handoff(
        id="advocate",
        topic="asylum",
        text="An advocate will write to you.",
        share=("location", "in_service", "days", "unset"),
    )
    c = talk(profile_then(build, handoff))
    c.start()
    c.choose(option)
    assert c.events == (
        MessageCreated("main", "advocate", "An advocate will write to you."),
        TicketOpened("main", "advocate", "asylum", shared),
        SessionEnded("handoff"),
    )
    assert c.current.status == "ended"
    assert c.current.node == "advocate"


def test_handoff_keeps_the_order_of_share_not_of_the_variables(talk, build):
    c = talk(profile_then(build, Handoff(id="h", topic="t", share=("days", "location"))))
    c.start()
    c.choose("full")
    assert c.of(TicketOpened)[0].variables == (("days", 3), ("location", "russia"))


def test_handoff_without_text_says_nothing(talk, build):
    c = talk(profile_then(build, Handoff(id="h", topic="t")))
    c.start()
    c.choose("none")
    assert c.events == (TicketOpened("main", "h", "t", ()), SessionEnded("handoff"))


def test_handoff_text_is_translated(talk, build):
    c = talk(profile_then(build, Handoff(id="h", topic="t", text="Wait here.")))
    c.start(language="ru")
    c.choose("none")
    assert c.texts == ["[ru] Wait here."]


@pytest.mark.parametrize(("text", "said"), [("Take care.", ["Take care."]), (None, [])])
def test_end_completes_the_session(talk, build, text, said):
    c = talk(profile_then(build, End(id="done", text=text)))
    c.start()
    c.choose("none")
    assert c.texts == said
    assert c.events[-1] == SessionEnded("completed")
    assert c.current.status == "ended"
    assert c.current.node == "done"


def test_a_flow_that_ends_at_once_ends_on_start(talk, build):
    c = talk(build.flow(End(id="done", text="Nothing to ask.")))
    c.start()
    assert c.kinds == ["FlowEntered", "MessageCreated", "SessionEnded"]
    assert c.current.status == "ended"
    assert c.current.history == []


@pytest.mark.parametrize("last", ["handoff", "end"])
def test_typed_text_is_dropped_when_the_dialogue_ends(talk, last):
    final = (
        Handoff(id="last", topic="t", share=("where", "note"))
        if last == "handoff"
        else End(id="last")
    )
    russia = Option("ru", "Russia", "note", {"where": "ru"})
    flow = Flow(
        id="main",
        title="Main",
        start="where",
        nodes={
            "where": Choice(id="where", text="Where?", options=(russia,)),
            "note": Input(id="note", text="Anything else?", variable="note", next="last"),
            "last": final,
        },
        variables={
            "where": Variable("where", "enum", "situation", ("ru",)),
            "note": Variable("note", "text", "free_text"),
        },
    )
    c = talk(flow)
    c.start()
    c.choose("ru")
    c.type("my cousin's address")
    assert c.current.status == "ended"
    assert c.current.variables == {"where": "ru"}  # the situation stays until retention
    assert c.current.history == []
    if last == "handoff":  # what the flow shares has left in the ticket before
        assert c.of(TicketOpened)[0].variables == (("where", "ru"), ("note", "my cousin's address"))
