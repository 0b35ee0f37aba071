"""Property: whatever a flow file holds, the loader answers with its own errors, each with a line.

Random YAML-ish documents, random bytes and mutations of a shipped flow (a key deleted, a value
of the wrong type, a node id repeated, bytes flipped) go through :func:`parse_flow` and
:func:`load_flow`; the only exception allowed out is :class:`FlowLoadError`, and every issue it
or a loaded flow carries names a line inside the file.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.definitions import FlowLoadError, Issue, load_flow, parse_flow

ROOT = Path(__file__).resolve().parent.parent.parent
SHIPPED = sorted(p for p in (ROOT / "flows").glob("*.yaml") if p.name != "organisations.yaml")
SOURCES = {p.name: p.read_bytes() for p in SHIPPED}
DOCUMENTS = {name: yaml.safe_load(raw) for name, raw in SOURCES.items()}
KEYS = [
    "id", "version", "start", "nodes", "type", "text", "options", "next", "label", "goto",
    "routes", "when", "variables", "buttons", "kind", "max_length", "save", "topic",
]  # fmt: skip

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(KEYS), st.sampled_from(["2026-02-30", "1.0", "~"]),
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), SCALARS), inner, max_size=5),
    ),
    max_leaves=25,
)
YAMLISH = st.one_of(
    st.text(max_size=300),
    st.text(st.sampled_from(list(" \t\n:-[]{}#&*!|>'\"%@`,?abc01")), max_size=200),
    st.lists(st.tuples(st.sampled_from(KEYS), st.text(max_size=20)), max_size=8).map(
        lambda pairs: "\n".join(f"{k}: {v}" for k, v in pairs)
    ),
)


def check(issues: list[Issue] | tuple[Issue, ...], source: bytes) -> None:
    # One past the last line is the end of the file, where YAML reports an unclosed bracket.
    lines = source.count(b"\n") + 2
    for issue in issues:
        assert isinstance(issue.line, int), issue
        assert 1 <= issue.line <= lines, (issue, lines)
        assert issue.code and issue.message, issue


def load(source: bytes, tmp_path: Path | None = None) -> None:
    try:
        loaded = parse_flow(source, "flow.yaml")
    except FlowLoadError as error:
        assert error.issues
        check(error.issues, source)
    else:
        check(loaded.issues, source)
    if tmp_path is not None:
        path = tmp_path / "flow.yaml"
        path.write_bytes(source)
        try:
            from_file = load_flow(path)
        except FlowLoadError as error:
            check(error.issues, source)
        else:
            check(from_file.issues, source)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A shipped flow with one or a few things broken in it."""
    name = draw(st.sampled_from(sorted(DOCUMENTS)))
    data: Any = copy.deepcopy(DOCUMENTS[name])
    for _ in range(draw(st.integers(1, 3))):
        nodes = data.get("nodes") if isinstance(data, dict) else None
        target: Any = data
        if isinstance(nodes, list) and nodes and draw(st.booleans()):
            target = nodes[draw(st.integers(0, len(nodes) - 1))]
        how = draw(st.sampled_from(["delete", "retype", "duplicate", "add", "replace"]))
        if not isinstance(target, dict) or not target:
            continue
        key = draw(st.sampled_from(sorted(target, key=str)))
        if how == "delete":
            del target[key]
        elif how == "retype":
            target[key] = draw(VALUES)
        elif how == "duplicate" and isinstance(nodes, list) and nodes:
            nodes.append(copy.deepcopy(nodes[draw(st.integers(0, len(nodes) - 1))]))
        elif how == "add":
            target[draw(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)))] = draw(VALUES)
        else:
            data = draw(VALUES) if draw(st.integers(0, 9)) == 0 else data
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


@st.composite
def flipped(draw: st.DrawFn) -> bytes:
    """A shipped flow file with bytes overwritten, inserted or cut."""
    raw = bytearray(SOURCES[draw(st.sampled_from(sorted(SOURCES)))])
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        how = draw(st.sampled_from(["overwrite", "insert", "cut"]))
        chunk = draw(st.binary(min_size=1, max_size=8))
        if how == "overwrite":
            raw[at : at + len(chunk)] = chunk
        elif how == "insert":
            raw[at:at] = chunk
        else:
            del raw[at : at + draw(st.integers(1, 200))]
    return bytes(raw)


@settings(max_examples=300)
@given(st.one_of(YAMLISH.map(str.encode), st.binary(max_size=300)))
def test_random_documents_fail_only_with_load_errors(source: bytes) -> None:
    load(source)


@settings(max_examples=150)
@given(VALUES)
def test_random_yaml_data_fails_only_with_load_errors(data: Any) -> None:
    load(yaml.safe_dump(data, allow_unicode=True).encode())


@settings(max_examples=150)
@given(mutated())
def test_mutated_flows_fail_only_with_load_errors(source: bytes) -> None:
    load(source)


@settings(max_examples=100)
@given(flipped())
def test_flows_with_bytes_flipped_fail_only_with_load_errors(source: bytes) -> None:
    load(source)


def test_files_go_through_the_same_checks(tmp_path: Path) -> None:
    for source in [b"", b"\xff\xfe", b"id: [", next(iter(SOURCES.values()))]:
        load(source, tmp_path)


def test_the_shipped_flows_load_cleanly() -> None:
    for name, raw in SOURCES.items():
        assert not parse_flow(raw, name).issues
