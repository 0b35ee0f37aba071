"""``haven flows facts``: every fact the flows state, with its sources and review date.

A **fact** is a node with ``sources`` (or a ``reviewed`` date): the flows mark what they state
as fact that way, and nothing else does. The command writes them out, as a person sees them in
the flows' source language, into a Markdown document (``docs/content-review.md`` beside the
flows directory by default) that advocates can review without reading YAML, or as JSON.

The document is reproducible: it depends on the flow files and the options only, never on the
day it is made, so it can be committed and checked (``--check``). It gives each fact the date
its next review is due (``--max-review-age`` days after the last one, when ``haven flows
check`` starts to warn). Ages in days and the facts past due appear only with ``--today``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.definitions import LoadedFlow
from bot.definitions.validation import DEFAULT_REVIEW_AGE_DAYS
from bot.engine import Node
from bot.engine.nodes.message import Link

from .project import default_flows_dir, display_path, load_project, print_blocking

__all__ = [
    "DEFAULT_OUTPUT",
    "ContentReview",
    "Fact",
    "FactText",
    "FlowFacts",
    "add_parser",
    "collect",
    "regenerate_command",
    "run",
    "to_json",
    "to_markdown",
]

#: Where the document goes, relative to the project (the directory that holds ``flows/``).
DEFAULT_OUTPUT = Path("docs") / "content-review.md"

#: How many lines of the difference ``--check`` shows.
DIFF_LINES = 20

#: What a text field other than the main ``text`` is called in the document.
FIELD_NAMES = {"retry": "When an answer does not fit"}


class _Failed(Exception):
    """The command cannot go on: print the message on stderr and exit with ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


# -- the data -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FactText:
    """One string of a fact node as a person sees it: its ``text``, a button's label...

    ``field`` is the node's field as in the translation contexts (``text``, ``button.0``,
    ``option.yes``, ``retry``); ``url`` is where a link button leads.
    """

    field: str
    kind: str
    text: str
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "kind": self.kind, "text": self.text, "url": self.url}


@dataclass(frozen=True, slots=True)
class Fact:
    """A node that states facts, where it is, what it says and what it rests on."""

    flow: str
    node: str
    type: str
    path: str
    line: int
    texts: tuple[FactText, ...]
    sources: tuple[str, ...]
    reviewed: date | None
    #: The day by which it should be checked again (None without a review date).
    due: date | None
    #: Days since the review, as of the review's ``today`` (None without one).
    age_days: int | None = None

    @property
    def past_due(self) -> bool | None:
        """Whether the review is older than allowed (None when no ``today`` was given)."""
        if self.age_days is None or self.due is None or self.reviewed is None:
            return None
        return self.age_days > (self.due - self.reviewed).days

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "node": self.node,
            "type": self.type,
            "path": self.path,
            "line": self.line,
            "texts": [text.to_dict() for text in self.texts],
            "sources": list(self.sources),
            "reviewed": _iso(self.reviewed),
            "due": _iso(self.due),
            "age_days": self.age_days,
            "past_due": self.past_due,
        }


@dataclass(frozen=True, slots=True)
class FlowFacts:
    """One flow and its facts, in the order of its file."""

    id: str
    title: str
    language: str
    path: str
    facts: tuple[Fact, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "path": self.path,
            "facts": [fact.to_dict() for fact in self.facts],
        }


@dataclass(frozen=True, slots=True)
class ContentReview:
    """Every flow's facts; ``today`` (if given) is the day their ages are counted to."""

    flows: tuple[FlowFacts, ...]
    max_review_age: int
    today: date | None = None

    @property
    def facts(self) -> list[Fact]:
        return [fact for flow in self.flows for fact in flow.facts]

    @property
    def oldest(self) -> Fact | None:
        """The fact reviewed longest ago (the first one in file order among equals)."""
        dated = [fact for fact in self.facts if fact.reviewed is not None]
        return min(dated, key=lambda fact: fact.reviewed or date.max, default=None)

    @property
    def past_due(self) -> list[Fact] | None:
        """The facts whose review is past due (None when no ``today`` was given)."""
        if self.today is None:
            return None
        return [fact for fact in self.facts if fact.past_due]

    def to_dict(self) -> dict[str, Any]:
        oldest, past_due = self.oldest, self.past_due
        return {
            "today": _iso(self.today),
            "max_review_age": self.max_review_age,
            "summary": {
                "flows": len(self.flows),
                "flows_with_facts": sum(1 for flow in self.flows if flow.facts),
                "facts": len(self.facts),
                "oldest_review": _iso(oldest.reviewed) if oldest else None,
                "past_due": None if past_due is None else len(past_due),
            },
            "flows": [flow.to_dict() for flow in self.flows],
        }


def collect(
    flows: Sequence[LoadedFlow],
    root: Path,
    max_review_age: int = DEFAULT_REVIEW_AGE_DAYS,
    today: date | None = None,
) -> ContentReview:
    """The facts of ``flows`` (in the given order), paths shown relative to ``root``."""
    return ContentReview(
        tuple(_flow_facts(loaded, root, max_review_age, today) for loaded in flows),
        max_review_age,
        today,
    )


def _flow_facts(
    loaded: LoadedFlow, root: Path, max_review_age: int, today: date | None
) -> FlowFacts:
    flow, path = loaded.flow, _project_path(loaded.path, root)
    facts = tuple(
        Fact(
            flow=flow.id,
            node=node.id,
            type=node.TYPE,
            path=path,
            line=loaded.line(node.id),
            texts=tuple(_texts(node)),
            sources=node.sources,
            reviewed=node.reviewed,
            due=node.reviewed + timedelta(days=max_review_age) if node.reviewed else None,
            age_days=(today - node.reviewed).days if today and node.reviewed else None,
        )
        for node in flow.nodes.values()  # in the order of the file
        if node.sources or node.reviewed is not None
    )
    return FlowFacts(flow.id, flow.title, flow.language, path, facts)


def _texts(node: Node) -> Iterator[FactText]:
    links = getattr(node, "buttons", ())
    for field in node.texts():
        url = None
        head, _, index = field.field.partition(".")
        if head == "button" and index.isdigit() and int(index) < len(links):
            link = links[int(index)]
            url = link.url if isinstance(link, Link) else None
        yield FactText(field.field, field.kind, field.text, url)


def _project_path(shown: str, root: Path) -> str:
    """A flow file's path relative to the project, the same from any working directory."""
    try:
        return Path(shown).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(shown).as_posix()


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# -- Markdown -------------------------------------------------------------------------------

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")
_LIST_MARK = re.compile(r"^(\s*)([-+=])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")


def _escape(text: str) -> str:
    """Plain text (as Telegram shows it) that Markdown shows exactly as it is."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _NUMBERED.sub(r"\1\\\2", _LIST_MARK.sub(r"\1\\\2", text))


def _quote(text: str) -> list[str]:
    """A block quote of ``text``, its line breaks and paragraphs kept."""
    lines = text.split("\n")
    quoted = []
    for index, line in enumerate(lines):
        if not line.strip():
            quoted.append(">")
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        hard_break = "\\" if following.strip() else ""
        quoted.append(f"> {_escape(line)}{hard_break}")
    return quoted


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _days(number: int) -> str:
    return _count(number, "day")


def regenerate_command(review: ContentReview) -> str:
    """The command that makes this document again (its options that change the content)."""
    command = "haven flows facts"
    if review.max_review_age != DEFAULT_REVIEW_AGE_DAYS:
        command += f" --max-review-age {review.max_review_age}"
    if review.today is not None:
        command += f" --today {review.today.isoformat()}"
    return command


def to_markdown(review: ContentReview) -> str:
    """The content review for people: an introduction, a summary, then every flow's facts."""
    command = regenerate_command(review)
    lines = [
        "# Content review",
        "",
        f"<!-- Generated by `{command}`: do not edit by hand. -->",
        "",
        "Every fact that Haven's flows tell people, as a person sees it in the flows' source "
        "language, with the sources it rests on and the date someone last checked it against "
        "them. It is for advocates and reviewers: check the content here, not in the flow files.",
        "",
        "- A fact is a node of a flow that has `sources` (or a `reviewed` date), and only those "
        "nodes are listed: a text without sources is not here, even if it states something. "
        "`haven flows check` makes sure that every node with sources has a review date (E140) "
        "and warns when a review is old (W141); whether a text needs sources is for the people "
        "who write and review the flows to decide.",
        f"- A review is due {_days(review.max_review_age)} after the last one "
        "(`--max-review-age`, as for `haven flows check`).",
        "- To correct a fact, change its flow: each fact names its file and line. The "
        "translations follow the source text (see `docs/flows.md`).",
        f"- This page is generated from the flow files: do not edit it by hand. After changing "
        f"a flow, regenerate it with `{command}`; the same command with `--check` fails "
        "while it is out of date.",
        "",
    ]
    lines += _summary(review)
    for flow in review.flows:
        if flow.facts:
            lines += _flow_section(flow, review)
    return "\n".join(lines).rstrip("\n") + "\n"


def _summary(review: ContentReview) -> list[str]:
    facts, oldest, past_due = review.facts, review.oldest, review.past_due
    with_facts = [flow for flow in review.flows if flow.facts]
    rows = [
        ("Flows", f"{len(review.flows)}, {len(with_facts)} with facts"),
        ("Facts", str(len(facts))),
        (
            "Oldest review",
            f"{oldest.reviewed} (`{oldest.flow}/{oldest.node}`)"
            if oldest and oldest.reviewed
            else "none",
        ),
    ]
    if review.today is not None and past_due is not None:
        rows.append((f"Past due on {review.today}", str(len(past_due))))
    lines = ["## Summary", "", "| | |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    lines.append("")
    if with_facts:
        columns = ["Flow", "File", "Facts", "Oldest review"]
        if review.today is not None:
            columns.append("Past due")
        lines += ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
        for flow in with_facts:
            dates = [fact.reviewed for fact in flow.facts if fact.reviewed]
            cells = [
                f"{_escape(flow.title)} (`{flow.id}`)",
                f"`{flow.path}`",
                str(len(flow.facts)),
                min(dates).isoformat() if dates else "none",
            ]
            if review.today is not None:
                cells.append(str(sum(1 for fact in flow.facts if fact.past_due)))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    without = [flow for flow in review.flows if not flow.facts]
    if without:
        names = ", ".join(f"{_escape(flow.title)} (`{flow.id}`)" for flow in without)
        lines += [f"Flows without facts: {names}.", ""]
    if past_due:
        lines += [f"Past due on {review.today}:", ""]
        lines += [
            f"- `{fact.flow}/{fact.node}`, reviewed {fact.reviewed} "
            f"({_days(fact.age_days or 0)} before)"
            for fact in past_due
        ]
        lines.append("")
    return lines


def _flow_section(flow: FlowFacts, review: ContentReview) -> list[str]:
    count = _count(len(flow.facts), "fact")
    lines = [
        f"## {_escape(flow.title)} (`{flow.id}`)",
        "",
        f"`{flow.path}`, written in `{flow.language}`: {count}.",
        "",
    ]
    for fact in flow.facts:
        lines += _fact_section(fact, review)
    return lines


def _fact_section(fact: Fact, review: ContentReview) -> list[str]:
    where = f"`{fact.path}:{fact.line}` ({fact.type})"
    lines = [f"### `{fact.flow}/{fact.node}`", "", where, ""]
    buttons = [text for text in fact.texts if text.kind == "label"]
    for text in fact.texts:
        if text.kind == "label":
            continue
        if text.field != "text":
            lines += [f"{FIELD_NAMES.get(text.field, text.field)}:", ""]
        lines += [*_quote(text.text), ""]
    if buttons:
        lines += ["Buttons:", ""]
        for button in buttons:
            link = f": <{button.url}>" if button.url else ""
            lines.append(f"- {_escape(button.text)}{link}")
        lines.append("")
    lines += ["Sources:", ""]
    lines += [f"- {_escape(source)}" for source in fact.sources] or ["- none given"]
    lines += ["", _review_line(fact, review), ""]
    return lines


def _review_line(fact: Fact, review: ContentReview) -> str:
    if fact.reviewed is None or fact.due is None:
        return "Reviewed: never."
    line = f"Reviewed: {fact.reviewed}"
    if review.today is not None and fact.age_days is not None:
        if fact.age_days >= 0:
            line += f", {_days(fact.age_days)} before {review.today}"
        else:
            line += f", {_days(-fact.age_days)} after {review.today}"
    line += f". Next review due by {fact.due}."
    if fact.past_due:
        line = f"**Past due.** {line}"
    return line


def to_json(review: ContentReview) -> str:
    """The same data for programs."""
    return json.dumps(review.to_dict(), ensure_ascii=False, indent=2) + "\n"


# -- the command ----------------------------------------------------------------------------


def _positive_days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {value!r}") from None
    if days < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {days}")
    return days


def _reference_date(value: str) -> date:
    if value == "today":
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        hint = "; give FLOWS_DIR before a --today without a date" if "-" not in value else ""
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}{hint}") from None


def add_parser(commands: Any) -> None:
    """Register the ``facts`` subcommand."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "facts",
        help="write the content review: every fact with its sources and review date",
        description="Write every fact the flows state (each node with sources) as a person sees "
        "it\nin the source language, with its flow, node, file:line, sources and review date: "
        "a\nMarkdown document for advocates to review the content without reading YAML.\n\n"
        "The document depends on the flows and the options only, never on the day, so it\n"
        "can be committed; with --today it also gives each review's age and the reviews\n"
        "past due.",
        epilog="examples:\n"
        "  haven flows facts                  write docs/content-review.md\n"
        "  haven flows facts --check          exit 1 if docs/content-review.md is out of date\n"
        "  haven flows facts -o - --today     on stdout, with ages as of today\n"
        "  haven flows facts --format json    the same data as JSON on stdout\n\n"
        "exit codes: 0 written (or up to date), 1 the flows have errors or --check found a "
        "difference, 2 usage error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "flows",
        nargs="?",
        type=Path,
        metavar="FLOWS_DIR",
        help="the flows directory (default: the project's flows/)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help=f"where to write, - for stdout (default: {DEFAULT_OUTPUT.as_posix()} beside "
        "FLOWS_DIR for markdown, stdout for json)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if FILE differs from what would be written",
    )
    parser.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="the document for people, or the same data for programs (default: %(default)s)",
    )
    parser.add_argument(
        "--today",
        nargs="?",
        const="today",
        type=_reference_date,
        metavar="DATE",
        help="count each review's age up to DATE (YYYY-MM-DD; alone: the current date) and "
        "list the reviews past due; without it the output does not depend on the date",
    )
    parser.add_argument(
        "--max-review-age",
        type=_positive_days,
        default=DEFAULT_REVIEW_AGE_DAYS,
        metavar="DAYS",
        help="a review is due this many days after the last one (default: %(default)s, "
        "as for `haven flows check`)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write (or check) the content review; 1 on flow errors or a difference."""
    try:
        flows_dir: Path = args.flows or default_flows_dir()
        output = _output(args.output, args.format, flows_dir, args.check)
        if not flows_dir.is_dir():
            raise _Failed(f"{display_path(flows_dir)}: no such flows directory")
        project = load_project([flows_dir])
        if project.blocking:
            count = len(project.blocking)
            print_blocking(project.blocking, f"Found {count} error(s): fix them first.")
            return 1
        root = flows_dir.parent
        flows = sorted(project.flow_set.flows.values(), key=lambda f: _project_path(f.path, root))
        review = collect(flows, root, args.max_review_age, args.today)
        text = to_json(review) if args.format == "json" else to_markdown(review)
        if args.check and output is not None:
            return _check(text, output, regenerate_command(review))
        _write(text, output)
    except _Failed as failure:
        print(f"{failure}", file=sys.stderr)
        return failure.code
    if output is not None:
        counts = f"{_count(len(review.facts), 'fact')} in {_count(len(review.flows), 'flow')}"
        print(f"wrote {display_path(output)}: {counts}", file=sys.stderr)
    return 0


def _output(given: Path | None, output_format: str, flows_dir: Path, check: bool) -> Path | None:
    """The file to write or check; None for stdout."""
    if given is not None and str(given) == "-":
        if check:
            raise _Failed("--check compares a file: give -o FILE, not -o -", 2)
        return None
    if given is not None:
        return given
    if output_format == "json":
        if check:
            raise _Failed("--check --format json needs -o FILE", 2)
        return None
    return flows_dir.parent / DEFAULT_OUTPUT


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="\n")
    except OSError as error:
        raise _Failed(f"{display_path(output)}: cannot write: {error.strerror}") from None


def _check(text: str, output: Path, command: str) -> int:
    shown = display_path(output)
    try:
        current = output.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _Failed(f"{shown} does not exist: write it with `{command}`") from None
    except (OSError, UnicodeDecodeError) as error:
        raise _Failed(f"{shown}: cannot read: {error}") from None
    if current == text:
        print(f"{shown} is up to date.", file=sys.stderr)
        return 0
    diff = list(
        difflib.unified_diff(
            current.splitlines(), text.splitlines(), shown, "generated", lineterm=""
        )
    )
    for line in diff[:DIFF_LINES]:
        print(line)
    if len(diff) > DIFF_LINES:
        print(f"... ({len(diff) - DIFF_LINES} more lines)")
    print(f"{shown} is out of date: regenerate it with `{command}`.", file=sys.stderr)
    return 1
