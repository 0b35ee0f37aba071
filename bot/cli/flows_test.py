"""``haven flows test``: replay the transcripts in every language they name, report coverage."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.transcripts import SuiteResult, load_transcripts, run_suite

from .project import Project, default_flows_dir, display_path, load_project

__all__ = ["add_parser", "add_run_options", "default_transcripts_dir", "load_runnable", "run"]


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
    add_run_options(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """``--flows`` and ``--locales``, shared by the commands that run the engine."""
    parser.add_argument(
        "--flows", type=Path, metavar="DIR", help="the flow files (default: the project's flows/)"
    )
    parser.add_argument(
        "--locales",
        type=Path,
        metavar="DIR",
        help="translation catalogs (default: locales/ beside the flows directory)",
    )


def default_transcripts_dir(flows_dir: Path) -> Path:
    """``tests/transcripts`` in the project whose ``flows/`` is ``flows_dir``."""
    return flows_dir.parent / "tests" / "transcripts"


def load_runnable(flows_dir: Path, locales: Path | None) -> Project | None:
    """Load the flows and catalogs; print the issues that stop the engine and return None.

    Without ``locales``, the catalogs are those beside ``flows_dir`` (``../locales``) if there
    are any, else the project's. Problems of one language (a missing translation, a label too
    long in German) do not stop a run: the bot shows the source text there, and transcripts
    report it in that language.
    """
    beside = flows_dir.parent / "locales"
    project = load_project([flows_dir], locales or (beside if beside.is_dir() else None))
    fatal = [issue for issue in project.errors if issue.language is None]
    if not fatal:
        return project
    for issue in fatal:
        where = f"{issue.path}:{issue.line}" if issue.line else issue.path
        print(f"{where}: {issue.code} {issue.message}", file=sys.stderr)
    print(f"Found {len(fatal)} error(s): fix them before running the flows.", file=sys.stderr)
    return None


def run(args: argparse.Namespace) -> int:
    """Run the transcripts and print the results; 1 if any failed."""
    flows_dir = args.flows or default_flows_dir()
    project = load_runnable(flows_dir, args.locales)
    if project is None:
        return 1
    paths = args.transcripts or [default_transcripts_dir(flows_dir)]
    transcripts, errors = load_transcripts(paths, display=display_path)
    if not transcripts and not errors:
        shown = ", ".join(display_path(p) for p in paths)
        print(f"No transcripts found in {shown}.", file=sys.stderr)
        return 1
    result = run_suite(transcripts, project.flow_set.engine_flows, project.catalogs)
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
