"""The ``input`` node: text, number and yes/no answers, their validation and retry texts."""

import pytest

from bot.engine import Choice, Chose, InputRejected, InputRequested, MessageCreated, TypedText
from bot.engine.nodes import End, Input, Validation

RETRY_TEXT = "Please try again."
RETRY_NUMBER = "Please answer with a number."
RETRY_YES_NO = "Please answer yes or no."
EMPTY = "Please write your answer as text."


def one_input(build, **fields):
    fields.setdefault("text", "Your answer?")
    fields.setdefault("variable", "answer")
    return build.flow(Input(id="ask", next="done", **fields), End(id="done"))


def answer(talk, build, typed, language="en", **fields):
    c = talk(one_input(build, **fields))
    c.start(language=language)
    c.send(typed if isinstance(typed, Chose | TypedText) else TypedText(typed))
    return c


def assert_rejected(c, reason, text):
    assert c.events[:2] == (
        InputRejected("main", "ask", reason),
        MessageCreated("main", "ask", text),
    )
    assert isinstance(c.events[2], InputRequested)
    assert c.events[2].turn == 1
    assert len(c.events) == 3
    assert c.where == ("main", "ask")
    assert c.current.variables == {}


@pytest.mark.parametrize(
    ("kind", "choices"),
    [
        ("text", ()),
        ("number", ()),
        ("yes_no", (Choice("yes", "Yes"), Choice("no", "No"))),
    ],
)
def test_input_asks_and_requests_its_kind(talk, build, kind, choices):
    c = talk(one_input(build, kind=kind, max_length=12))
    c.start()
    assert c.texts == ["Your answer?"]
    assert c.offer == InputRequested(
        flow="main",
        node="ask",
        turn=1,
        kind=kind,
        max_length=12,
        choices=choices,
        navigation=("restart", "human", "language"),
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("hello", "hello"),
        ("  padded  ", "padded"),
        ("Привет, мир", "Привет, мир"),
        ("line one\nline two", "line one\nline two"),
        ("1", "1"),
    ],
)
def test_text_input_stores_the_stripped_text(talk, build, typed, stored):
    c = answer(talk, build, typed)
    assert c.current.variables == {"answer": stored}
    assert c.current.status == "ended"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12", 12),
        ("-3", -3),
        ("0", 0),
        ("1.5", 1.5),
        ("1,5", 1.5),
        ("-0,25", -0.25),
        ("2.0", 2.0),
        ("1 000", 1000),
        ("1\u00a0000", 1000),
        (" 7 ", 7),
    ],
)
def test_number_input_parses_numbers_with_a_decimal_point_or_comma(talk, build, typed, stored):
    c = answer(talk, build, typed, kind="number")
    value = c.current.variables["answer"]
    assert value == stored
    assert type(value) is type(stored)


@pytest.mark.parametrize(
    "typed",
    [
        "abc", "twelve", "1,2,3", "nan", "inf", "-inf", "1e999", "--1",
        # "1,000" is one thousand to an English writer and 1.0 to a Russian one: refused.
        "1,000", "1.000", "1e3", "1_000", "12 34", "\u0661\u0662", "12345678901234567890",
    ],
)  # fmt: skip
def test_number_input_rejects_what_is_not_a_finite_number(talk, build, typed):
    c = answer(talk, build, typed, kind="number")
    assert_rejected(c, "invalid", RETRY_NUMBER)


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("0", True),
        ("10", True),
        ("5,5", True),
        ("-1", False),
        ("-0,1", False),
        ("10.01", False),
        ("11", False),
    ],
)
def test_number_input_checks_min_and_max(talk, build, typed, accepted):
    c = answer(talk, build, typed, kind="number", validation=Validation(min=0, max=10))
    if accepted:
        assert c.current.status == "ended"
    else:
        assert_rejected(c, "invalid", RETRY_NUMBER)


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("AB123", True),
        (" AB123 ", True),
        ("ab123", False),
        ("AB1234", False),
        ("xAB123", False),
        ("AB12", False),
    ],
)
def test_text_input_checks_the_whole_answer_against_the_pattern(talk, build, typed, accepted):
    c = answer(talk, build, typed, validation=Validation(pattern=r"[A-Z]{2}\d{3}"))
    if accepted:
        assert c.current.variables == {"answer": typed.strip()}
    else:
        assert_rejected(c, "invalid", RETRY_TEXT)


@pytest.mark.parametrize("kind", ["text", "number", "yes_no"])
@pytest.mark.parametrize("typed", ["", " ", "\n\t "])
def test_empty_answer_is_rejected(talk, build, kind, typed):
    c = answer(talk, build, typed, kind=kind, retry="Custom retry.")
    assert_rejected(c, "empty", EMPTY)


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [("abcde", True), ("  abcde  ", True), ("abcdef", False), ("ж" * 6, False)],
)
def test_answer_longer_than_max_length_is_rejected(talk, build, typed, accepted):
    c = answer(talk, build, typed, max_length=5, retry="Custom retry.")
    if accepted:
        assert c.current.status == "ended"
    else:
        assert_rejected(c, "too_long", "That is too long: please use at most 5 characters.")


def test_number_too_long_is_rejected_before_it_is_parsed(talk, build):
    c = answer(talk, build, "12345678901", kind="number", max_length=10)
    assert_rejected(c, "too_long", "That is too long: please use at most 10 characters.")


@pytest.mark.parametrize(
    ("kind", "typed"),
    [("text", "lowercase"), ("number", "many"), ("yes_no", "maybe")],
)
def test_custom_retry_text_replaces_the_default(talk, build, kind, typed):
    c = answer(
        talk,
        build,
        typed,
        kind=kind,
        validation=Validation(pattern="[A-Z]+") if kind == "text" else Validation(),
        retry="Write it like this: 30.",
    )
    assert_rejected(c, "invalid", "Write it like this: 30.")


def test_retry_texts_are_translated(talk, build, translator):
    c = answer(talk, build, "many", language="ru", kind="number", retry="Write a number.")
    assert c.texts == ["[ru] Write a number."]
    assert "main/ask/retry" in translator.contexts
    c = answer(talk, build, "many", language="ru", kind="number")
    assert c.texts == [f"[ru] {RETRY_NUMBER}"]
    c = answer(talk, build, "abcdef", language="ru", max_length=5)
    assert c.texts == ["[ru] That is too long: please use at most 5 characters."]


@pytest.mark.parametrize(
    ("reply", "stored"),
    [
        (Chose(1, "yes"), True),
        (Chose(1, "no"), False),
        (TypedText("yes"), True),
        (TypedText("YES"), True),
        (TypedText("Yes."), True),
        (TypedText("y"), True),
        (TypedText("no"), False),
        (TypedText("No!"), False),
        (TypedText(" N "), False),
    ],
)
def test_yes_no_input_takes_buttons_and_typed_answers(talk, build, reply, stored):
    c = answer(talk, build, reply, kind="yes_no")
    assert c.current.variables == {"answer": stored}
    assert type(c.current.variables["answer"]) is bool


@pytest.mark.parametrize(
    "reply", [TypedText("maybe"), TypedText("yess"), TypedText("1"), Chose(1, "maybe")]
)
def test_yes_no_input_rejects_other_answers(talk, build, reply):
    c = answer(talk, build, reply, kind="yes_no")
    assert_rejected(c, "invalid", RETRY_YES_NO)


@pytest.mark.parametrize(("typed", "stored"), [("[ru] yes", True), ("[RU] NO", False), ("y", True)])
def test_yes_no_in_another_language(talk, build, typed, stored):
    c = talk(one_input(build, kind="yes_no"))
    c.start(language="ru")
    assert c.labels == ["[ru] Yes", "[ru] No"]
    c.type(typed)
    assert c.current.variables == {"answer": stored}


@pytest.mark.parametrize("kind", ["text", "number"])
def test_a_button_press_is_not_an_answer_to_a_free_text_question(talk, build, kind):
    c = answer(talk, build, Chose(1, "yes"), kind=kind)
    assert_rejected(c, "invalid", RETRY_TEXT if kind == "text" else RETRY_NUMBER)


def test_rejected_answer_can_be_followed_by_a_good_one(talk, build):
    c = answer(talk, build, "many", kind="number")
    c.type("30")
    assert c.current.variables == {"answer": 30}
    assert c.current.status == "ended"
