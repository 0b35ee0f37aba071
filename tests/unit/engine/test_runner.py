"""The engine itself: history bound, loop guard, the injected clock, and purity of ``resume``."""

import copy
from datetime import timedelta

import pytest

from bot.engine import (
    Chose,
    Engine,
    FlowLoopError,
    InputStale,
    LanguageChosen,
    Navigated,
    NothingToGoBackTo,
    TypedText,
    UnknownFlowError,
)
from bot.engine.nodes import End, Message, Router


@pytest.mark.parametrize("limit", [1, 2, 3, 10])
def test_history_is_bounded_and_back_reaches_as_far_as_it_goes(talk, build, limit):
    c = talk(build.chain(12), history_limit=limit)
    c.start()
    for _ in range(11):
        c.choose("ok")
        assert len(c.current.history) <= limit
    assert c.where == ("main", "q12")
    assert [cp.node for cp in c.current.history] == [f"q{i}" for i in range(13 - limit, 13)]
    for expected in range(11, 12 - limit, -1):
        c.nav("back")
        assert c.where == ("main", f"q{expected}")
    c.nav("back")
    assert c.events[0] == NothingToGoBackTo()
    assert c.where == ("main", f"q{13 - limit}")


def test_default_history_limit_is_fifty(talk, build):
    c = talk(build.chain(60))
    c.start()
    for _ in range(59):
        c.choose("ok")
    assert len(c.current.history) == 50


@pytest.mark.parametrize("max_hops", [1, 5, 100])
def test_a_router_cycle_raises_flow_loop_error(talk, build, max_hops):
    c = talk(
        build.flow(
            Router(id="r1", routes=(), default="r2"),
            Router(id="r2", routes=(), default="r1"),
        ),
        max_hops=max_hops,
    )
    with pytest.raises(FlowLoopError, match="more than"):
        c.start()


def test_a_loop_reached_by_an_answer_raises_flow_loop_error(build, clock):
    flow = build.flow(
        build.ask("q", ("loop", "m1"), ("ok", "done")),
        Message(id="m1", text="again", next="m2"),
        Message(id="m2", text="and again", next="m1"),
        End(id="done"),
    )
    engine = Engine({"main": flow}, clock=clock, max_hops=50)
    state = engine.start("main", "en").state
    with pytest.raises(FlowLoopError):
        engine.resume(state, Chose(state.turn, "loop"))


def test_max_hops_allows_a_long_path_that_ends_at_a_question(talk, build):
    hops = [Message(id=f"m{i}", text=str(i), next=f"m{i + 1}") for i in range(20)]
    flow = build.flow(*hops, build.ask("m20", ("ok", "done")), End(id="done"))
    c = talk(flow, max_hops=21)
    c.start()
    assert c.where == ("main", "m20")
    with pytest.raises(FlowLoopError):
        talk(flow, max_hops=20).start()


def test_start_of_an_unknown_flow_raises(talk, build):
    with pytest.raises(UnknownFlowError):
        talk(build.chain(1)).start("nope")


def test_resume_treats_what_is_not_a_user_input_as_stale(build, clock):
    engine = Engine({"main": build.chain(1)}, clock=clock)
    state = engine.start("main", "en").state
    step = engine.resume(state, "ok")  # e.g. a forged action that passed an adapter
    assert step.events[0] == InputStale()
    assert step.state.node == state.node


def test_the_engine_has_no_clock_of_its_own(build):
    with pytest.raises(TypeError, match="clock"):
        Engine({"main": build.chain(1)})


def test_the_clock_sets_started_at_and_updated_at(talk, build, clock):
    t0 = clock.now
    c = talk(build.chain(3))
    c.start()
    assert c.current.started_at == c.current.updated_at == t0.isoformat()
    c.choose("ok")
    assert c.current.started_at == t0.isoformat()
    assert c.current.updated_at == (t0 + timedelta(minutes=1)).isoformat()
    c.nav("human")
    assert c.current.updated_at == (t0 + timedelta(minutes=2)).isoformat()
    c.nav("restart")
    restarted = (t0 + timedelta(minutes=3)).isoformat()
    assert c.current.started_at == c.current.updated_at == restarted
    assert clock.calls == 4


def test_the_engine_reads_the_clock_once_per_step(talk, build, clock):
    c = talk(build.chain(2))
    c.start()
    c.choose("ok")
    c.type("nonsense")
    assert clock.calls == 3


@pytest.mark.parametrize(
    "user_input",
    [
        Chose(2, "ok"),
        Chose(1, "ok"),
        Chose(2, "junk"),
        TypedText("ok"),
        TypedText("junk"),
        Navigated("back"),
        Navigated("restart"),
        Navigated("human"),
        Navigated("language"),
        LanguageChosen("ru"),
    ],
)
def test_resume_never_changes_the_state_it_is_given(build, clock, user_input):
    engine = Engine({"main": build.chain(3)}, clock=clock)
    state = engine.start("main", "en").state
    state = engine.resume(state, Chose(state.turn, "ok")).state
    snapshot, as_dict = copy.deepcopy(state), state.to_dict()
    histories = [dict(cp.variables) for cp in state.history]
    step = engine.resume(state, user_input)
    assert state == snapshot
    assert state.to_dict() == as_dict
    assert [dict(cp.variables) for cp in state.history] == histories
    assert step.state is not state
    assert step.state.history is not state.history
    assert step.state.variables is not state.variables


def test_resume_is_repeatable(build, clock):
    # Same state and input twice (a redelivered update): same outcome both times.
    engine = Engine({"main": build.chain(3)}, clock=lambda: clock.now)
    state = engine.start("main", "en").state
    first = engine.resume(state, Chose(state.turn, "ok"))
    second = engine.resume(state, Chose(state.turn, "ok"))
    assert first == second
