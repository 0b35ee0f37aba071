"""Replay a transcript through the engine in one language and check every step.

The runner drives :class:`bot.engine.Engine` the way the Telegram adapter does: it stores the
state as JSON after every step and continues from what it reads back, so a transcript also
proves that conversations survive storage. The clock is fixed, so runs are reproducible.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.engine import (
    NAVIGATION_LABELS,
    ChoicesOffered,
    Chose,
    Clock,
    ConversationState,
    Directory,
    Engine,
    Event,
    Flow,
    InputRejected,
    InputRequested,
    LanguageChosen,
    MessageCreated,
    Navigated,
    StateFormatError,
    TicketOpened,
    TypedText,
    UserInput,
)
from bot.i18n.catalogs import Catalogs

from .checks import compare
from .model import Action, Choose, ChooseStale, Navigate, PickLanguage, Transcript, TranscriptStep
from .observation import observe
from .probes import TranscriptCatalogs, TranslationProbe, traced_flows

__all__ = [
    "FIXED_TIME",
    "Failure",
    "StepResult",
    "TranscriptRun",
    "fixed_clock",
    "round_trip",
    "run_transcript",
]

#: The time every transcript runs at: state timestamps are the same on every run.
FIXED_TIME = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    """Always :data:`FIXED_TIME` (the engine's injected clock during transcript runs)."""
    return FIXED_TIME


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a run failed: where (file, line, step), in which language, and what differed.

    ``step`` is None for a problem with the run as a whole (an unknown flow or language).
    """

    path: str
    language: str
    message: str
    line: int = 0
    step: int | None = None
    action: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.step is None:
            return f"{where} [{self.language}]: {self.message}"
        return f"{where}: step {self.step} ({self.action}) [{self.language}]: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """A JSON-compatible dict."""
        return {**dataclasses.asdict(self), "text": str(self)}


@dataclass(frozen=True, slots=True)
class StepResult:
    """One step as run: its events, the state after the JSON round trip, and what failed."""

    step: TranscriptStep
    events: tuple[Event, ...]
    state: ConversationState
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """Whether the step met its expectation."""
        return not self.failures


@dataclass(frozen=True, slots=True)
class TranscriptRun:
    """A transcript run in one language. The run stops at the first failing step.

    ``reached`` holds ``(flow, node)`` of every node the run passed through, for coverage.
    """

    transcript: Transcript
    language: str
    steps: tuple[StepResult, ...]
    failures: tuple[Failure, ...]
    reached: frozenset[tuple[str, str]]

    @property
    def passed(self) -> bool:
        """Whether every step met its expectation."""
        return not self.failures


def round_trip(state: ConversationState) -> tuple[ConversationState, str | None]:
    """``state`` written to JSON and read back, with a message if anything was lost on the way."""
    try:
        restored = ConversationState.from_json(state.to_json())
    except StateFormatError as error:
        return state, f"state cannot be read back from its JSON: {error}"
    if restored == state:
        return restored, None
    changed = [
        f"{f.name} {getattr(state, f.name)!r} -> {getattr(restored, f.name)!r}"
        for f in dataclasses.fields(state)
        if getattr(state, f.name) != getattr(restored, f.name)
    ]
    return restored, f"state changed in its JSON round trip: {'; '.join(changed)}"


def run_transcript(
    transcript: Transcript,
    language: str,
    flows: Mapping[str, Flow],
    catalogs: TranscriptCatalogs | None = None,
    clock: Clock = fixed_clock,
    directory: Directory | None = None,
) -> TranscriptRun:
    """Run ``transcript`` in ``language`` over ``flows`` and check each step.

    In a language other than a flow's own, every text shown must come from a usable
    translation in ``catalogs`` (see :class:`~bot.transcripts.probes.TranslationProbe`).

    Args:
        transcript: The transcript to replay.
        language: The language to start the conversation in.
        flows: The flows by id (a transcript may go through several).
        catalogs: The translations; None means none at all (the source language only).
        clock: The engine's clock; fixed by default.
        directory: The organisations ``organisations`` nodes list (none if not given).

    Returns:
        The run, with a result per step run and the failures (empty when it passed).
    """
    return _Run(transcript, language, flows, catalogs or Catalogs({}), clock, directory).run()


class _Run:
    """The mutable part of one run: the engine, the state, the offers seen so far."""

    def __init__(
        self,
        transcript: Transcript,
        language: str,
        flows: Mapping[str, Flow],
        catalogs: TranscriptCatalogs,
        clock: Clock,
        directory: Directory | None = None,
    ) -> None:
        self.transcript = transcript
        self.language = language
        self.flows = flows
        self.catalogs = catalogs
        self.reached: set[tuple[str, str]] = set()
        self.probe = TranslationProbe(catalogs)
        self.engine = Engine(
            traced_flows(flows, self.reached), self.probe, clock=clock, directory=directory
        )
        self.state: ConversationState | None = None
        # Choice keys offered at each turn, to press an older button in ``choose: stale``.
        self.offered: dict[int, tuple[str, ...]] = {}

    def run(self) -> TranscriptRun:
        problem = self._check_run()
        if problem is not None:
            return self._result([], [Failure(self.transcript.path, self.language, problem)])
        results: list[StepResult] = []
        failures: list[Failure] = []
        for step in self.transcript.steps:
            result = self._step(step)
            results.append(result)
            if not result.passed:
                failures.extend(
                    Failure(
                        self.transcript.path,
                        self.language,
                        message,
                        step.line,
                        step.number,
                        step.describe(),
                    )
                    for message in result.failures
                )
                # Later steps depend on this one: their failures would only be noise.
                break
        return self._result(results, failures)

    def _result(self, steps: list[StepResult], failures: list[Failure]) -> TranscriptRun:
        return TranscriptRun(
            self.transcript, self.language, tuple(steps), tuple(failures), frozenset(self.reached)
        )

    def _check_run(self) -> str | None:
        flow_id = self.transcript.flow
        if flow_id not in self.flows:
            return f"unknown flow {flow_id!r}; flows: {', '.join(sorted(self.flows)) or 'none'}"
        source = self.flows[flow_id].language
        if self.language != source and self.language not in self.catalogs.languages:
            have = ", ".join(self.catalogs.languages) or "none"
            return (
                f"no translations for {self.language!r} (the flow is written in {source!r};"
                f" catalogs exist for: {have})"
            )
        return None

    def _step(self, step: TranscriptStep) -> StepResult:
        before = self.state
        try:
            if step.action is None or before is None:
                done = self.engine.start(self.transcript.flow, self.language)
            else:
                done = self.engine.resume(before, self._input(step.action, before))
        except Exception as error:
            # An engine bug is a failed step with its cause, not a crash of the whole suite.
            message = f"the engine raised {type(error).__name__}: {error}"
            self.probe.take()
            return StepResult(step, (), before or _nowhere(self.language), (message,))
        state, trip_problem = round_trip(done.state)
        self.state = state
        seen = observe(done.events, state)
        self._note_reached(done.events, state)
        # The adapters show navigation buttons with the bot's own labels: check them as well.
        if seen.offer is not None:
            self.offered[seen.offer.turn] = tuple(c.key for c in seen.offer.choices)
            for action in seen.offer.navigation:
                self.probe.ui_text(state.language, NAVIGATION_LABELS[action])
        failures = compare(step.expect, seen, self.transcript.flow)
        failures.extend(self.probe.take())
        if trip_problem:
            failures.append(trip_problem)
        if failures and isinstance(step.action, Choose):
            offered = self.offered.get(before.turn if before else -1)
            if offered is not None and step.action.key not in offered:
                failures.append(
                    f"(the key {step.action.key!r} was not offered: {', '.join(offered)})"
                )
        return StepResult(step, done.events, state, tuple(failures))

    def _input(self, action: Action, state: ConversationState) -> UserInput:
        match action:
            case Choose(key=key, turn=turn):
                return Chose(state.turn if turn is None else turn, key)
            case ChooseStale():
                older = [t for t in self.offered if t < state.turn and self.offered[t]]
                current = self.offered.get(state.turn, ())
                keys = self.offered[max(older)] if older else current
                return Chose(state.turn - 1, keys[0] if keys else "stale")
            case Navigate(action=navigation):
                return Navigated(navigation)
            case PickLanguage(language=language):
                return LanguageChosen(language)
        return TypedText(action.text)

    def _note_reached(self, events: tuple[Event, ...], state: ConversationState) -> None:
        for event in events:
            if isinstance(
                event,
                MessageCreated | ChoicesOffered | InputRequested | InputRejected | TicketOpened,
            ):
                self.reached.add((event.flow, event.node))
        if state.status == "active":
            self.reached.add((state.flow, state.node))


def _nowhere(language: str) -> ConversationState:
    """The state of a run whose start failed: there is none, so an empty one stands in."""
    return ConversationState(root="", flow="", node="", language=language)
