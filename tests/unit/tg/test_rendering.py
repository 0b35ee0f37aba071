"""Rendering events into Telegram messages."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.engine import (
    Choice,
    ChoicesOffered,
    FlowEntered,
    InputRequested,
    InputStale,
    LanguagePickerRequested,
    LinkButton,
    MessageCreated,
    NothingToGoBackTo,
    SessionEnded,
    SourceText,
    TicketOpened,
)
from bot.tg.callback_data import HidePress, LanguagePick, parse
from bot.tg.rendering import MAX_TEXT, Renderer, split_text

NAV = ("back", "restart", "human", "language")


@pytest.fixture
def renderer():
    return Renderer(SourceText(), ["en", "ru", "de", "fr"])


def message(text, **fields):
    return MessageCreated("main", "n", text, **fields)


def labels(outgoing):
    return [[button.label for button in row] for row in outgoing.keyboard]


def test_text_is_escaped_for_html(renderer):
    (out,) = renderer.render([message("<b>1 & 2</b> > 0")], "en")
    assert out.html == "&lt;b&gt;1 &amp; 2&lt;/b&gt; &gt; 0"


def test_the_question_keyboard_goes_under_the_last_message(renderer):
    events = [
        message("First."),
        message("Where are you?"),
        ChoicesOffered("main", "q", 4, (Choice("ru", "Russia"), Choice("eu", "EU")), NAV),
    ]
    first, question = renderer.render(events, "en")
    assert first.keyboard == ()
    assert labels(question) == [
        ["Russia"],
        ["EU"],
        ["Back", "Restart"],
        ["Talk to a person", "Change language"],
        ["Hide this chat"],
    ]
    data = [parse(b.callback_data) for row in question.keyboard for b in row]
    assert [getattr(p, "turn", None) for p in data] == [4] * 6 + [None]
    assert data[-1] == HidePress()
    assert question.answers_back


def test_yes_no_quick_answers_share_a_row(renderer):
    quick = (Choice("yes", "Yes"), Choice("no", "No"))
    events = [message("Passport?"), InputRequested("main", "q", 2, "yes_no", 10, quick, NAV[1:])]
    (out,) = renderer.render(events, "en")
    assert labels(out) == [
        ["Yes", "No"],
        ["Restart", "Talk to a person"],
        ["Change language"],
        ["Hide this chat"],
    ]


def test_link_buttons_open_urls_and_do_not_answer_back(renderer):
    link = LinkButton("Read", "https://example.org")
    (out,) = renderer.render([message("Facts.", buttons=(link,))], "en")
    ((button,),) = out.keyboard
    assert (button.url, button.callback_data) == ("https://example.org", None)
    assert not out.answers_back


def test_fact_messages_carry_sources_and_review_date(renderer):
    event = message("Asylum is asked for on the territory.", sources=("A", "B <c>"),
                    reviewed=date(2026, 11, 20))  # fmt: skip
    (out,) = renderer.render([event], "en")
    assert out.html.endswith("\n\n<i>Sources: A · B &lt;c&gt;\nReviewed on November 20, 2026</i>")


def test_long_text_is_split_on_paragraphs_and_keeps_everything(renderer):
    paragraphs = [f"Paragraph {i}. " + "word " * 150 for i in range(12)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    assert len(text) > MAX_TEXT
    out = renderer.render([message(text, sources=("S",), reviewed=date(2026, 1, 1))], "en")
    assert len(out) > 1
    assert all(len(o.html) <= MAX_TEXT for o in out)
    assert all(o.html.startswith("Paragraph") for o in out)
    assert "Sources: S" in out[-1].html and "Sources" not in out[0].html


@given(st.text(min_size=1, max_size=12000))
def test_split_text_keeps_order_and_limits(text):
    pieces = split_text(text, 500)
    assert all(0 < len(p) <= 500 for p in pieces) or pieces == [text]
    assert "".join(pieces).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([InputStale()], "This menu is out of date. Here is the current step again."),
        ([InputStale(), FlowEntered("main", 2)], "Sorry: this guidance was updated"),
        ([NothingToGoBackTo()], "There is no earlier question to go back to."),
    ],
)
def test_engine_notices(renderer, events, expected):
    out = renderer.render(events, "en")
    assert out[0].html.startswith(expected)


def test_a_request_for_an_advocate_is_left_to_the_desk(renderer):
    # The desk answers with the case number; without a desk the adapter says this instead.
    assert renderer.render([TicketOpened("main", "q", "general", ())], "en") == []
    assert renderer.advocate_asked("en").html.startswith("An advocate has been asked to join.")


def test_language_picker_names_each_language_in_itself(renderer):
    (out,) = renderer.render([LanguagePickerRequested("en")], "en")
    assert labels(out) == [["English", "Русский"], ["Deutsch", "Français"], ["Hide this chat"]]
    assert [parse(b.callback_data) for row in out.keyboard[:-1] for b in row] == [
        LanguagePick("en"), LanguagePick("ru"), LanguagePick("de"), LanguagePick("fr"),
    ]  # fmt: skip


def test_the_end_offers_to_start_again(renderer):
    (out,) = renderer.render([SessionEnded("completed")], "en")
    assert labels(out) == [["Start again"], ["Hide this chat"]]
    assert renderer.render([SessionEnded("handoff")], "en") == []


def test_every_menu_ends_with_the_quick_exit_in_the_menu_language():
    from bot.i18n import Catalogs

    ru = Renderer(Catalogs.load(), ["en", "ru"])
    menus = [
        ru.render([message("?"), ChoicesOffered("main", "q", 1, (Choice("a", "A"),), NAV)], "ru"),
        ru.render([message("?"), InputRequested("main", "q", 2, "text", 10, (), ())], "ru"),
        ru.render([LanguagePickerRequested("ru")], "ru"),
        ru.render([SessionEnded("completed")], "ru"),
    ]
    for *_, menu in menus:
        (exit_button,) = menu.keyboard[-1]
        assert parse(exit_button.callback_data) == HidePress()
        assert exit_button.label == Catalogs.load().ui_text("ru", "Hide this chat")


def test_translated_chrome(renderer):
    from bot.i18n import Catalogs

    ru = Renderer(Catalogs.load(), ["en", "ru"])
    (out,) = ru.render([InputStale()], "ru")
    assert out.html != "This menu is out of date. Here is the current step again."
    assert any("\u0400" <= ch <= "\u04ff" for ch in out.html)
