"""The directory of organisations: reading it, finding it beside the flows, checking it."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.definitions import load_flows, parse_flow
from bot.definitions.directory import (
    DIRECTORY_FILE,
    DIRECTORY_FOLDER,
    directory_root,
    is_directory_file,
    load_directory,
    load_project_directory,
    parse_directory,
)
from bot.definitions.validation import Limits, validate
from bot.engine import Directory
from bot.engine.nodes import Organisations
from bot.library import FlowLibrary, LibraryError, load_project

REPO = Path(__file__).resolve().parents[3]
TODAY = date(2026, 11, 24)

DIRECTORY = """\
language: en
organisations:
  - id: ark
    name: {en: Ark (Kovcheg), ru: Ковчег}
    description:
      en: Shelter and documents.
      ru: Жильё и документы.
    needs: [shelter, documents, shelter]
    countries: [am, ge]
    website: https://ark.example.org
    telegram: ark_help
    email:
    phone: +374 10 123456
    sources: [DW (Oct 2024)]
    reviewed: 2026-11-20
  - id: lawyers
    name: Lawyers
    description: Legal help.
    needs: [legal]
"""

FLOW = """\
id: help
title: Help
start: ask
variables:
  country: {type: enum, values: [am, de], sensitivity: situation}
  urgent: {type: boolean, sensitivity: situation}
nodes:
  - id: ask
    type: choice
    text: Where?
    options:
      - {id: am, label: Armenia, set: {country: am, urgent: true}, next: list}
  - id: list
    type: organisations
    text: Who can help?
    needs: [shelter, documents, legal]
    country: country
    empty: Nobody yet.
    next: done
  - id: done
    type: end
"""


def project(tmp_path: Path, directory: str | None = DIRECTORY, flow: str = FLOW) -> Path:
    """A flows folder with ``flow`` and ``directory``, and no catalogs beside it."""
    flows = tmp_path / "flows"
    flows.mkdir(parents=True)
    (tmp_path / "locales").mkdir()
    (flows / "help.yaml").write_text(flow, encoding="utf-8")
    if directory is not None:
        (flows / DIRECTORY_FOLDER).mkdir()
        (flows / DIRECTORY_FOLDER / DIRECTORY_FILE).write_text(directory, encoding="utf-8")
    return flows


class Catalogs:
    """Shipped languages whose catalogs have every flow string (translated by a prefix)."""

    def flow_text(self, language: str, context: str, source: str) -> str:
        return f"[{language}] {source}"

    def status(self, language: str, context: str, source: str) -> str:
        return "ok"


def codes(issues) -> list[tuple[str, int]]:
    return [(issue.code, issue.line) for issue in issues]


def test_every_field_is_read_into_the_engines_directory() -> None:
    loaded = parse_directory(DIRECTORY, "organisations.yaml")
    assert loaded.issues == ()
    directory = loaded.directory
    assert directory.language == "en"
    ark, lawyers = directory.organisations
    assert ark.name == {"en": "Ark (Kovcheg)", "ru": "Ковчег"}
    assert ark.description["ru"] == "Жильё и документы."
    assert ark.needs == ("shelter", "documents")  # repeated needs once
    assert ark.countries == ("am", "ge")
    assert ark.website == "https://ark.example.org"
    assert (ark.telegram, ark.email, ark.phone) == ("ark_help", None, "+374 10 123456")
    assert ark.contacts == ("@ark_help", "+374 10 123456")
    assert ark.sources == ("DW (Oct 2024)",)
    assert ark.reviewed == date(2026, 11, 20)
    # A name or description given once is the source language's.
    assert lawyers.name == {"en": "Lawyers"} and lawyers.description == {"en": "Legal help."}
    assert (lawyers.countries, lawyers.website, lawyers.contacts) == ((), None, ())
    assert loaded.line("lawyers") == 16
    assert loaded.line("ark", "description", "ru") == 7
    assert loaded.line("ark", "needs", 1) == 8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("organisations:\n", []),  # nothing under it: a deployment without organisations
        ("organisations: []\nlanguage: ru\n", []),
        ("- a list\n", [("E012", 1)]),
        ("language: en\n", [("E010", 1)]),
        ("organisations: {}\n", [("E012", 1)]),
        ("organisations: []\nlanguage: English\n", [("E012", 2)]),
        ("organisations: []\ncontacts: {}\n", [("E011", 2)]),
        ("organisations: [\n", [("E002", 2)]),
        ("organisations:\n\t- id: a\n", [("E003", 2)]),
        (b"organisations: []\n# \xff\n", [("E001", 2)]),
    ],
)
def test_the_file_as_a_whole(text: str | bytes, expected: list[tuple[str, int]]) -> None:
    loaded = parse_directory(text, "organisations.yaml")
    assert codes(loaded.issues) == expected
    assert loaded.directory.organisations == ()


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ("countries: [Germany]", "E012"),
        ("countries: de", "E012"),
        ("needs: legal", "E012"),
        ("needs: []", "E012"),
        ("telegram: '@a'", "E012"),
        ("phone: call us", "E012"),
        ("website: 42", "E012"),
        ("website: 'https://'", "E133"),
        ("reviewed: '2026-11-20'", "E012"),
        ("sources: DW", "E012"),
        ("name: {ru: Имя, english: Name}", "E012"),
        ("name: yes", "E012"),
        ("name: [a list]", "E012"),
        ("description: {ru: Только по-русски}", "E010"),
        ("description: ''", "E132"),
        ("id: 7", "E014"),
    ],
)
def test_a_broken_entry_is_left_out_with_its_problem(entry: str, code: str) -> None:
    key = entry.split(":")[0]
    fields = {
        "id": "id: broken",
        "name": "name: Broken",
        "description": "description: Helps.",
        "needs": "needs: [legal]",
    }
    fields[key] = entry
    text = "organisations:\n  - " + "\n    ".join(fields.values()) + "\n"
    text += "  - {id: fine, name: Fine, description: Helps., needs: [legal]}\n"
    loaded = parse_directory(text, "organisations.yaml")
    assert [issue.code for issue in loaded.issues] == [code]
    assert [org.id for org in loaded.directory.organisations] == ["fine"]
    assert loaded.has_errors


def test_an_unreadable_or_huge_file_is_e001(tmp_path: Path) -> None:
    missing = load_directory(tmp_path / "nothing.yaml", "shown.yaml")
    assert codes(missing.issues) == [("E001", 0)] and missing.path == "shown.yaml"
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as file:
        file.truncate(3_000_000)
    assert codes(load_directory(huge).issues) == [("E001", 0)]


def test_the_directory_is_found_beside_the_flows_and_is_never_a_flow(tmp_path: Path) -> None:
    flows = project(tmp_path)
    file = flows / DIRECTORY_FOLDER / DIRECTORY_FILE
    assert is_directory_file(file) and not is_directory_file(flows / "help.yaml")
    for given in ([flows], [flows / "help.yaml"], [file], [file.parent]):
        assert directory_root(given) == flows
    assert directory_root([]) is None
    loaded = load_project_directory([flows])
    assert loaded is not None and loaded.path == str(file)
    assert [o.id for o in loaded.directory.organisations] == ["ark", "lawyers"]
    # The flow loader skips the folder, even when the file is named on its own.
    assert list(load_flows([flows]).flows) == ["help"]
    assert load_flows([file]).flows == {} and load_flows([file]).issues == []


def test_no_directory_file_is_no_directory(tmp_path: Path) -> None:
    flows = project(tmp_path, directory=None)
    assert load_project_directory([flows]) is None
    (flows / DIRECTORY_FOLDER).mkdir()
    (flows / DIRECTORY_FOLDER / "notes.yml").write_text("a: 1\n", encoding="utf-8")
    loaded = load_project_directory([flows])
    assert loaded is not None and loaded.directory == Directory()
    assert codes(loaded.issues) == [("W163", 1)]


def test_a_valid_project_with_a_directory_has_no_issues(tmp_path: Path) -> None:
    flows = project(tmp_path)
    result = load_project([flows], today=TODAY)
    assert result.issues == []
    assert [o.id for o in result.directory.organisations] == ["ark", "lawyers"]


def validation(tmp_path: Path, directory: str | None = DIRECTORY, flow: str = FLOW, **options):
    flows = project(tmp_path, directory, flow)
    return validate(
        load_flows([flows]), today=TODAY, directory=load_project_directory([flows]), **options
    )


def test_a_description_missing_in_a_shipped_language_is_e150(tmp_path: Path) -> None:
    issues = validation(tmp_path, catalogs=Catalogs(), languages=("ru", "de"))
    assert [(i.code, i.line, i.language) for i in issues] == [
        ("E150", 5, "de"),
        ("E150", 18, "ru"),  # given once, in English only
        ("E150", 18, "de"),
    ]
    assert issues[0].message == "missing de description of organisation 'ark'"


def test_a_list_too_long_for_one_message_is_e131_in_that_language(tmp_path: Path) -> None:
    issues = validation(
        tmp_path,
        catalogs=Catalogs(),
        languages=("ru",),
        limits=Limits(message_length=60),
    )
    long = [i for i in issues if i.code == "E131"]
    assert [(i.path.endswith("help.yaml"), i.line, i.language) for i in long] == [
        (True, 16, "en"),
        (True, 16, "ru"),
    ]
    assert "2 organisations" in long[0].message


def test_a_name_too_long_for_its_button_is_e130_per_language(tmp_path: Path) -> None:
    directory = DIRECTORY.replace("ru: Ковчег", "ru: " + "Ковчег" * 8)
    issues = validation(tmp_path, directory)
    assert [(i.code, i.line, i.language) for i in issues] == [("E130", 4, "ru")]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("needs: [shelter, documents, legal]", "needs: []"), [("E012", 16)]),
        (
            ("[shelter, documents, legal]", "[shelter, documents, Leg]"),
            [("E014", 16), ("W161", 16)],
        ),
        (("country: country", "country: urgent"), [("E121", 17)]),
        (("country: country", "country: nowhere"), [("E120", 17)]),
        (("[shelter, documents, legal]", "[shelter, documents, escape]"), [("W161", 16)]),
    ],
)
def test_organisations_nodes(tmp_path: Path, change: tuple[str, str], expected) -> None:
    flow = FLOW.replace(*change)
    assert codes(i for i in validation(tmp_path, flow=flow) if i.code != "W162") == expected


def test_w161_without_a_directory_says_where_it_belongs(tmp_path: Path) -> None:
    issues = validation(tmp_path, directory=None)
    assert codes(issues) == [("W161", 16)] * 3
    assert issues[0].message == (
        "no organisation helps with 'shelter': there is no directory/organisations.yaml beside"
        " the flows"
    )


def test_a_broken_directory_suspends_w161_its_entries_may_have_had_the_need(
    tmp_path: Path,
) -> None:
    directory = DIRECTORY.replace("needs: [legal]", "needs: legal")
    assert codes(validation(tmp_path, directory)) == [("E012", 19)]


def test_w162_only_when_some_node_lists_organisations(tmp_path: Path) -> None:
    directory = DIRECTORY.replace("needs: [legal]", "needs: [legal, money]")
    assert codes(validation(tmp_path, directory)) == [("W162", 19)]
    no_node = "id: help\ntitle: Help\nstart: done\nnodes:\n  - id: done\n    type: end\n"
    assert codes(validation(tmp_path / "other", directory, no_node)) == []


def test_the_node_is_built_from_yaml_with_lines_for_its_problems() -> None:
    loaded = parse_flow(FLOW, "help.yaml")
    node = loaded.flow.nodes["list"]
    assert node == Organisations(
        id="list",
        text="Who can help?",
        needs=("shelter", "documents", "legal"),
        country="country",
        empty="Nobody yet.",
        next="done",
    )
    broken = parse_flow(FLOW.replace("empty:", "emtpy:"), "help.yaml")
    assert codes(broken.issues) == [("E011", 18)]


def test_the_library_reloads_the_directory_and_refuses_a_broken_one(tmp_path: Path) -> None:
    flows = project(tmp_path)
    library = FlowLibrary(flows, None, lambda: datetime(2026, 11, 24, tzinfo=UTC))
    file = flows / DIRECTORY_FOLDER / DIRECTORY_FILE

    def listed() -> list[str]:
        return [o.id for o in library.engine.directory.organisations]

    assert listed() == ["ark", "lawyers"]
    file.write_text(DIRECTORY.replace("id: lawyers", "id: advocates"), encoding="utf-8")
    assert library.reload() == []
    assert listed() == ["ark", "advocates"]
    file.write_text(DIRECTORY.replace("website: https", "website: http"), encoding="utf-8")
    errors = library.reload()
    assert [(e.code, e.path) for e in errors] == [("E133", str(file))]
    assert listed() == ["ark", "advocates"]  # the last good directory stays live
    file.write_text("organisations:\n  - id: [\n", encoding="utf-8")
    with pytest.raises(LibraryError) as caught:
        FlowLibrary(flows, None, lambda: datetime(2026, 11, 24, tzinfo=UTC))
    assert [issue.code for issue in caught.value.issues] == ["E002"]


def test_the_shipped_directory_is_valid_and_complete() -> None:
    result = load_project([REPO / "flows"], REPO / "locales", today=TODAY)
    assert result.loaded_directory is not None
    assert [i for i in result.issues if i.path.startswith(str(REPO / "flows" / "directory"))] == []
    directory = result.directory
    assert directory.organisations
    for org in directory.organisations:
        assert set(org.description) >= {"en", "ru", "de", "fr"}, org.id
        assert org.telegram is None and org.email is None and org.phone is None, org.id
    assert {o.website for o in directory.organisations if o.website} == {
        "https://connection-ev.org",
        "https://proasyl.de",
        "https://ovd.info",
    }


def test_the_node_types_documented_example_builds() -> None:
    doc = Organisations.__doc__ or ""
    example = textwrap.dedent(doc.split("```yaml\n", 1)[1].split("```", 1)[0])
    flow = "id: doc\ntitle: Doc\nstart: legal\nnodes:\n" + textwrap.indent(example, "  ")
    flow += "  - id: more\n    type: end\n"
    loaded = parse_flow(flow, "doc.yaml")
    assert loaded.issues == ()
    node = loaded.flow.nodes["legal"]
    assert isinstance(node, Organisations) and node.needs == ("legal",)
