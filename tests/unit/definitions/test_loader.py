"""Loading flow files: the YAML rules, the schema, and file:line on every problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.definitions import FlowLoadError, load_flow, load_flows, parse_flow, yaml_source
from bot.definitions.yaml_source import MAX_FILE_BYTES, YamlSourceError, read_yaml
from bot.engine import Equals, In, IsSet, Not
from bot.engine.conditions import All, Any
from bot.engine.nodes import Choice, Input, Message, Router

MINIMAL = "id: tiny\ntitle: Tiny\nstart: a\nnodes:\n  - id: a\n    type: end\n"


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def codes(error: FlowLoadError) -> list[tuple[str, int]]:
    return [(issue.code, issue.line) for issue in error.issues]


def test_minimal_flow_defaults() -> None:
    flow = parse_flow(MINIMAL, "tiny.yaml").flow
    assert (flow.id, flow.title, flow.start, flow.version, flow.language) == (
        "tiny",
        "Tiny",
        "a",
        1,
        "en",
    )
    assert list(flow.nodes) == ["a"]


def test_every_field_is_built_into_engine_types(tmp_path: Path) -> None:
    text = """\
id: full
title: Full
version: 3
language: en
start: q
variables:
  where: {type: enum, values: [ru, eu], sensitivity: situation}
  days: {type: number, sensitivity: situation}
  note: {type: text, sensitivity: free_text}
nodes:
  - id: q
    type: choice
    text: Where?
    options:
      - {id: ru, label: Russia, set: {where: ru}, next: n}
      - {id: eu, label: EU, set: {where: eu}, next: r}
  - id: n
    type: input
    kind: number
    text: Days?
    variable: days
    validation: {min: 0, max: 10}
    max_length: 5
    retry: A number, please.
    next: r
  - id: r
    type: router
    routes:
      - when: {all: [{equals: {where: ru}}, {not: {in: {days: [1, 2]}}}]}
        next: m
      - when: {any: [{set: note}, {equals: {days: 3}}]}
        next: m
    default: m
  - id: m
    type: message
    text: Facts.
    buttons: [{label: Read, url: "https://example.org/a"}]
    sources: [Someone, "Another (2025)"]
    reviewed: 2026-11-20
    next: e
  - id: e
    type: end
"""
    loaded = parse_flow(text, "full.yaml")
    assert loaded.issues == ()
    flow = loaded.flow
    assert flow.version == 3
    assert flow.variables["where"].values == ("ru", "eu")
    assert flow.variables["note"].sensitivity == "free_text"
    choice = flow.nodes["q"]
    assert isinstance(choice, Choice)
    assert dict(choice.options[0].set) == {"where": "ru"}
    number = flow.nodes["n"]
    assert isinstance(number, Input)
    assert (number.kind, number.validation.min, number.validation.max) == ("number", 0.0, 10.0)
    router = flow.nodes["r"]
    assert isinstance(router, Router)
    first = router.routes[0].when
    assert first == All((Equals("where", "ru"), Not(In("days", (1, 2)))))
    assert router.routes[1].when == Any((IsSet("note"), Equals("days", 3)))
    message = flow.nodes["m"]
    assert isinstance(message, Message)
    assert message.sources == ("Someone", "Another (2025)")
    assert message.reviewed == date(2026, 11, 20)
    assert message.buttons[0].url == "https://example.org/a"
    # Lines of nodes and of fields, as the texts and targets name them.
    assert loaded.line("q") == 11
    assert loaded.line("q", "option.eu") == 16
    assert loaded.line("q", "options.eu.next") == 16
    assert loaded.line("n", "retry") == 24
    assert loaded.line("r", "routes.1.next") == 32
    assert loaded.line("m", "button.0") == 37
    assert loaded.line(None, "title") == 2
    assert loaded.line("missing") == 1


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(FlowLoadError) as caught:
        parse_flow(MINIMAL + "title: Again\n", "dup.yaml")
    (issue,) = caught.value.issues
    assert (issue.code, issue.line, issue.path) == ("E004", 7, "dup.yaml")
    assert "first at line 2" in issue.message


def test_merge_keys_may_be_overridden() -> None:
    document = read_yaml(b"base: &b {label: A, next: x}\nopt:\n  <<: *b\n  label: B\n")
    assert document.data["opt"] == {"label": "B", "next": "x"}


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(YamlSourceError) as caught:
        read_yaml(b"a: !!python/object/apply:os.system [echo hi]\n")
    assert caught.value.code == "E002"


def test_alias_bomb_is_stopped() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(YamlSourceError) as caught:
        read_yaml("\n".join(lines).encode())
    assert caught.value.code == "E002"
    assert "alias" in caught.value.message


def test_ten_megabyte_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# padding\n" * 1_000_000)
    with pytest.raises(FlowLoadError) as caught:
        load_flow(path)
    (issue,) = caught.value.issues
    assert issue.code == "E001"
    assert f"{MAX_FILE_BYTES:,}" in issue.message


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.encode() + "    text: Tsch\u00fcss\n".encode("latin-1"))
    with pytest.raises(FlowLoadError) as caught:
        load_flow(path)
    assert codes(caught.value) == [("E001", 7)]
    assert "0xfc" in caught.value.issues[0].message


def test_byte_order_mark_is_accepted() -> None:
    assert parse_flow(b"\xef\xbb\xbf" + MINIMAL.encode(), "bom.yaml").flow.id == "tiny"


def test_missing_file_is_an_issue_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(FlowLoadError) as caught:
        load_flow(tmp_path / "nope.yaml")
    assert caught.value.issues[0].code == "E001"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("- just\n- a list\n", "E012"),
        ("title: No id\nstart: a\nnodes: []\n", "E010"),
        ("id: x\ntitle: T\nstart: a\nnodes: []\n", "E012"),
        ("id: Bad Id\ntitle: T\nstart: a\nnodes: [{id: a, type: end}]\n", "E014"),
        ("id: x\ntitle: 12\nstart: a\nnodes: [{id: a, type: end}]\n", "E012"),
        ("", "E002"),
    ],
)
def test_unusable_top_level(text: str, code: str) -> None:
    with pytest.raises(FlowLoadError) as caught:
        parse_flow(text, "x.yaml")
    assert caught.value.issues[0].code == code


def test_one_bad_node_does_not_hide_the_others() -> None:
    text = MINIMAL + "  - id: b\n    type: end\n    colour: red\n  - id: c\n    type: nope\n"
    loaded = parse_flow(text, "x.yaml")
    assert [(i.code, i.line, i.node) for i in loaded.issues] == [
        ("E011", 9, "b"),
        ("E013", 11, "c"),
    ]
    assert loaded.broken_nodes == {"b", "c"}
    assert list(loaded.flow.nodes) == ["a"]


def test_directory_discovery_and_duplicate_ids(tmp_path: Path) -> None:
    write(tmp_path, "tiny.yaml", MINIMAL)
    sub = tmp_path / "more"
    sub.mkdir()
    write(sub, "tiny.yml", MINIMAL)
    write(tmp_path, "notes.txt", "not a flow")
    flow_set = load_flows([tmp_path])
    assert list(flow_set.flows) == ["tiny"]
    assert [i.code for i in flow_set.issues] == ["E016"]
    assert set(flow_set.engine_flows) == {"tiny"}


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("2026-02-30", "E012", "2026-02-30 is not a valid date"),
        ("2026-13-45", "E012", "2026-13-45 is not a valid date"),
        ("!!int abc", "E002", "'abc' is not a valid int"),
        ("!!float abc", "E002", "'abc' is not a valid float"),
        ("!!bool maybe", "E002", "'maybe' is not a valid bool"),
        ("!!timestamp soon", "E002", "'soon' is not a valid timestamp"),
    ],
)
def test_unconvertible_scalars_name_the_line(value: str, code: str, message: str) -> None:
    text = MINIMAL + f"  - id: m\n    type: message\n    text: Hi.\n    reviewed: {value}\n"
    with pytest.raises(FlowLoadError) as caught:
        parse_flow(text, "x.yaml")
    assert codes(caught.value) == [(code, 10)]
    assert caught.value.issues[0].message == message


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: " + "[" * 950 + "]" * 950 + "\n",
        "a: 1\nb:\n" + "".join("  " * depth + "- x:\n" for depth in range(300)),
        "a: 1\nb: &b [*b]\n",  # an alias inside the list it names
    ],
)
def test_deep_nesting_is_an_error_not_a_crash(text: str) -> None:
    with pytest.raises(YamlSourceError) as caught:
        read_yaml(text.encode())
    assert caught.value.code == "E002"
    assert "nested more than 100 levels" in caught.value.message
    assert caught.value.line >= 2


def test_nesting_within_the_limit_is_read() -> None:
    document = read_yaml(b"a: " + b"[" * 99 + b"x" + b"]" * 99 + b"\n")
    assert document.line(("a",) + (0,) * 99) == 1


def test_a_list_as_a_key_is_refused_without_building_it() -> None:
    with pytest.raises(YamlSourceError) as caught:
        read_yaml(b"a: 1\n? " + b"[" * 950 + b"]" * 950 + b"\n: b\n")
    assert (caught.value.code, caught.value.line) == ("E002", 2)
    assert "keys must be plain text" in caught.value.message


def test_alias_bomb_names_a_line() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    with pytest.raises(YamlSourceError) as caught:
        read_yaml("\n".join(lines).encode())
    assert 1 <= caught.value.line <= len(lines)


@pytest.mark.parametrize("pure_python", [False, True])
def test_forbidden_character_names_its_line(
    monkeypatch: pytest.MonkeyPatch, pure_python: bool
) -> None:
    if pure_python:
        monkeypatch.setattr(yaml_source, "_Loader", yaml.SafeLoader)
    with pytest.raises(YamlSourceError) as caught:
        read_yaml("a: яяя\nb: я\nc: \x01\n".encode())
    assert (caught.value.code, caught.value.line) == ("E002", 3)
    assert "#x0001" in caught.value.message


@pytest.mark.parametrize(
    ("validation", "found"),
    [
        ("{min: .nan}", "nan"),
        ("{max: .inf}", "inf"),
        ("{min: -.inf, max: 3}", "-inf"),
        ("{max: " + "9" * 400 + "}", "9999"),
    ],
)
def test_non_finite_limits_are_refused(validation: str, found: str) -> None:
    text = (
        "id: x\ntitle: T\nstart: n\nvariables:\n  days: {type: number}\nnodes:\n"
        "  - id: n\n    type: input\n    kind: number\n    text: Days?\n    variable: days\n"
        f"    validation: {validation}\n    next: e\n  - id: e\n    type: end\n"
    )
    loaded = parse_flow(text, "x.yaml")
    assert [(i.code, i.line, i.node) for i in loaded.issues] == [("E012", 12, "n")]
    assert f"expected a finite number, found {found}" in loaded.issues[0].message


def test_non_finite_values_in_conditions_and_sets_are_refused() -> None:
    text = (
        "id: x\ntitle: T\nstart: r\nvariables:\n  days: {type: number}\nnodes:\n"
        "  - id: r\n    type: router\n    routes:\n      - when: {equals: {days: .nan}}\n"
        "        next: e\n    default: e\n"
        "  - id: c\n    type: choice\n    text: Q?\n"
        "    options: [{id: a, label: A, set: {days: .inf}, next: e}]\n"
        "  - id: e\n    type: end\n"
    )
    loaded = parse_flow(text, "x.yaml")
    assert [(i.code, i.line, i.node) for i in loaded.issues] == [
        ("E012", 10, "r"),
        ("E012", 16, "c"),
    ]
