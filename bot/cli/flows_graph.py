"""``haven flows graph``: draw one flow as Mermaid or Graphviz DOT, or render it to SVG/PNG.

The flow is validated with the other flows of its directory (so its ``goto`` nodes resolve),
and the issues found are drawn on the graph: red nodes for errors, orange for warnings.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.definitions import FlowLoadError, Issue, LoadedFlow, load_flow
from bot.definitions.graph import LanguageText, to_dot, to_mermaid
from bot.definitions.loader import FLOW_SUFFIXES

from .project import (
    Project,
    add_project_options,
    default_flows_dir,
    display_path,
    load_project,
    print_blocking,
)

__all__ = ["add_parser", "run"]

#: What each output suffix gets: text formats are written, images rendered by Graphviz.
TEXT_SUFFIXES = {
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".md": "mermaid",
    ".dot": "dot",
    ".gv": "dot",
}
IMAGE_SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf"}

#: Rendering a big flow takes well under a second; this only stops a hung ``dot``.
RENDER_TIMEOUT_SECONDS = 120

NO_DOT = "Graphviz's dot is not installed; install graphviz or use --output {stem}.dot"


class _Failed(Exception):
    """The command cannot go on: ``issues`` (ruff-style) then the message are printed, and
    ``code`` is the exit code."""

    def __init__(self, message: str, code: int = 1, issues: Sequence[Issue] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.issues = issues


def add_parser(commands: Any) -> None:
    """Register the ``graph`` subcommand."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "graph",
        help="draw a flow as Mermaid or Graphviz (SVG, PNG)",
        description="Draw one flow: its nodes shaped by type, its arrows labelled with options\n"
        "and conditions, and its validation issues in colour (red errors, orange warnings).",
        epilog="examples:\n"
        "  haven flows graph start                    Mermaid on stdout\n"
        "  haven flows graph start --output start.md  Mermaid in a Markdown fence\n"
        "  haven flows graph start --output start.svg rendered with Graphviz's dot\n"
        "  haven flows graph flows/start.yaml --format dot | dot -Tpng > start.png\n\n"
        "output suffixes: .mmd .mermaid .md (Mermaid), .dot .gv (DOT), "
        ".svg .png .pdf (rendered)\n"
        "exit codes: 0 drawn, 1 unknown or broken flow or rendering failed, 2 usage error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "flow", metavar="FLOW", help="a flow id (looked up in --flows) or a path to a flow file"
    )
    parser.add_argument(
        "--format",
        choices=("mermaid", "dot"),
        help="output format (default: from the --output suffix, else mermaid)",
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write to FILE instead of stdout; .svg, .png and .pdf are rendered with dot",
    )
    parser.add_argument(
        "--language",
        metavar="LANG",
        help="show the flow's text in this language from the catalogs (default: the source)",
    )
    add_project_options(parser, review_age=True)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Draw the flow; 1 if it cannot be found, loaded or rendered."""
    try:
        output_format, image = _formats(args.format, args.output)
        project, loaded = _load(args.flow, args.flows, args.locales, args.max_review_age)
        language_text = _language_text(project, loaded, args.language)
        drawn = to_dot if output_format == "dot" else to_mermaid
        text = drawn(loaded, project.issues, language_text)
        _write(text, args.output, image)
    except _Failed as failure:
        print_blocking(failure.issues, str(failure))
        return failure.code
    _summarise(project.issues, loaded)
    return 0


def _formats(requested: str | None, output: Path | None) -> tuple[str, str | None]:
    """The text format to produce and the image format to render it to, if any."""
    suffix = output.suffix.lower() if output else ""
    implied = "dot" if suffix in IMAGE_SUFFIXES else TEXT_SUFFIXES.get(suffix)
    if requested and implied and requested != implied:
        raise _Failed(f"--format {requested} does not fit the output file {output}", 2)
    return requested or implied or "mermaid", IMAGE_SUFFIXES.get(suffix)


def _load(
    flow: str, flows_dir: Path | None, locales: Path | None, max_review_age: int
) -> tuple[Project, LoadedFlow]:
    """Validate the flow's directory and pick out the flow asked for."""
    as_path = Path(flow)
    if as_path.suffix in FLOW_SUFFIXES or as_path.is_file():
        if not as_path.is_file():
            raise _Failed(f"{flow}: no such flow file")
        directory = as_path.parent
        wanted = as_path.resolve()
    else:
        directory = flows_dir or default_flows_dir()
        if not directory.is_dir():
            raise _Failed(f"{display_path(directory)}: no such flows directory")
        wanted = None
    project = load_project([directory], locales, max_review_age)
    for loaded in project.flow_set.flows.values():
        if (Path(loaded.path).resolve() == wanted) if wanted else loaded.flow.id == flow:
            return project, loaded
    if wanted is None:
        candidates = [directory / f"{flow}{suffix}" for suffix in FLOW_SUFFIXES]
        wanted = next((p.resolve() for p in candidates if p.is_file()), None)
    if wanted is None:
        available = ", ".join(sorted(project.flow_set.flows)) or "none"
        raise _Failed(
            f"unknown flow {flow!r} in {display_path(directory)}; available flows: {available}"
        )
    raise _load_failure(project, wanted)


def _load_failure(project: Project, path: Path) -> _Failed:
    """The failure to draw the file at ``path``, with the issues that kept it out of the set."""
    issues = [i for i in project.issues if Path(i.path).resolve() == path]
    if not issues:  # e.g. loaded on its own it would have worked: say why it did not here
        try:
            load_flow(path, display_path(path))
        except FlowLoadError as error:
            issues = error.issues
    message = f"{display_path(path)}: the flow cannot be loaded, so it cannot be drawn"
    return _Failed(message, issues=issues)


def _language_text(
    project: Project, loaded: LoadedFlow, language: str | None
) -> LanguageText | None:
    if language is None or language == loaded.flow.language:
        return None
    if language not in project.catalogs.languages:
        shipped = ", ".join(project.catalogs.languages) or "none"
        raise _Failed(f"no translations for {language!r}; languages with catalogs: {shipped}")
    catalogs, flow_id = project.catalogs, loaded.flow.id

    def text(node: str, field: str, source: str) -> str:
        return catalogs.flow_text(language, f"{flow_id}/{node}/{field}", source)

    return text


def _write(text: str, output: Path | None, image: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    if image is not None:
        _render(text, output, image)
    else:
        if output.suffix.lower() == ".md":
            text = f"```mermaid\n{text}```\n"
        try:
            output.write_text(text, encoding="utf-8", newline="\n")
        except OSError as error:
            raise _Failed(f"{output}: cannot write: {error.strerror}") from None
    print(f"wrote {output}", file=sys.stderr)


def _render(dot_source: str, output: Path, image: str) -> None:
    """Run Graphviz's ``dot`` to turn the DOT source into ``output``."""
    dot = shutil.which("dot")
    if dot is None:
        raise _Failed(NO_DOT.format(stem=output.with_suffix("")))
    command: Sequence[str] = (dot, f"-T{image}", "-o", str(output))
    try:
        result = subprocess.run(
            command,
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=RENDER_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise _Failed(f"dot failed: {error}") from None
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip()
        raise _Failed(f"dot failed (exit {result.returncode}): {reason}")


def _summarise(issues: Sequence[Issue], loaded: LoadedFlow) -> None:
    """A one-line pointer to ``check`` when the drawing shows problems."""
    mine = [i for i in issues if i.path == loaded.path or i.flow == loaded.flow.id]
    errors = sum(1 for i in mine if i.severity == "error")
    warnings = len(mine) - errors
    if mine:
        print(
            f"{loaded.path}: {errors} error(s) and {warnings} warning(s) drawn on the graph; "
            "`haven flows check` lists them",
            file=sys.stderr,
        )
