"""A tiny flow set written as YAML to ``tmp_path``, fake catalogs, and transcript helpers."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.definitions import load_flows
from bot.engine import Flow
from bot.i18n.catalogs import Status
from bot.transcripts import Transcript, parse_transcript

# Every node type, over two flows: hello -> pick -> (red: age -> route -> help | blue: route ->
# facts (goto) -> bye). ``route`` and ``facts`` say nothing: only tracing sees them.
MAIN = """\
id: main
title: Main
start: hello
variables:
  color: {type: enum, values: [red, blue]}
  age: {type: number}
nodes:
  - id: hello
    type: message
    text: Hello.
    buttons: [{label: Guide, url: "https://example.org/guide"}]
    sources: [Example source]
    reviewed: 2026-01-01
    next: pick
  - id: pick
    type: choice
    text: Pick a color.
    options:
      - {id: red, label: Red, set: {color: red}, next: age}
      - {id: blue, label: Blue, set: {color: blue}, next: route}
  - id: age
    type: input
    kind: number
    text: How old are you?
    variable: age
    validation: {min: 0, max: 120}
    max_length: 5
    next: route
  - id: route
    type: router
    routes:
      - when: {equals: {color: red}}
        next: help
    default: facts
  - id: facts
    type: goto
    flow: other
    next: bye
  - id: help
    type: handoff
    topic: colors
    share: [color, age]
    text: Someone will help.
  - id: bye
    type: end
    text: Bye.
"""

OTHER = """\
id: other
title: Other
start: info
nodes:
  - id: info
    type: message
    text: Blue is calm.
    next: done
  - id: done
    type: end
"""


@pytest.fixture
def flows(tmp_path: Path) -> dict[str, Flow]:
    """The two flows, loaded from YAML files as the project loads them."""
    directory = tmp_path / "flows"
    directory.mkdir()
    (directory / "main.yaml").write_text(MAIN, encoding="utf-8")
    (directory / "other.yaml").write_text(OTHER, encoding="utf-8")
    loaded = load_flows([directory])
    assert not loaded.issues, loaded.issues
    return loaded.engine_flows


def _parse(text: str, path: str = "t.yaml") -> Transcript:
    return parse_transcript(textwrap.dedent(text), path)


@pytest.fixture
def parse() -> Callable[..., Transcript]:
    """Parse dedented transcript YAML (the file is called ``t.yaml`` unless a path is given)."""
    return _parse


class FakeCatalogs:
    """Translates everything to ``[<lang>] <source>``, except what is listed as missing/fuzzy.

    Args:
        languages: The languages that have catalogs.
        missing: Flow contexts (``flow/node/field``) without a translation.
        fuzzy: Flow contexts whose translation is fuzzy (never shown).
        ui_missing: The bot's own messages without a translation.
    """

    def __init__(
        self,
        languages: tuple[str, ...] = ("ru",),
        missing: frozenset[str] = frozenset(),
        fuzzy: frozenset[str] = frozenset(),
        ui_missing: frozenset[str] = frozenset(),
    ) -> None:
        self.languages = languages
        self.missing = missing
        self.fuzzy = fuzzy
        self.ui_missing = ui_missing

    def status(self, language: str, context: str, source: str) -> Status:
        if language not in self.languages or context in self.missing:
            return "missing"
        return "fuzzy" if context in self.fuzzy else "ok"

    def flow_text(self, language: str, context: str, source: str) -> str:
        ok = self.status(language, context, source) == "ok"
        return f"[{language}] {source}" if ok else source

    def ui_text(self, language: str, message: str) -> str:
        if language not in self.languages or message in self.ui_missing:
            return message
        return f"[{language}] {message}"


@pytest.fixture
def fake_catalogs() -> type[FakeCatalogs]:
    """The :class:`FakeCatalogs` class, to build catalogs with chosen gaps."""
    return FakeCatalogs
