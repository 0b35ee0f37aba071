"""The summary of a ticket: questions and answers an advocate reads, in the advocate's language."""

from __future__ import annotations

from pathlib import Path

import pytest

import bot
from bot.definitions.loader import load_flows
from bot.engine import Flow, SourceText, Variable
from bot.engine.nodes import Choice, End, Handoff, Input, Option
from bot.handoff.summary import SummaryLine, format_value, render_summary, summarize
from bot.i18n import Catalogs

ROOT = Path(bot.__file__).resolve().parent.parent


class Marking:
    """A translator that shows which catalog entry each text came from."""

    def flow_text(self, language: str, context: str, source: str) -> str:
        return f"{language}|{context}|{source}"

    def ui_text(self, language: str, message: str) -> str:
        return f"{language}|{message}"


ASK = Flow(
    id="ask",
    title="Ask",
    start="where",
    variables={
        "location": Variable("location", "enum", values=("russia", "eu", "home")),
        "note": Variable("note", "text", "free_text"),
        "days": Variable("days", "number"),
        "safe": Variable("safe", "boolean"),
        "urgent": Variable("urgent", "boolean"),
    },
    nodes={
        "where": Choice(
            id="where",
            text="Where are you now?",
            options=(
                Option("ru", "In Russia", "safe", {"location": "russia"}),
                Option("eu", "In the EU", "safe", {"location": "eu", "region": "eu"}),
                Option("skip", "I'd rather not say", "safe"),
            ),
        ),
        "safe": Input(id="safe", text="Are you safe?", variable="safe", next="days", kind="yes_no"),
        "days": Input(
            id="days", text="How many days?", variable="days", next="note", kind="number"
        ),
        "note": Input(id="note", text="Anything else?", variable="note", next="urgent"),
        "urgent": Choice(
            id="urgent",
            text="Is it urgent?",
            options=(
                Option("yes", "Yes, very", "send", {"urgent": True}),
                Option("no", "It can wait", "send", {"urgent": False}),
            ),
        ),
        "send": Handoff(id="send", topic="ask", share=("location", "safe", "days", "note")),
    },
)

# Another flow sets "location" to "eu" too, and asks about "home" only here.
OTHER = Flow(
    id="other",
    title="Other",
    start="where",
    nodes={
        "where": Choice(
            id="where",
            text="Which country are you in?",
            options=(
                Option("eu", "Somewhere in the EU", "done", {"location": "eu"}),
                Option("home", "At home", "done", {"location": "home"}),
                Option("one", "One", "done", {"count": 1}),
            ),
        ),
        "done": End(id="done"),
    },
)

FLOWS = {"other": OTHER, "ask": ASK}


def test_choice_shows_the_question_and_the_chosen_label() -> None:
    lines = summarize([("location", "russia")], FLOWS, "ask", Marking(), "de")
    assert lines == [
        SummaryLine("de|ask/where/text|Where are you now?", "de|ask/where/option.ru|In Russia")
    ]


def test_the_opening_flow_wins_over_other_flows() -> None:
    from_ask = summarize([("location", "eu")], FLOWS, "ask", SourceText(), "en")
    from_other = summarize([("location", "eu")], FLOWS, "other", SourceText(), "en")
    assert from_ask == [SummaryLine("Where are you now?", "In the EU")]
    assert from_other == [SummaryLine("Which country are you in?", "Somewhere in the EU")]


def test_an_option_in_another_flow_explains_a_value() -> None:
    lines = summarize([("location", "home")], FLOWS, "ask", SourceText(), "en")
    assert lines == [SummaryLine("Which country are you in?", "At home")]


def test_other_flows_are_searched_by_id_not_by_load_order() -> None:
    third = Flow(
        id="a_third",
        title="Third",
        start="where",
        nodes={
            "where": Choice(
                id="where",
                text="Where is home?",
                options=(Option("home", "Home", "done", {"location": "home"}),),
            ),
            "done": End(id="done"),
        },
    )
    one_order = summarize(
        [("location", "home")], {**FLOWS, "a_third": third}, "x", SourceText(), "en"
    )
    other_order = summarize(
        [("location", "home")], {"a_third": third, **FLOWS}, "x", SourceText(), "en"
    )
    assert one_order == other_order == [SummaryLine("Where is home?", "Home")]


def test_inputs_show_their_question_and_the_answer_as_written() -> None:
    note = "Ich bin seit  3 Tagen hier.\nBitte schnell!"
    lines = summarize(
        [("safe", True), ("days", 10000), ("note", note)], FLOWS, "ask", Marking(), "de"
    )
    assert lines == [
        SummaryLine("de|ask/safe/text|Are you safe?", "de|Yes"),
        SummaryLine("de|ask/days/text|How many days?", "10.000"),
        SummaryLine("de|ask/note/text|Anything else?", note),
    ]


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("en", 10000, "10,000"),
        ("de", 1.5, "1,5"),
        ("ru", 10000, "10\xa0000"),
        ("fr", 2.25, "2,25"),
        ("ru", False, "ru|No"),
        ("fr", "comme écrit  ", "comme écrit  "),
    ],
)
def test_format_value(language: str, value: str | float, expected: str) -> None:
    assert format_value(value, Marking(), language) == expected


def test_a_boolean_is_not_mistaken_for_a_number() -> None:
    # True == 1 in Python; a yes must not pick the option that sets the number one.
    flows = {"other": OTHER}
    assert summarize([("count", True)], flows, "other", SourceText(), "en") == [
        SummaryLine("Which country are you in?", "Yes")
    ]
    assert summarize([("count", 1.0)], flows, "other", SourceText(), "en") == [
        SummaryLine("Which country are you in?", "One")
    ]


def test_a_choice_set_boolean_shows_its_label_not_yes() -> None:
    assert summarize([("urgent", False)], FLOWS, "ask", SourceText(), "en") == [
        SummaryLine("Is it urgent?", "It can wait")
    ]


def test_a_value_no_option_sets_shows_the_question_and_the_raw_value() -> None:
    # e.g. an option removed from the flow since the person answered
    assert summarize([("location", "moon")], FLOWS, "ask", SourceText(), "en") == [
        SummaryLine("Where are you now?", "moon")
    ]


def test_unknown_variables_fall_back_to_name_and_value() -> None:
    lines = summarize(
        [("mood", "calm"), ("tries", 3000), ("ok", True)], FLOWS, "ask", Marking(), "ru"
    )
    assert lines == [
        SummaryLine("mood", "calm"),
        SummaryLine("tries", "3\xa0000"),
        SummaryLine("ok", "ru|Yes"),
    ]


def test_a_flow_missing_from_the_flows_is_no_error() -> None:
    assert summarize([("location", "eu")], FLOWS, "gone", SourceText(), "en") == [
        SummaryLine("Where are you now?", "In the EU")
    ]
    assert summarize([("location", "eu")], {}, "gone", SourceText(), "en") == [
        SummaryLine("location", "eu")
    ]


def test_two_variables_set_by_one_option_give_one_line() -> None:
    lines = summarize([("location", "eu"), ("region", "eu")], FLOWS, "ask", SourceText(), "en")
    assert lines == [SummaryLine("Where are you now?", "In the EU")]


def test_order_follows_the_variables() -> None:
    lines = summarize([("note", "b"), ("location", "eu")], FLOWS, "ask", SourceText(), "en")
    assert [line.value for line in lines] == ["b", "In the EU"]


def test_summarize_is_deterministic() -> None:
    args = ([("location", "eu"), ("days", 3), ("x", "y")], FLOWS, "ask", Marking(), "fr")
    assert summarize(*args) == summarize(*args)


def test_render_summary() -> None:
    lines = [SummaryLine("Where are you now?", "In the EU"), SummaryLine("note", "a\nb")]
    assert render_summary(lines) == "Where are you now?\n→ In the EU\n\nnote\n→ a\nb"
    assert render_summary([]) == ""


# --- the shipped flows and catalogs ------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> tuple[dict[str, Flow], Catalogs]:
    loaded = load_flows([ROOT / "flows"])
    return loaded.engine_flows, Catalogs.load(ROOT / "locales")


SHARED = (
    ("note", "Ich bin in Almaty."),
    ("location", "cis"),
    ("has_passport", True),
    ("days_here", 1000),
)


def test_shipped_summary_in_german(shipped: tuple[dict[str, Flow], Catalogs]) -> None:
    flows, catalogs = shipped
    lines = summarize(SHARED, flows, "advocate", catalogs, "de")
    assert [line.value for line in lines] == [
        "Ich bin in Almaty.",
        "In einem GUS-Staat",
        "Ja",
        "1.000",
    ]
    where = flows["situation"].nodes["where"]
    assert isinstance(where, Choice)
    assert lines[1].label == catalogs.flow_text("de", "situation/where/text", where.text)
    assert lines[1].label.startswith("Wo ")


@pytest.mark.parametrize("language", ["ru", "de", "fr"])
def test_shipped_summary_is_translated(
    shipped: tuple[dict[str, Flow], Catalogs], language: str
) -> None:
    flows, catalogs = shipped
    english = summarize(SHARED, flows, "advocate", catalogs, "en")
    translated = summarize(SHARED, flows, "advocate", catalogs, language)
    assert len(translated) == len(english) == 4
    for source, line in zip(english, translated, strict=True):
        assert line.label != source.label  # every question is in the operator's language
    # the note stays as the person wrote it; the chosen option and Yes are translated
    assert translated[0].value == "Ich bin in Almaty."
    assert translated[1].value != english[1].value == "In a CIS country"
    assert translated[2].value != english[2].value == "Yes"
