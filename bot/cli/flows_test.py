"""``haven flows test``: replay the transcripts in every language they name, report coverage."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.transcripts import SuiteResult, load_transcripts, run_suite

from .project import (
    add_project_options,
    default_flows_dir,
    display_path,
    load_project,
    print_blocking,
)

__all__ = ["add_parser", "default_transcripts_dir", "run"]


def add_parser(commands: Any) -> None:
    """Register the ``test`` subcommand."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "test",
        help="replay the transcripts in every language",
        description="Replay transcripts (tests/transcripts/*.yaml) through the engine, once in "
        "each language a transcript names, and report the nodes that no transcript reached.",
        epilog="exit codes: 0 every transcript passed, 1 a transcript failed or could not be "
        "read (or the flows have errors), 2 usage error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "transcripts",
        nargs="*",
        type=Path,
        metavar="TRANSCRIPT",
        help="transcript files or directories (default: tests/transcripts in the project)",
    )
    add_project_options(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def default_transcripts_dir(flows_dir: Path) -> Path:
    """``tests/transcripts`` in the project whose ``flows/`` is ``flows_dir``."""
    return flows_dir.parent / "tests" / "transcripts"


def run(args: argparse.Namespace) -> int:
    """Run the transcripts and print the results; 1 if any failed."""
    flows_dir = args.flows or default_flows_dir()
    project = load_project([flows_dir], args.locales)
    if project.blocking:
        print_blocking(project.blocking)
        return 1
    paths = args.transcripts or [default_transcripts_dir(flows_dir)]
    transcripts, errors = load_transcripts(paths, display=display_path)
    if not transcripts and not errors:
        shown = ", ".join(display_path(p) for p in paths)
        print(f"No transcripts found in {shown}.", file=sys.stderr)
        return 1
    result = run_suite(
        transcripts, project.flow_set.engine_flows, project.catalogs, directory=project.directory
    )
    result.errors.extend(errors)
    if args.format == "json":
        json.dump(_report(result, len(transcripts)), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_text(result, len(transcripts))
    return 0 if result.passed else 1


def _print_text(result: SuiteResult, transcripts: int) -> None:
    for error in result.errors:
        print(f"✗ {error}")
    for run in result.runs:
        print(f"{'✓' if run.passed else '✗'} {run.transcript.path} [{run.language}]")
        for failure in run.failures:
            print(f"    {failure}")
    coverage = result.coverage.flows
    for flow in coverage:
        if not flow.complete:
            print(f"{flow.flow}: nodes no transcript reached: {', '.join(flow.missing)}")
    if coverage and all(flow.complete for flow in coverage):
        nodes = sum(len(flow.nodes) for flow in coverage)
        print(f"Every node was reached: {nodes} nodes in {len(coverage)} flows.")
    failed = sum(not run.passed for run in result.runs)
    summary = (
        f"{_count(len(result.runs), 'run')} of {_count(transcripts, 'transcript')}:"
        f" {len(result.runs) - failed} passed, {failed} failed"
    )
    if result.errors:
        summary += f"; {len(result.errors)} file(s) could not be read"
    print(f"{summary}.")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _report(result: SuiteResult, transcripts: int) -> dict[str, Any]:
    return {
        "passed": result.passed,
        "transcripts": transcripts,
        "runs": [
            {
                "transcript": run.transcript.path,
                "flow": run.transcript.flow,
                "language": run.language,
                "passed": run.passed,
                "steps": len(run.steps),
                "failures": [failure.to_dict() for failure in run.failures],
            }
            for run in result.runs
        ],
        "errors": [
            {"path": error.path, "line": error.line, "message": error.message}
            for error in result.errors
        ],
        "coverage": [flow.to_dict() for flow in result.coverage.flows],
    }
