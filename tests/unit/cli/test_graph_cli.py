"""``haven flows graph``: finding the flow, output files and formats, messages and exit codes."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from bot.cli import flows_graph, main

MAIN = """\
id: main
title: Main menu
start: ask
nodes:
  - id: ask
    type: choice
    text: Where to?
    options:
      - {id: other, label: Somewhere else, next: go_other}
      - {id: stop, label: Stop, next: bye}
  - id: go_other
    type: goto
    flow: other
    next: bye
  - id: bye
    type: end
    text: Bye.
"""

OTHER = """\
id: other
title: Other
start: hello
nodes:
  - id: hello
    type: message
    text: Hello from the other flow.
    next: done
  - id: done
    type: end
"""

# A tab in the indentation: the file cannot be loaded at all (E003), on line 4.
BROKEN = "id: broken\ntitle: Broken\nstart: a\nnodes:\n\t- id: a\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with ``flows/`` and an empty ``locales/`` (no catalog issues)."""
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "main.yaml").write_text(MAIN, encoding="utf-8")
    (flows / "other.yaml").write_text(OTHER, encoding="utf-8")
    (tmp_path / "locales").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def graph(*argv: str) -> int:
    return main(["flows", "graph", *argv, "--locales", "locales"])


def test_mermaid_on_stdout(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert graph("main") == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("flowchart TD\n")
    assert '    n_ask -->|"Somewhere else"| n_go_other\n' in captured.out
    assert "↪ flow other" in captured.out
    assert "⛔" not in captured.out  # the goto resolves: other.yaml was loaded too
    assert captured.err == ""


def test_flow_given_as_a_path(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert graph("flows/other.yaml") == 0
    out = capsys.readouterr().out
    assert "n_hello" in out and "n_ask" not in out


def test_flows_option(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = project / "elsewhere"
    shutil.copytree(project / "flows", elsewhere)
    (project / "flows" / "main.yaml").unlink()
    assert graph("main", "--flows", "elsewhere") == 0
    assert "n_ask" in capsys.readouterr().out


def test_dot_on_stdout(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert graph("main", "--format", "dot") == 0
    out = capsys.readouterr().out
    assert out.startswith('digraph "main" {\n')
    assert out.rstrip().endswith("}")


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("main.dot", 'digraph "main" {\n'),
        ("main.gv", 'digraph "main" {\n'),
        ("main.mmd", "flowchart TD\n"),
        ("main.md", "```mermaid\nflowchart TD\n"),
    ],
)
def test_text_outputs(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, start: str
) -> None:
    assert graph("main", "--output", name) == 0
    text = (project / name).read_text(encoding="utf-8")
    assert text.startswith(start)
    if name.endswith(".md"):
        assert text.endswith("```\n")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"wrote {name}" in captured.err


def test_svg_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("dot") is None:
        pytest.fail("Graphviz's dot is not installed: install graphviz (apt-get install graphviz)")
    assert graph("main", "--output", "main.svg") == 0
    svg = (project / "main.svg").read_text(encoding="utf-8")
    assert "<svg" in svg
    for node in ("ask", "go_other", "bye"):
        assert f"<title>{node}</title>" in svg
    assert "wrote main.svg" in capsys.readouterr().err


def test_png_output(project: Path) -> None:
    if shutil.which("dot") is None:
        pytest.fail("Graphviz's dot is not installed: install graphviz (apt-get install graphviz)")
    assert graph("main", "-o", "main.png") == 0
    assert (project / "main.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_rendering_without_graphviz(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flows_graph.shutil, "which", lambda name: None)
    assert graph("main", "--output", "main.svg") == 1
    err = capsys.readouterr().err
    assert "Graphviz's dot is not installed; install graphviz or use --output main.dot" in err
    assert not (project / "main.svg").exists()


def test_format_that_contradicts_the_output_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert graph("main", "--format", "mermaid", "--output", "main.dot") == 2
    assert "--format mermaid does not fit" in capsys.readouterr().err


def test_unknown_flow(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert graph("nope") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unknown flow 'nope'" in captured.err
    assert "available flows: main, other" in captured.err


def test_missing_flow_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert graph("flows/nope.yaml") == 1
    assert "flows/nope.yaml: no such flow file" in capsys.readouterr().err


@pytest.mark.parametrize("flow", ["broken", "flows/broken.yaml"])
def test_broken_flow(project: Path, capsys: pytest.CaptureFixture[str], flow: str) -> None:
    (project / "flows" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    assert graph(flow) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.search(r"^flows/broken\.yaml:5: E003 ", captured.err, re.MULTILINE), captured.err
    assert "cannot be loaded" in captured.err


def test_validation_issues_are_drawn(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "flows" / "main.yaml").write_text(
        MAIN.replace("next: bye\n  - id: bye", "next: ghost\n  - id: bye"), encoding="utf-8"
    )
    assert graph("main") == 0
    captured = capsys.readouterr()
    assert "⛔ E101" in captured.out
    assert "n_go_other -.->" in captured.out
    assert "drawn on the graph" in captured.err


def test_language_option(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = project / "locales" / "ru" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    (catalog / "flows.po").write_text(
        textwrap.dedent("""\
            msgid ""
            msgstr ""
            "Content-Type: text/plain; charset=UTF-8\\n"

            msgctxt "main/ask/text"
            msgid "Where to?"
            msgstr "Куда?"

            msgctxt "main/ask/option.stop"
            msgid "Stop"
            msgstr "Стоп"
        """),
        encoding="utf-8",
    )
    assert graph("main", "--language", "ru") == 0
    out = capsys.readouterr().out
    assert "“Куда?”" in out
    assert '-->|"Стоп"| n_bye' in out
    assert graph("main", "--language", "xx") == 1
    assert "no translations for 'xx'; languages with catalogs: ru" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["flows", "graph", "--help"], ["flows", "--help"], ["--help"]], ids=" ".join
)
def test_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: haven")
    if argv[:1] == ["flows"]:
        assert "graph" in out
    if argv[:2] == ["flows", "graph"]:
        for option in ("--format", "--output", "--flows", "--locales", "--language"):
            assert option in out
