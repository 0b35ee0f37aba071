"""The ``choice`` node: buttons, typed labels and numbers, rejection, and ``set``."""

import pytest

from bot.engine import (
    Choice,
    ChoicesOffered,
    Chose,
    InputRejected,
    MessageCreated,
    TypedText,
)
from bot.engine.nodes import End, Option

NOT_A_CHOICE = "Please choose one of the options below."


@pytest.fixture
def colours(build):
    return build.flow(
        build.ask(
            "colour",
            Option("red", "Red", "done", {"colour": "red", "warm": True, "score": 3}),
            Option("blue", "Light Blue", "done", {"colour": "blue", "warm": False}),
            Option("green", "Green", "done"),
            text="Which colour?",
        ),
        End(id="done"),
    )


def test_choice_asks_its_text_and_offers_its_options(talk, colours):
    c = talk(colours)
    c.start()
    assert c.texts == ["Which colour?"]
    assert c.offer == ChoicesOffered(
        flow="main",
        node="colour",
        turn=1,
        choices=(Choice("red", "Red"), Choice("blue", "Light Blue"), Choice("green", "Green")),
        navigation=("restart", "human", "language"),
    )


RED = {"colour": "red", "warm": True, "score": 3}
BLUE = {"colour": "blue", "warm": False}


@pytest.mark.parametrize(
    ("answer", "variables"),
    [
        (Chose(1, "red"), RED),
        (Chose(1, "blue"), BLUE),
        (Chose(1, "green"), {}),
        (TypedText("Red"), RED),
        (TypedText("red"), RED),
        (TypedText("  LIGHT blue "), BLUE),
        (TypedText("Light Blue"), BLUE),
        (TypedText("1"), RED),
        (TypedText(" 2 "), BLUE),
        (TypedText("03"), {}),
    ],
)
def test_choice_accepts_button_label_or_number(talk, colours, answer, variables):
    c = talk(colours)
    c.start()
    c.send(answer)
    assert c.current.status == "ended"
    assert c.current.variables == variables


@pytest.mark.parametrize(
    "answer",
    [
        Chose(1, "purple"),
        Chose(1, ""),
        Chose(1, "Red"),
        TypedText("purple"),
        TypedText(""),
        TypedText("   "),
        TypedText("0"),
        TypedText("4"),
        TypedText("-1"),
        TypedText("1.0"),
        TypedText("red blue"),
    ],
)
def test_choice_rejects_anything_else_and_offers_the_same_turn_again(talk, colours, answer):
    c = talk(colours)
    c.start()
    c.send(answer)
    assert c.events == (
        InputRejected("main", "colour", "not_a_choice"),
        MessageCreated("main", "colour", NOT_A_CHOICE),
        ChoicesOffered(
            flow="main",
            node="colour",
            turn=1,
            choices=(Choice("red", "Red"), Choice("blue", "Light Blue"), Choice("green", "Green")),
            navigation=("restart", "human", "language"),
        ),
    )
    assert c.where == ("main", "colour")
    assert c.current.turn == 1
    assert c.current.variables == {}
    # The re-offered buttons still work.
    c.choose("green")
    assert c.current.status == "ended"


@pytest.mark.parametrize(
    ("key", "variables"),
    [
        ("red", {"colour": "red", "warm": True, "score": 3}),
        ("blue", {"colour": "blue", "warm": False}),
        ("green", {}),
    ],
)
def test_option_set_assigns_its_variables(talk, colours, key, variables):
    c = talk(colours)
    c.start()
    c.choose(key)
    assert c.current.variables == variables
    assert type(c.current.variables.get("warm", False)) is bool
    assert type(c.current.variables.get("score", 0)) is int


def test_option_set_overwrites_an_earlier_value(talk, build):
    c = talk(
        build.flow(
            build.ask("a", Option("x", "X", "b", {"v": "first", "keep": 1})),
            build.ask("b", Option("y", "Y", "done", {"v": "second"})),
            End(id="done"),
        )
    )
    c.start()
    c.choose("x")
    c.choose("y")
    assert c.current.variables == {"v": "second", "keep": 1}


def test_choice_in_another_language_offers_translated_labels(talk, colours, translator):
    c = talk(colours)
    c.start(language="ru")
    assert c.texts == ["[ru] Which colour?"]
    assert c.labels == ["[ru] Red", "[ru] Light Blue", "[ru] Green"]
    assert "main/colour/option.blue" in translator.contexts


@pytest.mark.parametrize("typed", ["[ru] light blue", "[RU] LIGHT BLUE", "light blue", "2"])
def test_choice_accepts_translated_or_source_label_typed(talk, colours, typed):
    c = talk(colours)
    c.start(language="ru")
    c.type(typed)
    assert c.current.variables["colour"] == "blue"


def test_rejection_message_is_in_the_conversations_language(talk, colours):
    c = talk(colours)
    c.start(language="ru")
    c.type("purple")
    assert c.texts == [f"[ru] {NOT_A_CHOICE}"]


@pytest.mark.parametrize(
    "typed",
    ["\u00b2", "\u2460", "1\u00b2", "1" * 5000],
    ids=["superscript", "circled", "mixed", "5000-digits"],
)
def test_choice_rejects_digit_characters_that_are_not_decimal(talk, colours, typed):
    c = talk(colours)
    c.start()
    c.type(typed)
    assert c.of(InputRejected) == [InputRejected("main", "colour", "not_a_choice")]


@pytest.mark.parametrize(
    "typed", ["\u0661", "\uff11", "\u09e9"], ids=["arabic-indic", "fullwidth", "bengali"]
)
def test_choice_accepts_decimal_digits_of_other_scripts(talk, colours, typed):
    c = talk(colours)
    c.start()
    c.type(typed)
    assert c.current.status == "ended"
