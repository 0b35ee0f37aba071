"""The ``message`` node: text, link buttons, sources, then straight on to the next node."""

from datetime import date

from bot.engine import ChoicesOffered, FlowEntered, LinkButton, MessageCreated
from bot.engine.nodes import End, Link, Message


def intro_flow(build):
    return build.flow(
        Message(
            id="intro",
            text="Welcome.",
            buttons=(
                Link("Read the guide", "https://example.org/guide"),
                Link("Sources", "https://example.org/sources"),
            ),
            sources=("Directive 2013/32/EU art. 3",),
            reviewed=date(2026, 11, 1),
            next="q",
        ),
        build.ask("q", ("ok", "done")),
        End(id="done"),
    )


def test_message_says_its_text_with_link_buttons_and_moves_on(talk, build):
    c = talk(intro_flow(build))
    events = c.start()
    assert events[0] == FlowEntered("main", 1)
    assert events[1] == MessageCreated(
        flow="main",
        node="intro",
        text="Welcome.",
        buttons=(
            LinkButton("Read the guide", "https://example.org/guide"),
            LinkButton("Sources", "https://example.org/sources"),
        ),
        sources=("Directive 2013/32/EU art. 3",),
        reviewed=date(2026, 11, 1),
    )
    assert events[2] == MessageCreated("main", "q", "q?")
    assert isinstance(events[3], ChoicesOffered)
    assert len(events) == 4
    assert c.where == ("main", "q")


def test_message_translates_text_and_labels_but_not_urls(talk, build, translator):
    c = talk(intro_flow(build))
    c.start(language="ru")
    message = c.of(MessageCreated)[0]
    assert message.text == "[ru] Welcome."
    assert message.buttons == (
        LinkButton("[ru] Read the guide", "https://example.org/guide"),
        LinkButton("[ru] Sources", "https://example.org/sources"),
    )
    assert {"main/intro/text", "main/intro/button.0", "main/intro/button.1"} <= set(
        translator.contexts
    )


def test_flow_in_the_conversations_language_is_not_translated(talk, build, translator):
    c = talk(
        build.flow(
            Message(id="intro", text="Здравствуйте.", next="q"),
            build.ask("q", ("ok", "done")),
            End(id="done"),
            language="ru",
        )
    )
    c.start(language="ru")
    assert c.texts[0] == "Здравствуйте."
    assert translator.contexts == []


def test_consecutive_messages_come_in_order(talk, build):
    c = talk(
        build.flow(
            Message(id="a", text="One.", next="b"),
            Message(id="b", text="Two.", next="c"),
            Message(id="c", text="Three.", next="done"),
            End(id="done", text="Bye."),
        )
    )
    c.start()
    assert c.texts == ["One.", "Two.", "Three.", "Bye."]
    assert c.current.status == "ended"
