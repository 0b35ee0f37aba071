"""The ``organisations`` node: the directory's entries for what a person needs, then on."""

from datetime import date

import pytest

from bot.engine import (
    ChoicesOffered,
    Directory,
    LinkButton,
    MessageCreated,
    Organisation,
    TextField,
    VariableUse,
)
from bot.engine.nodes import End, Option, Organisations
from bot.engine.nodes.choice import Choice


def org(id, needs, *, countries=(), website=None, **details):
    """An organisation named after its id, described in English and Russian."""
    return Organisation(
        id=id,
        name=details.pop("name", {"en": id.title()}),
        description=details.pop("description", {"en": f"{id} helps.", "ru": f"{id} помогает."}),
        needs=tuple(needs),
        countries=tuple(countries),
        website=website,
        **details,
    )


DIRECTORY = Directory(
    (
        org("lawyers", ["legal"], website="https://lawyers.example.org"),
        org("shelter", ["shelter", "documents"], countries=["de"]),
        org("hotline", ["legal", "persecution"], countries=["kz", "am"]),
        org("refugees", ["asylum"], website="https://refugees.example.org"),
    )
)


def listing(build, *needs, **fields):
    """``list`` (an organisations node for ``needs``) -> ``after`` (a question) -> ``done``."""
    return build.flow(
        Organisations(id="list", text="Who can help:", needs=tuple(needs), next="after", **fields),
        build.ask("after", ("ok", "done")),
        End(id="done"),
    )


def test_lists_the_organisations_for_a_need_with_website_buttons_then_goes_on(talk, build):
    c = talk(listing(build, "legal"), directory=DIRECTORY)
    c.start()
    message = c.of(MessageCreated)[0]
    assert message == MessageCreated(
        flow="main",
        node="list",
        text="Who can help:\n\n• Lawyers\nlawyers helps.\n\n• Hotline\nhotline helps.",
        buttons=(LinkButton("Lawyers", "https://lawyers.example.org"),),
    )
    assert c.where == ("main", "after")
    assert isinstance(c.events[-1], ChoicesOffered)


def test_several_needs_list_each_organisation_once_in_the_directorys_order(talk, build):
    c = talk(listing(build, "persecution", "shelter", "legal"), directory=DIRECTORY)
    c.start()
    text = c.texts[0]
    assert [line for line in text.split("\n") if line.startswith("• ")] == [
        "• Lawyers",
        "• Shelter",
        "• Hotline",
    ]


def test_names_and_descriptions_come_in_the_persons_language(talk, build, translator):
    directory = Directory(
        (
            org("ark", ["shelter"], name={"en": "Ark (Kovcheg)", "ru": "Ковчег"}),
            org("plain", ["shelter"], description={"en": "Only in English."}),
        )
    )
    c = talk(listing(build, "shelter", empty="None."), directory=directory)
    c.start(language="ru")
    assert c.texts[0] == (
        "[ru] Who can help:\n\n• Ковчег\nark помогает.\n\n• Plain\nOnly in English."
    )
    # Only the flow's own text goes through the catalogs; the directory is data.
    assert translator.contexts == ["main/list/text", "main/after/text", "main/after/option.ok"]


def test_a_directory_in_another_source_language_falls_back_to_it(talk, build):
    directory = Directory((org("a", ["legal"], description={"ru": "Помогает."}),), language="ru")
    c = talk(listing(build, "legal"), directory=directory)
    c.start(language="de")
    assert c.texts[0].endswith("• A\nПомогает.")


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        (None, ["Shelter", "Hotline"]),  # not known: everyone
        ("de", ["Shelter"]),
        ("kz", ["Hotline"]),
        ("fr", []),
    ],
)
def test_country_keeps_the_organisations_that_help_where_the_person_is(
    talk, build, location, shown
):
    flow = build.flow(
        Choice(
            id="where",
            text="Where?",
            options=(Option("here", "Here", "list", {"country": location} if location else {}),),
        ),
        Organisations(
            id="list",
            text="Who:",
            needs=("shelter", "persecution"),
            country="country",
            next="done",
        ),
        End(id="done"),
    )
    c = talk(flow, directory=DIRECTORY)
    c.start()
    c.choose("here")
    names = [line[2:] for line in c.texts[0].split("\n") if line.startswith("• ")]
    assert names == shown


def test_an_organisation_without_countries_helps_everywhere(talk, build):
    flow = build.flow(
        Choice(
            id="where",
            text="Where?",
            options=(Option("fr", "France", "list", {"country": "FR"}),),
        ),
        Organisations(id="list", text="Who:", needs=("legal",), country="country", next="done"),
        End(id="done"),
    )
    c = talk(flow, directory=DIRECTORY)
    c.start()
    c.choose("fr")
    assert "• Lawyers" in c.texts[0] and "Hotline" not in c.texts[0]


def test_empty_is_said_when_no_organisation_helps(talk, build):
    c = talk(listing(build, "escape", empty="We know of none yet."), directory=DIRECTORY)
    c.start(language="ru")
    message = c.of(MessageCreated)[0]
    assert message.text == "[ru] Who can help:\n\n[ru] We know of none yet."
    assert message.buttons == ()
    assert c.where == ("main", "after")


def test_without_empty_or_a_directory_only_the_text_is_said(talk, build):
    c = talk(listing(build, "legal"))  # an engine given no directory lists nobody
    c.start()
    assert c.texts[0] == "Who can help:"
    assert c.where == ("main", "after")


def test_contact_details_are_shown_under_the_description(talk, build):
    directory = Directory(
        (
            org(
                "a",
                ["legal"],
                telegram="example_help",
                email="help@example.org",
                phone="+49 69 1234567",
            ),
            org("b", ["legal"], telegram="@already_at"),
        )
    )
    flow = build.flow(
        Organisations(id="list", text="Who:", needs=("legal",), next="done"), End(id="done")
    )
    c = talk(flow, directory=directory)
    c.start()
    assert c.texts[0] == (
        "Who:\n\n• A\na helps.\n@example_help · help@example.org · +49 69 1234567"
        "\n\n• B\nb helps.\n@already_at"
    )


def test_the_sources_of_the_entries_shown_travel_with_the_message_dated_by_the_oldest(talk, build):
    directory = Directory(
        (
            org("a", ["legal"], sources=("DW (Oct 2024)",), reviewed=date(2026, 11, 20)),
            org("b", ["legal"], sources=("DW (Oct 2024)", "BBC"), reviewed=date(2026, 10, 1)),
            org("c", ["asylum"], sources=("Not shown",), reviewed=date(2020, 1, 1)),
        )
    )
    flow = build.flow(
        Organisations(
            id="list",
            text="Who:",
            needs=("legal",),
            sources=("Fact brief",),
            reviewed=date(2026, 11, 24),
            next="done",
        ),
        End(id="done"),
    )
    c = talk(flow, directory=directory)
    c.start()
    message = c.of(MessageCreated)[0]
    assert message.sources == ("Fact brief", "DW (Oct 2024)", "BBC")
    assert message.reviewed == date(2026, 10, 1)


def test_back_returns_to_the_question_before_the_list(talk, build):
    flow = build.flow(
        build.ask("first", ("go", "list")),
        Organisations(id="list", text="Who:", needs=("legal",), next="after"),
        build.ask("after", ("ok", "done")),
        End(id="done"),
    )
    c = talk(flow, directory=DIRECTORY)
    c.start()
    c.choose("go")
    assert c.where == ("main", "after")
    c.nav("back")
    assert c.where == ("main", "first")


def test_the_node_declares_its_texts_targets_and_variable():
    node = Organisations(
        id="list", text="Who:", needs=("legal",), country="where", empty="None.", next="more"
    )
    assert list(node.texts()) == [TextField("text", "Who:"), TextField("empty", "None.")]
    assert list(node.targets()) == [("next", "more")]
    assert list(node.variable_uses()) == [VariableUse("country", "where", "read")]
    assert not node.terminal
    bare = Organisations(id="list", text="Who:", needs=("legal",), next="more")
    assert list(bare.texts()) == [TextField("text", "Who:")]
    assert list(bare.variable_uses()) == []


def test_directory_lookups():
    assert DIRECTORY.needs == {"legal", "shelter", "documents", "persecution", "asylum"}
    assert [o.id for o in DIRECTORY.matching(["documents"], "DE")] == ["shelter"]
    assert Directory().matching(["legal"]) == ()
