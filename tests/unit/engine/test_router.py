"""The ``router`` node and the conditions it branches on."""

import pytest

from bot.engine import All, Any, Equals, In, IsSet, Not
from bot.engine.nodes import End, Option, Route, Router

VARIABLES = {"location": "russia", "in_service": True, "days": 30, "ratio": 0.5, "empty": ""}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Equals("location", "russia"), True),
        (Equals("location", "abroad"), False),
        (Equals("location", "Russia"), False),
        (Equals("missing", "russia"), False),
        (Equals("in_service", True), True),
        (Equals("in_service", False), False),
        (Equals("days", 30), True),
        (Equals("days", "30"), False),
        (Equals("ratio", 0.5), True),
        (Equals("empty", ""), True),
        (In("location", ("cis", "russia")), True),
        (In("location", ("cis", "abroad")), False),
        (In("location", ()), False),
        (In("missing", ("russia",)), False),
        (In("days", (29, 30)), True),
        (In("in_service", (1,)), False),
        (IsSet("location"), True),
        (IsSet("empty"), True),
        (IsSet("missing"), False),
        (Not(IsSet("missing")), True),
        (Not(Equals("location", "russia")), False),
        (Not(Not(IsSet("days"))), True),
        (All((Equals("in_service", True), In("location", ("russia", "cis")))), True),
        (All((Equals("in_service", True), IsSet("missing"))), False),
        (All(()), True),
        (Any((IsSet("missing"), Equals("days", 30))), True),
        (Any((IsSet("missing"), Equals("days", 31))), False),
        (Any(()), False),
        (Any((All((IsSet("days"), Not(IsSet("missing")))), IsSet("nope"))), True),
    ],
)
def test_condition(condition, expected):
    assert condition.test(VARIABLES) is expected


@pytest.mark.parametrize(
    ("condition", "value"),
    [
        (Equals("v", True), 1),
        (Equals("v", False), 0),
        (Equals("v", 1), True),
        (Equals("v", 0), False),
        (Equals("v", 1.0), True),
        (In("v", (True,)), 1),
        (In("v", (1,)), True),
    ],
)
def test_booleans_and_numbers_never_match_each_other(condition, value):
    assert condition.test({"v": value}) is False


@pytest.mark.parametrize(
    ("condition", "value"),
    [(Equals("days", 5), 5.0), (Equals("days", 5.0), 5), (In("days", (5, 6)), 5.0)],
)
def test_int_and_float_of_the_same_number_are_equal(condition, value):
    assert condition.test({"days": value}) is True


def test_condition_uses_name_the_variables_and_literals():
    condition = All((Equals("a", 1), Not(In("b", ("x", "y"))), Any((IsSet("c"),))))
    assert list(condition.uses()) == [("a", 1), ("b", "x"), ("b", "y"), ("c", None)]


def routed_flow(build):
    """Pick a profile, then route on the variables it set."""
    return build.flow(
        build.ask(
            "profile",
            Option("conscript", "C", "route", {"in_service": True, "location": "russia"}),
            Option("reservist", "R", "route", {"in_service": False, "location": "russia"}),
            Option("one", "O", "route", {"in_service": 1, "location": "cis"}),
            Option("abroad", "A", "route", {"location": "abroad"}),
            Option("nothing", "N", "route"),
        ),
        Router(
            id="route",
            routes=(
                Route(All((Equals("in_service", True), In("location", ("russia", "cis")))), "a"),
                Route(Equals("in_service", True), "never"),
                Route(Any((Equals("location", "russia"), Equals("in_service", 1))), "b"),
                Route(Not(IsSet("location")), "c"),
            ),
            default="d",
        ),
        *(End(id=name, text=f"at {name}") for name in ("a", "b", "c", "d", "never")),
    )


@pytest.mark.parametrize(
    ("option", "text"),
    [
        ("conscript", "at a"),
        ("reservist", "at b"),
        ("one", "at b"),
        ("nothing", "at c"),
        ("abroad", "at d"),
    ],
)
def test_router_takes_the_first_route_that_holds_else_the_default(talk, build, option, text):
    c = talk(routed_flow(build))
    c.start()
    c.choose(option)
    assert c.texts == [text]
    assert c.current.status == "ended"


def test_router_at_the_start_uses_its_default_when_nothing_is_set(talk, build):
    c = talk(
        build.flow(
            Router(id="r", routes=(Route(IsSet("x"), "x"),), default="q"),
            build.ask("q", ("ok", "done")),
            End(id="x"),
            End(id="done"),
        )
    )
    c.start()
    assert c.where == ("main", "q")
