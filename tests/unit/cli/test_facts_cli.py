"""``haven flows facts``: the content review document, its JSON, ``--check`` and exit codes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).parents[3]

# Facts out of alphabetical order (``zeta`` before ``alpha``), one with a link button, markup
# characters and a line break, one with a review only, and a node without sources in between.
BASICS = """\
id: basics
title: The basics
start: zeta
nodes:
  - id: zeta
    type: message
    text: "Apply *on* the territory.\\n1. Not at an embassy."
    buttons:
      - {label: Read the law, url: "https://example.org/law"}
    sources:
      - Directive 2013/32/EU, art. 3
      - A court [2017]
    reviewed: 2025-01-10
    next: plain
  - id: plain
    type: message
    text: No source here.
    next: alpha
  - id: alpha
    type: choice
    text: Is this old?
    options:
      - {id: yes_old, label: It is, next: old}
    sources: [An old brief]
    reviewed: 2024-01-01
  - id: old
    type: end
    text: Checked, but no sources.
    reviewed: 2024-06-01
"""

# Sorts before ``basics.yaml`` and has no facts.
ANSWERS = """\
id: answers
title: Answers
start: bye
nodes:
  - id: bye
    type: end
    text: Bye.
"""

# An unknown target (E101): the flows cannot run, so there is nothing to review.
BROKEN = BASICS.replace("next: plain", "next: ghost")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with ``flows/``, ``docs/`` and an empty ``locales/``."""
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "basics.yaml").write_text(BASICS, encoding="utf-8")
    (flows / "answers.yaml").write_text(ANSWERS, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "locales").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def facts(*argv: str) -> int:
    return main(["flows", "facts", *argv])


def stdout_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert facts(*argv) == 0
    return capsys.readouterr().out


def test_writes_the_document_beside_the_flows(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert facts() == 0
    assert "wrote docs/content-review.md: 3 facts in 2 flows" in capsys.readouterr().err
    text = (project / "docs" / "content-review.md").read_text(encoding="utf-8")
    assert text.startswith("# Content review\n")
    assert "do not edit by hand" in text
    assert "regenerate it with `haven flows facts`" in text
    assert "| Facts | 3 |" in text
    assert "| Oldest review | 2024-01-01 (`basics/alpha`) |" in text
    assert "| The basics (`basics`) | `flows/basics.yaml` | 3 | 2024-01-01 |" in text
    assert "Flows without facts: Answers (`answers`)." in text
    assert "No source here" not in text


def test_facts_in_file_order_with_location_text_sources_and_dates(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = stdout_of(capsys, "-o", "-")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Content review",
        "## Summary",
        "## The basics (`basics`)",
        "### `basics/zeta`",
        "### `basics/alpha`",
        "### `basics/old`",
    ]
    zeta = text[text.index("### `basics/zeta`") : text.index("### `basics/alpha`")]
    assert zeta == (
        "### `basics/zeta`\n\n"
        "`flows/basics.yaml:5` (message)\n\n"
        "> Apply \\*on\\* the territory.\\\n"  # markup shown as typed; the line break kept
        "> 1\\. Not at an embassy.\n\n"
        "Buttons:\n\n"
        "- Read the law: <https://example.org/law>\n\n"
        "Sources:\n\n"
        "- Directive 2013/32/EU, art. 3\n"
        "- A court \\[2017\\]\n\n"
        "Reviewed: 2025-01-10. Next review due by 2026-01-10.\n\n"
    )
    alpha = text[text.index("### `basics/alpha`") : text.index("### `basics/old`")]
    assert "> Is this old?\n\nButtons:\n\n- It is\n\nSources:\n\n- An old brief\n" in alpha
    old = text[text.index("### `basics/old`") :]
    assert "Sources:\n\n- none given\n\nReviewed: 2024-06-01." in old


def test_without_today_the_document_does_not_depend_on_the_date(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = stdout_of(capsys, "-o", "-")
    assert "Past due" not in text and "days before" not in text
    assert date.today().isoformat() not in text
    monkeypatch.chdir(project / "docs")  # and not on the working directory
    assert stdout_of(capsys, "../flows", "-o", "-") == text


def test_today_gives_ages_and_flags_reviews_past_due(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = stdout_of(capsys, "-o", "-", "--today", "2025-03-01", "--max-review-age", "180")
    assert "regenerate it with `haven flows facts --max-review-age 180 --today 2025-03-01`" in text
    assert "| Past due on 2025-03-01 | 2 |" in text
    assert "| The basics (`basics`) | `flows/basics.yaml` | 3 | 2024-01-01 | 2 |" in text
    assert (
        "Past due on 2025-03-01:\n\n"
        "- `basics/alpha`, reviewed 2024-01-01 (425 days before)\n"
        "- `basics/old`, reviewed 2024-06-01 (273 days before)\n"
    ) in text
    assert (
        "\nReviewed: 2025-01-10, 50 days before 2025-03-01. Next review due by 2025-07-09.\n"
        in (text)
    )
    assert "\n**Past due.** Reviewed: 2024-01-01, 425 days before 2025-03-01." in text
    assert text.count("**Past due.**") == 2


def test_today_alone_is_the_current_date(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = stdout_of(capsys, "-o", "-", "--today")
    assert f"| Past due on {date.today().isoformat()} | 3 |" in text


def test_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads(stdout_of(capsys, "--format", "json", "--today", "2025-03-01"))
    assert not (project / "docs" / "content-review.md").exists()  # JSON goes to stdout
    assert report["today"] == "2025-03-01" and report["max_review_age"] == 365
    assert report["summary"] == {
        "flows": 2,
        "flows_with_facts": 1,
        "facts": 3,
        "oldest_review": "2024-01-01",
        "past_due": 1,
    }
    answers, basics = report["flows"]
    assert answers == {
        "id": "answers",
        "title": "Answers",
        "language": "en",
        "path": "flows/answers.yaml",
        "facts": [],
    }
    assert [fact["node"] for fact in basics["facts"]] == ["zeta", "alpha", "old"]
    zeta = basics["facts"][0]
    assert zeta == {
        "flow": "basics",
        "node": "zeta",
        "type": "message",
        "path": "flows/basics.yaml",
        "line": 5,
        "texts": [
            {
                "field": "text",
                "kind": "message",
                "text": "Apply *on* the territory.\n1. Not at an embassy.",
                "url": None,
            },
            {
                "field": "button.0",
                "kind": "label",
                "text": "Read the law",
                "url": "https://example.org/law",
            },
        ],
        "sources": ["Directive 2013/32/EU, art. 3", "A court [2017]"],
        "reviewed": "2025-01-10",
        "due": "2026-01-10",
        "age_days": 50,
        "past_due": False,
    }
    assert basics["facts"][1]["past_due"] is True


def test_json_without_today_has_no_ages(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads(stdout_of(capsys, "--format", "json"))
    assert report["today"] is None and report["summary"]["past_due"] is None
    fact = report["flows"][1]["facts"][0]
    assert fact["age_days"] is None and fact["past_due"] is None


def test_check(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = project / "docs" / "content-review.md"
    assert facts("--check") == 1
    assert "docs/content-review.md does not exist" in capsys.readouterr().err
    assert facts() == 0
    assert facts("--check") == 0
    assert "docs/content-review.md is up to date." in capsys.readouterr().err
    document.write_text(document.read_text(encoding="utf-8").replace("2025-01-10", "2025-01-09"))
    before = document.read_text(encoding="utf-8")
    assert facts("--check") == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("--- docs/content-review.md\n+++ generated\n")
    assert "\n-Reviewed: 2025-01-09. Next review due by 2026-01-10.\n" in captured.out
    assert "\n+Reviewed: 2025-01-10. Next review due by 2026-01-10.\n" in captured.out
    assert "out of date: regenerate it with `haven flows facts`" in captured.err
    assert document.read_text(encoding="utf-8") == before  # --check writes nothing


def test_check_shows_only_the_first_lines_of_a_long_difference(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "docs" / "content-review.md").write_text("\n" * 100, encoding="utf-8")
    assert facts("--check") == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 21 and out[-1].endswith("more lines)")


def test_check_another_file_and_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert facts("--format", "json", "-o", "facts.json") == 0
    assert facts("--format", "json", "-o", "facts.json", "--check") == 0
    assert facts("-o", "facts.json", "--check") == 1  # Markdown is not what the file holds


def test_flows_with_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "flows" / "basics.yaml").write_text(BROKEN, encoding="utf-8")
    assert facts() == 1
    captured = capsys.readouterr()
    assert "flows/basics.yaml:14: E101" in captured.err
    assert captured.out == ""
    assert not (project / "docs" / "content-review.md").exists()


def test_missing_flows_directory(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert facts("nowhere") == 1
    assert "nowhere: no such flows directory" in capsys.readouterr().err


def test_unwritable_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert facts("-o", "missing/dir/review.md") == 1
    assert "missing/dir/review.md: cannot write" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--check", "-o", "-"], "--check compares a file"),
        (["--check", "--format", "json"], "--check --format json needs -o FILE"),
    ],
)
def test_check_needs_a_file(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert facts(*argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["--today", "yesterday"],
        ["--today", "2025-02-30"],
        ["--max-review-age", "0"],
        ["--format", "html"],
    ],
)
def test_usage_errors_exit_two(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        facts(*argv)
    assert caught.value.code == 2
    assert "usage: haven flows facts" in capsys.readouterr().err


def test_a_bare_today_before_the_flows_directory(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        facts("--today", "flows")
    assert "give FLOWS_DIR before a --today without a date" in capsys.readouterr().err
    assert facts("flows", "--today", "-o", "-") == 0


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        facts("--help")
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert "usage: haven flows facts" in out and "exit codes:" in out


def test_committed_content_review_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/content-review.md is what ``haven flows facts`` makes of the shipped flows."""
    code = facts(str(ROOT / "flows"), "-o", str(ROOT / "docs" / "content-review.md"), "--check")
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
