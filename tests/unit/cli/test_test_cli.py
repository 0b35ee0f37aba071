"""``haven flows test``: results per transcript and language, coverage, formats, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

MAIN = """\
id: main
title: Main
start: pick
nodes:
  - id: pick
    type: choice
    text: Pick a color.
    options:
      - {id: red, label: Red, next: help}
      - {id: blue, label: Blue, next: bye}
  - id: help
    type: handoff
    topic: colors
  - id: bye
    type: end
    text: Bye.
"""

RED = """\
flow: main
languages: [en]
steps:
  - expect: {says: [pick], offers: pick, choices: [red, blue]}
  - choose: red
    expect: {says: [], ended: handoff, ticket: {topic: colors}}
"""

BLUE = """\
flow: main
languages: [en]
steps:
  - expect: {offers: pick}
  - choose: blue
    expect: {says: [bye], ended: completed}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """flows/, an empty locales/ and tests/transcripts/ with the red path."""
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "main.yaml").write_text(MAIN, encoding="utf-8")
    (tmp_path / "locales").mkdir()
    transcripts = tmp_path / "tests" / "transcripts"
    transcripts.mkdir(parents=True)
    (transcripts / "red.yaml").write_text(RED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_passing_transcripts_exit_zero_and_report_coverage(project, capsys):
    assert main(["flows", "test"]) == 0
    assert capsys.readouterr().out == (
        "✓ tests/transcripts/red.yaml [en]\n"
        "main: nodes no transcript reached: bye\n"
        "1 run of 1 transcript: 1 passed, 0 failed.\n"
    )
    (project / "tests" / "transcripts" / "blue.yaml").write_text(BLUE, encoding="utf-8")
    assert main(["flows", "test"]) == 0
    assert capsys.readouterr().out == (
        "✓ tests/transcripts/blue.yaml [en]\n"
        "✓ tests/transcripts/red.yaml [en]\n"
        "Every node was reached: 3 nodes in 1 flows.\n"
        "2 runs of 2 transcripts: 2 passed, 0 failed.\n"
    )


def test_a_failure_exits_one_with_the_details(project, capsys):
    bad = RED.replace("says: [pick]", "says: [bye]").replace(
        "languages: [en]", "languages: [en, ru]"
    )
    (project / "tests" / "transcripts" / "red.yaml").write_text(bad, encoding="utf-8")
    assert main(["flows", "test"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[:4] == [
        "✗ tests/transcripts/red.yaml [en]",
        "    tests/transcripts/red.yaml:4: step 1 (start) [en]: says: expected [bye], got [pick]",
        "✗ tests/transcripts/red.yaml [ru]",
        "    tests/transcripts/red.yaml [ru]: no translations for 'ru' (the flow is written in"
        " 'en'; catalogs exist for: none)",
    ]
    assert out.endswith("2 runs of 1 transcript: 0 passed, 2 failed.\n")


def test_json_format(project, capsys):
    (project / "tests" / "transcripts" / "broken.yaml").write_text("flow: main\nsteps: 1\n")
    assert main(["flows", "test", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is False
    assert report["transcripts"] == 1
    assert report["runs"] == [
        {
            "transcript": "tests/transcripts/red.yaml",
            "flow": "main",
            "language": "en",
            "passed": True,
            "steps": 2,
            "failures": [],
        }
    ]
    assert report["errors"] == [
        {
            "path": "tests/transcripts/broken.yaml",
            "line": 1,
            "message": "required key 'languages' is missing",
        }
    ]
    assert report["coverage"] == [{"flow": "main", "nodes": 3, "reached": 2, "missing": ["bye"]}]


def test_json_failures_carry_their_location(project, capsys):
    bad = RED.replace("topic: colors", "topic: other")
    (project / "tests" / "transcripts" / "red.yaml").write_text(bad, encoding="utf-8")
    assert main(["flows", "test", "--format", "json"]) == 1
    (failure,) = json.loads(capsys.readouterr().out)["runs"][0]["failures"]
    assert failure == {
        "path": "tests/transcripts/red.yaml",
        "language": "en",
        "message": "ticket: expected topic other, got colors",
        "line": 5,
        "step": 2,
        "action": "choose: red",
        "text": "tests/transcripts/red.yaml:5: step 2 (choose: red) [en]:"
        " ticket: expected topic other, got colors",
    }


def test_an_unreadable_transcript_fails_with_file_and_line(project, capsys):
    (project / "tests" / "transcripts" / "bad.yaml").write_text(
        "flow: main\nlanguages: [en]\nsteps:\n  - {}\n  - nav: sideways\n"
    )
    assert main(["flows", "test"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        "✗ tests/transcripts/bad.yaml:5: unknown navigation 'sideways'; expected one of back,"
    )
    assert out.endswith("1 file(s) could not be read.\n")


def test_given_paths_and_the_default_directory_next_to_the_flows(
    project, tmp_path, capsys, monkeypatch
):
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "blue.yaml").write_text(BLUE, encoding="utf-8")
    assert main(["flows", "test", "elsewhere/blue.yaml"]) == 0
    assert capsys.readouterr().out.startswith("✓ elsewhere/blue.yaml [en]\n")
    # Run from another directory: the transcripts are found beside the flows.
    monkeypatch.chdir(other)
    assert main(["flows", "test", "--flows", str(project / "flows"), "--locales", str(other)]) == 0
    assert "red.yaml [en]" in capsys.readouterr().out


def test_no_transcripts_is_an_error(project, capsys):
    (project / "tests" / "transcripts" / "red.yaml").unlink()
    assert main(["flows", "test"]) == 1
    assert capsys.readouterr().err == "No transcripts found in tests/transcripts.\n"


def test_flows_with_errors_stop_the_run(project, capsys):
    (project / "flows" / "main.yaml").write_text(MAIN.replace("next: bye", "next: nowhere"))
    assert main(["flows", "test"]) == 1
    err = capsys.readouterr().err
    assert "flows/main.yaml:10: E101" in err
    assert err.endswith("Found 2 error(s): fix them before running the flows.\n")
