"""Loading transcripts: the documented format, and every mistake located by file and line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

import bot.transcripts
from bot.transcripts import (
    Choose,
    ChooseStale,
    Expectation,
    Navigate,
    PickLanguage,
    TicketExpectation,
    TranscriptError,
    TypeText,
    discover_transcripts,
    load_transcript,
    parse_transcript,
)


def test_the_documented_example_loads():
    """The example in the package docstring is a valid transcript."""
    doc = bot.transcripts.__doc__ or ""
    example = doc.split("::\n\n", 1)[1].split("\nActions", 1)[0]
    transcript = parse_transcript(textwrap.dedent(example), "doc.yaml")
    assert transcript.flow == "start"
    assert transcript.languages == ("en", "ru", "de", "fr")
    assert transcript.description
    actions = [step.action for step in transcript.steps]
    assert actions == [
        None,
        Choose("situation"),
        TypeText("twelve"),
        Navigate("back"),
        PickLanguage("ru"),
        ChooseStale(),
        Choose("asylum"),
    ]
    first = transcript.steps[0].expect
    assert first.says == ("welcome", "menu")
    assert first.offers == "menu" and first.choices == ("situation", "asylum")
    assert transcript.steps[2].expect.rejected == "invalid"
    assert transcript.steps[4].expect.text == {"ru": ("Меню",)}
    assert transcript.steps[6].expect == Expectation(
        ended="handoff", ticket=TicketExpectation("asylum", ("location",))
    )
    assert [step.line for step in transcript.steps] == [5, 9, 11, 13, 15, 17, 19]


def test_short_forms():
    transcript = parse_transcript(
        textwrap.dedent(
            """\
            flow: main
            languages: en
            steps:
              - expect: {says: hello, offers: [pick], ticket: true}
              - choose: {key: stale}
              - choose: {key: red, turn: 1}
                expect: {ticket: {shared: {age: 30, ok: true}}, variables: {n: 1.5}}
              - type: ""
            """
        ),
        "t.yaml",
    )
    assert transcript.languages == ("en",)
    first, stale_key, older, empty = transcript.steps
    assert first.expect.says == ("hello",) and first.expect.ticket == TicketExpectation()
    assert first.expect.offers == "pick"
    assert stale_key.action == Choose("stale")  # a real option called "stale", not the special form
    assert older.action == Choose("red", 1)
    assert older.expect.ticket == TicketExpectation(None, {"age": 30, "ok": True})
    assert older.expect.variables == {"n": 1.5}
    assert empty.action == TypeText("")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("flow: main\nlanguages: [en]\n", 1, "required key 'steps' is missing"),
        ("flow: main\nlanguages: [en]\nsteps: []\nextra: 1\n", 4, "unknown key 'extra'"),
        ("flow: main\nlanguages: []\nsteps: [{}]\n", 2, "must name at least one language"),
        ("flow: main\nlanguages: [en, en]\nsteps: [{}]\n", 2, "names a language twice"),
        ("flow: 12\nlanguages: [en]\nsteps: [{}]\n", 1, "'flow' must be text, found 12"),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - choose: red\n",
            4,
            "step 1 is the start of the flow",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - {}\n  - expect: {}\n",
            5,
            "step 2 needs exactly one of choose, type, nav, language",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - {}\n  - {choose: a, type: b}\n",
            5,
            "step 2 needs exactly one of",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - {}\n  - nav: forward\n",
            5,
            "unknown navigation 'forward'; expected one of back, restart, human, language",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - {}\n  - type: 12\n",
            5,
            "'type' must be text, found 12: put it in quotes",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - {}\n  - choose: yes\n",
            5,
            "'choose' must be text, found True: put it in quotes",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - {}\n  - choose: {turn: 1}\n",
            5,
            "'choose' needs a 'key'",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - {}\n  - choose: {key: a, turn: x}\n",
            5,
            "'turn' must be a whole number",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - expect:\n      ended: over\n",
            5,
            "'ended' must be one of completed, handoff",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - expect:\n      offers: a\n"
            "      ended: handoff\n",
            6,
            "cannot both offer a question and end",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - expect:\n      say: [a]\n",
            5,
            "unknown key 'say'; expected one of says, offers",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - expect:\n      stale: yes please\n",
            5,
            "'stale' must be true or false",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - expect:\n      text: Hello\n",
            5,
            "'text' must map languages to text",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - expect:\n      variables: {a: [1]}\n",
            5,
            "'variables': 'a' must be text, a number or true/false",
        ),
        (
            "flow: main\nlanguages: [en, ru]\nsteps:\n  - expect:\n      text:\n"
            "        en: Hello\n        rU: Привет\n",
            7,
            "'text.rU': the conversation never speaks 'rU' here (it speaks en, ru)",
        ),
        (
            "flow: main\nlanguages: [en]\nsteps:\n  - expect:\n      text: {de: Hallo}\n",
            5,
            "'text.de': the conversation never speaks 'de' here (it speaks en)",
        ),
        (
            # A language picked later does not count for the steps before it.
            "flow: main\nlanguages: [en]\nsteps:\n  - expect: {text: {ru: Меню}}\n"
            "  - language: ru\n",
            4,
            "'text.ru': the conversation never speaks 'ru' here",
        ),
        ("flow: main\nflow: other\n", 2, "duplicate key 'flow' (first at line 1)"),
        ("flow: main\nlanguages: [en\n", 3, "YAML syntax error"),
        ("flow: main\nsteps:\n\t- {}\n", 3, "tab character in indentation"),
        ("", 1, "the file is empty"),
    ],
)
def test_mistakes_name_file_and_line(text, line, message):
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(text, "tests/transcripts/x.yaml")
    error = caught.value
    assert (error.path, error.line) == ("tests/transcripts/x.yaml", line), str(error)
    assert message in error.message
    assert str(error).startswith(f"tests/transcripts/x.yaml:{line}: ")


def test_unsafe_yaml_is_refused():
    with pytest.raises(TranscriptError, match=r"could not determine a constructor|YAML"):
        parse_transcript("flow: !!python/object:os.system {}\n", "x.yaml")


def test_files_and_directories(tmp_path: Path):
    (tmp_path / "b.yaml").write_text("flow: b\nlanguages: [en]\nsteps: [{}]\n", encoding="utf-8")
    (tmp_path / "a.yml").write_text("flow: a\nlanguages: [en]\nsteps: [{}]\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a transcript", encoding="utf-8")
    found = discover_transcripts([tmp_path])
    assert [p.name for p in found] == ["a.yml", "b.yaml"]
    assert load_transcript(found[0], "shown/a.yml").path == "shown/a.yml"
    with pytest.raises(TranscriptError, match=re.escape("missing.yaml: cannot read")):
        load_transcript(tmp_path / "missing.yaml")


def test_text_checks_in_a_language_picked_on_the_way_load():
    transcript = parse_transcript(
        "flow: main\nlanguages: [en]\nsteps:\n  - {}\n  - language: ru\n"
        "    expect: {text: {ru: Меню}}\n  - nav: back\n    expect: {text: {en: Menu, ru: Меню}}\n",
        "x.yaml",
    )
    assert [step.expect.text for step in transcript.steps] == [
        {},
        {"ru": ("Меню",)},
        {"en": ("Menu",), "ru": ("Меню",)},
    ]


def test_transcripts_are_found_as_flow_files_are(tmp_path: Path, monkeypatch):
    seen: list[list[Path]] = []

    def discover(paths):
        seen.append(list(paths))
        return [tmp_path / "found.yaml"]

    monkeypatch.setattr(bot.transcripts.loader, "discover", discover)
    assert discover_transcripts([tmp_path]) == [tmp_path / "found.yaml"]
    assert seen == [[tmp_path]]
