"""``haven flows chat``: talk to a flow in the terminal, as the bot would answer on Telegram.

Like RapidPro's simulator, this runs the real engine over the flow files: messages with their
link buttons and sources, numbered choices, and the global navigation as letters. The state is
stored as JSON between steps, exactly as the bot stores it. Input is read line by line from
standard input, so a session can be piped in (and ``--record`` turns it into a transcript).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.engine import (
    NAVIGATION_LABELS,
    ChoicesOffered,
    Chose,
    ConversationState,
    Directory,
    Engine,
    Event,
    Flow,
    InputRequested,
    InputStale,
    LanguageChosen,
    LanguagePickerRequested,
    MessageCreated,
    Navigated,
    Navigation,
    NothingToGoBackTo,
    SessionEnded,
    Step,
    TicketOpened,
    TypedText,
    UserInput,
    Value,
)
from bot.i18n import Catalogs, language_name
from bot.i18n.chrome import (
    ADVOCATE_ASKED,
    CHOOSE_LANGUAGE,
    CONVERSATION_ENDED,
    NOTHING_TO_GO_BACK_TO,
    REVIEWED_ON,
    SOURCES,
    STALE_MENU,
    localized_date,
)
from bot.transcripts import Recorder, dump_transcript, round_trip

from .project import (
    add_project_options,
    default_flows_dir,
    display_path,
    load_project,
    print_blocking,
)

__all__ = ["NAVIGATION_KEYS", "Chat", "add_parser", "run"]

#: The letter that stands for each navigation action (``q`` quits the chat itself).
NAVIGATION_KEYS: dict[str, Navigation] = {
    "b": "back",
    "r": "restart",
    "h": "human",
    "l": "language",
}
QUIT = ("q", "quit")

# Hints for the person at the terminal, not the bot's words: they are not translated.
INPUT_HINTS = {"text": "(type your answer)", "number": "(type a number)"}


def add_parser(commands: Any) -> None:
    """Register the ``chat`` subcommand."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "chat",
        help="talk to a flow in the terminal",
        description="Talk to a flow through the real engine. Type a number to pick a choice, "
        "anything else to answer in words; b, r, h and l are Back, Restart, Talk to a person "
        "and Change language, q (or Ctrl-D) quits.",
        epilog="examples:\n"
        "  haven flows chat start\n"
        "  haven flows chat start --lang ru --record tests/transcripts/menu_ru.yaml\n"
        "  printf '1\\n2\\n' | haven flows chat situation",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("flow", metavar="FLOW", help="the id of the flow to start")
    parser.add_argument(
        "--lang", metavar="LANG", help="the language to talk in (default: the flow's own)"
    )
    parser.add_argument(
        "--record",
        type=Path,
        metavar="FILE",
        help="write the session as a transcript YAML when the chat ends",
    )
    add_project_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Hold the dialogue until the user quits; 0 then, 1 if the flows cannot run."""
    project = load_project([args.flows or default_flows_dir()], args.locales)
    if project.blocking:
        print_blocking(project.blocking)
        return 1
    flows = project.flow_set.engine_flows
    if args.flow not in flows:
        known = ", ".join(sorted(flows)) or "none"
        print(f"unknown flow {args.flow!r}; flows: {known}", file=sys.stderr)
        return 1
    catalogs = project.catalogs
    languages = _languages(flows[args.flow], catalogs)
    language = args.lang or flows[args.flow].language
    if language not in languages:
        print(
            f"no translations for {language!r}; languages: {', '.join(languages)}", file=sys.stderr
        )
        return 1
    recorder = None
    if args.record is not None:
        recorder = Recorder(args.flow, language, display_path(args.record))
    chat = Chat(
        flows, catalogs, args.flow, language, recorder=recorder, directory=project.directory
    )
    code = 0
    try:
        chat.run()
    finally:
        # Also after Ctrl-C (which main() then reports): what was said so far is worth keeping.
        if recorder is not None and chat.started:
            command = f"haven flows chat {args.flow} --lang {language}"
            code = _write_record(recorder, args.record, command)
    return code


def _write_record(recorder: Recorder, path: Path, command: str) -> int:
    """Write the recorded transcript; 1 if the file cannot be written."""
    text = dump_transcript(recorder.transcript, comment=f"Recorded with: {command}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"cannot write {path}: {error.strerror}", file=sys.stderr)
        return 1
    print(f"Transcript written to {display_path(path)}.")
    return 0


def _languages(flow: Flow, catalogs: Catalogs) -> tuple[str, ...]:
    """The flow's own language first, then the languages with catalogs."""
    return (flow.language, *(code for code in catalogs.languages if code != flow.language))


class Chat:
    """One terminal dialogue with a flow.

    Args:
        flows: The flows by id.
        catalogs: The translations (also for the bot's own words around the flow).
        flow: The flow to start.
        language: The language to start in.
        recorder: Records every step, for ``--record``.
        read: Returns the next line without its newline; raises EOFError at the end.
        out: Where the dialogue is written.
        color: Dim the secondary lines with ANSI codes (default: when ``out`` is a terminal
            and ``NO_COLOR`` is not set).
        directory: The organisations that ``organisations`` nodes list.
    """

    def __init__(
        self,
        flows: Mapping[str, Flow],
        catalogs: Catalogs,
        flow: str,
        language: str,
        *,
        recorder: Recorder | None = None,
        read: Callable[[], str] | None = None,
        out: TextIO | None = None,
        color: bool | None = None,
        directory: Directory | None = None,
    ) -> None:
        # The terminal is an adapter: it may read the wall clock that the engine never does.
        self.engine = Engine(flows, catalogs, clock=lambda: datetime.now(UTC), directory=directory)
        self.catalogs = catalogs
        self.flow = flow
        self.languages = _languages(flows[flow], catalogs)
        self.recorder = recorder
        self.out = out or sys.stdout
        self._read = read or self._read_stdin
        # At a terminal, input() gives line editing and echoes; piped input is echoed by us, so
        # that the output reads as a dialogue.
        self._terminal = read is None and out is None and sys.stdin.isatty()
        if color is None:
            color = self.out.isatty() and not os.environ.get("NO_COLOR")
        self.color = color
        self.state = ConversationState(root=flow, flow=flow, node="", language=language)
        self.offer: ChoicesOffered | InputRequested | None = None
        self.started = False

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> None:
        """Start the flow and answer until the user quits or input ends."""
        step = self.engine.start(self.flow, self.state.language)
        self.started = True
        if self.recorder is not None:
            self.recorder.start(step)
        picker = self._show(step)
        while True:
            if picker:
                user_input = self._pick_language()
            else:
                line = self._line()
                if line is None or line.strip().casefold() in QUIT:
                    return
                user_input = self._parse(line.strip())
            if user_input is None:
                if picker:
                    return  # quit from the language picker
                continue
            picker = self._send(user_input)

    def _send(self, user_input: UserInput) -> bool:
        """Give the engine one input and show the step; True if it asks for the language picker."""
        before = self.state
        try:
            step = self.engine.resume(before, user_input)
        except Exception as error:
            # A bug in the engine or a flow: show it and let the user carry on from before it.
            self._print(self._dim(f"[engine error: {type(error).__name__}: {error}]"))
            return False
        if self.recorder is not None:
            self.recorder.add(user_input, before, step)
        return self._show(step)

    def _line(self) -> str | None:
        """The next line typed, or None at the end of input (Ctrl-D)."""
        try:
            if self._terminal:
                return input("> ")
            self.out.write("> ")
            self.out.flush()
            line = self._read()
        except EOFError:
            self._print("")
            return None
        self._print(line)
        return line

    @staticmethod
    def _read_stdin() -> str:
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\r\n")

    def _parse(self, line: str) -> UserInput | None:
        """A number picks a choice, a letter or label navigates, anything else is text."""
        if not line:
            return None  # Telegram cannot send an empty message either
        folded = line.casefold()
        if folded in NAVIGATION_KEYS:
            return Navigated(NAVIGATION_KEYS[folded])
        for action in NAVIGATION_KEYS.values():
            label = NAVIGATION_LABELS[action]
            if folded in (action, label.casefold(), self._ui(label).casefold()):
                return Navigated(action)
        offer = self.offer
        if offer is not None and offer.choices and line.isdecimal():
            number = int(line)
            if 1 <= number <= len(offer.choices):
                return Chose(self.state.turn, offer.choices[number - 1].key)
        return TypedText(line)

    def _pick_language(self) -> UserInput | None:
        """Show the language picker until a language is picked; None if the user quits."""
        while True:
            self._print(self._ui(CHOOSE_LANGUAGE))
            for number, code in enumerate(self.languages, start=1):
                self._print(f"  {number}) {language_name(code)} ({code})")
            line = self._line()
            if line is None or line.strip().casefold() in QUIT:
                return None
            picked = line.strip()
            if picked.isdecimal() and 1 <= int(picked) <= len(self.languages):
                return LanguageChosen(self.languages[int(picked) - 1])
            if picked in self.languages:
                return LanguageChosen(picked)

    # -- rendering --------------------------------------------------------------------------

    def _show(self, step: Step) -> bool:
        """Print a step's events; store its state as the bot would (through JSON)."""
        self.state, _ = round_trip(step.state)
        offered = False
        picker = False
        for event in step.events:
            offered |= isinstance(event, ChoicesOffered | InputRequested)
            picker |= isinstance(event, LanguagePickerRequested)
            self._event(event)
        if self.state.status != "active":
            self.offer = None
        elif not offered and not picker and self.offer is not None:
            # Talk to a person keeps the question waiting without asking it again.
            self._offer(self.offer)
        return picker

    def _event(self, event: Event) -> None:
        match event:
            case MessageCreated():
                self._message(event)
            case ChoicesOffered() | InputRequested():
                self.offer = event
                self._offer(event)
            case InputStale():
                self._print(self._ui(STALE_MENU))
            case NothingToGoBackTo():
                self._print(self._ui(NOTHING_TO_GO_BACK_TO))
            # What the bot says in its own words, then (in brackets) what the engine did.
            case TicketOpened(topic=topic, variables=variables):
                self._print(self._ui(ADVOCATE_ASKED))
                shared = ", ".join(f"{name}={_value(value)}" for name, value in variables)
                self._print(f"[handoff → {topic}, shared: {shared or 'nothing'}]")
            case SessionEnded(reason=reason):
                if reason == "completed":
                    self._print(self._ui(CONVERSATION_ENDED))
                self._print(f"[conversation ended: {reason}]")
                restart = self._ui(NAVIGATION_LABELS["restart"])
                self._print(f"  r) {restart}  q) Quit")

    def _message(self, message: MessageCreated) -> None:
        self._print("")
        self._print(message.text)
        for button in message.buttons:
            self._print(f"  [{button.label}] {button.url}")
        if message.sources:
            footer = f"{self._ui(SOURCES)} {' | '.join(message.sources)}"
            if message.reviewed is not None:
                day = localized_date(message.reviewed, self.state.language)
                footer += f" · {self._ui(REVIEWED_ON).format(date=day)}"
            self._print(self._dim(f"  {footer}"))

    def _offer(self, offer: ChoicesOffered | InputRequested) -> None:
        for number, choice in enumerate(offer.choices, start=1):
            self._print(f"  {number}) {choice.label}")
        if isinstance(offer, InputRequested) and offer.kind in INPUT_HINTS:
            self._print(self._dim(f"  {INPUT_HINTS[offer.kind]}"))
        letters = {action: key for key, action in NAVIGATION_KEYS.items()}
        navigation = [f"{letters[a]}) {self._ui(NAVIGATION_LABELS[a])}" for a in offer.navigation]
        self._print(self._dim("  " + "  ".join([*navigation, "q) Quit"])))

    def _ui(self, message: str) -> str:
        return self.catalogs.ui_text(self.state.language, message)

    def _dim(self, text: str) -> str:
        return f"\x1b[2m{text}\x1b[0m" if self.color else text

    def _print(self, text: str) -> None:
        self.out.write(f"{text}\n")


def _value(value: Value) -> str:
    """A variable's value as YAML writes it (true, not True)."""
    return str(value).lower() if isinstance(value, bool) else str(value)
