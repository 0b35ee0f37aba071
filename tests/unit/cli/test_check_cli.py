"""``haven flows check`` as maintainers (and CI) use it: output, formats and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).parents[3]
BROKEN = ROOT / "tests" / "data" / "broken_flows"


def test_shipped_flows_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["flows", "check", str(ROOT / "flows")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.endswith("All checks passed (10 flows).\n")


@pytest.mark.parametrize("fixture", sorted(BROKEN.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bad_input_exits_cleanly_with_file_and_line(fixture: Path, tmp_path: Path) -> None:
    """Each broken fixture, through the real console script: no traceback, file:line, exit 1."""
    no_catalogs = ["--locales", str(tmp_path)]  # the fixtures are not in the shipped catalogs
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "flows", "check", *no_catalogs, str(fixture)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert "Traceback" not in result.stderr
    relative = fixture.relative_to(ROOT)
    warnings_only = all(
        " W" in line for line in result.stdout.splitlines() if str(relative) in line
    )
    assert result.returncode == (0 if warnings_only else 1), result.stdout + result.stderr
    assert f"{relative}:" in result.stdout


def test_huge_and_non_utf8_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "huge.yaml").write_bytes(b"#" * 10_000_000)
    (tmp_path / "latin1.yaml").write_bytes("id: latin1\ntitle: \xe9\n".encode("latin-1"))
    assert main(["flows", "check", "--locales", str(tmp_path), str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'huge.yaml'}: E001 file is 10,000,000 bytes" in out
    assert f"{tmp_path / 'latin1.yaml'}:2: E001 not UTF-8" in out


def test_json_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # paths are shown relative to the current directory, as ruff does
    argv = ["--format", "json", "--locales", str(tmp_path), str(BROKEN / "unreachable.yaml")]
    assert main(["flows", "check", *argv]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == 1 and report["warnings"] == 0 and report["flows"] == 1
    (issue,) = report["issues"]
    assert issue == {
        "code": "E104",
        "message": "unreachable node 'orphan'",
        "path": "tests/data/broken_flows/unreachable.yaml",
        "line": 7,
        "flow": "unreachable",
        "node": "orphan",
        "language": None,
        "severity": "error",
    }


def test_warnings_alone_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["flows", "check", "--locales", str(tmp_path), str(BROKEN / "old_review.yaml")]) == 0
    )
    assert "W141" in capsys.readouterr().out


def test_review_age_is_configurable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(BROKEN / "old_review.yaml")
    argv = ["--max-review-age", "5000", "--locales", str(tmp_path), path]
    assert main(["flows", "check", *argv]) == 0
    assert "All checks passed" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["flows", "--help"], ["flows", "check", "--help"]],
)
def test_help_everywhere(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 0
    assert "usage: haven" in capsys.readouterr().out


def test_usage_errors_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["flows", "check", "--format", "xml"])
    assert caught.value.code == 2


def test_docs_list_every_issue_code() -> None:
    from bot.definitions import CODES

    docs = (ROOT / "docs" / "flows.md").read_text(encoding="utf-8")
    for code, summary in CODES.items():
        severity = "warning" if code.startswith("W") else "error"
        assert f"| {code} | {severity} | {summary} |" in docs
