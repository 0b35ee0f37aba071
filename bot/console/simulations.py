"""The console simulator's conversations: one per console session, in memory, bounded.

A maintainer tries a flow in the console (:mod:`bot.web.console.simulator`) as a person on
Telegram would, over the real engine. Everything a simulation needs lives here, free of the
web: the flows it runs, the conversation, the dialogue as shown and its recording as a
transcript. The web layer reads the flows from disk (I/O, off the event loop) and hands the
:class:`~bot.library.Project` in; it renders what a :class:`Simulation` holds.

* A simulation runs on its **own snapshot** of the flows, loaded from the running bot's flows
  directory at Start and Reload, never on the bot's :class:`~bot.library.FlowLibrary`: trying
  an edit never changes what people on Telegram get. A load with errors that stop the engine
  (:attr:`~bot.library.Project.blocking`) is not installed: the simulation keeps its last good
  flows and says so (:attr:`Simulation.kept_last_good`).
* :class:`Simulations` keys each by the SHA-256 of the console session's token, never the
  token itself, holds at most :data:`CAPACITY` (the least recently used goes first) and drops
  one idle for :data:`IDLE_TIMEOUT`, the console session's own idle limit.
* The recording (:class:`~bot.transcripts.Recorder`, as ``haven flows chat --record``) is
  offered only while it replays green with the transcript runner on the simulation's flows,
  which is checked, not assumed: a jump cannot be replayed from the flow's start, so it ends
  the recording, and a Restart then starts a fresh one.

Nothing here logs: what the maintainer types stays in memory until the simulation is dropped.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar, Final, Literal

from bot.engine import (
    NAVIGATION_LABELS,
    ChoicesOffered,
    Chose,
    ConversationState,
    Engine,
    Event,
    FlowEntered,
    InputRequested,
    InputStale,
    LanguageChosen,
    LanguagePickerRequested,
    LinkButton,
    MessageCreated,
    Navigated,
    NothingToGoBackTo,
    SessionEnded,
    ShowAgain,
    Step,
    TicketOpened,
    TypedText,
    UnknownFlowError,
    UnknownNodeError,
    UserInput,
    Value,
)
from bot.i18n import language_name
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
from bot.library import Project
from bot.transcripts import Recorder, dump_transcript, round_trip, run_transcript

__all__ = [
    "CAPACITY",
    "HISTORY_LIMIT",
    "IDLE_TIMEOUT",
    "RECORDING_LIMIT",
    "BotNotice",
    "BotSaid",
    "Entry",
    "Note",
    "PersonSaid",
    "Simulation",
    "SimulationError",
    "Simulations",
    "flow_languages",
    "session_key",
]

#: At most this many simulations are kept; the least recently used is dropped for a new one.
#: Each holds its own copy of the flows (about a megabyte for the shipped ones), and those who
#: edit flows are a handful of people, so a few more than that is plenty.
CAPACITY: Final = 16
#: A simulation unused for this long is dropped (the console session itself ends then too).
IDLE_TIMEOUT: Final = timedelta(hours=2)
#: The dialogue shown keeps this many entries, the newest.
HISTORY_LIMIT: Final = 200
#: A recording longer than this many steps ends: such a transcript would be no test to read.
RECORDING_LIMIT: Final = 300

#: How many offers' button labels are kept, to show an old page's button as it read.
_LABELS_KEPT = 20

Offer = ChoicesOffered | InputRequested
#: Why there is no transcript to save: a jump, an overlong session, or flows reloaded under it.
Unrecorded = Literal["jumped", "too_long", "reloaded"]


class SimulationError(LookupError):
    """A simulation was asked for a flow, language or node its flows do not have."""


def session_key(token: str) -> str:
    """The key of a console session's simulation: the SHA-256 of its token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def flow_languages(project: Project, flow: str) -> tuple[str, ...]:
    """The languages ``flow`` can be simulated in: its own first, then those with catalogs."""
    source = project.flow_set.flows[flow].flow.language
    return (source, *(code for code in project.catalogs.languages if code != source))


# -- what the dialogue shows -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BotSaid:
    """A flow's message, as the bot sends it: its text, link buttons and fact footer.

    ``footer`` holds the lines under a fact (sources, the review date), in ``language``.
    """

    kind: ClassVar[str] = "bot"
    flow: str
    node: str
    text: str
    language: str
    links: tuple[LinkButton, ...] = ()
    footer: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BotNotice:
    """The bot's own words (its chrome, such as "This menu is out of date"), in ``language``."""

    kind: ClassVar[str] = "notice"
    text: str
    language: str


@dataclass(frozen=True, slots=True)
class PersonSaid:
    """What the simulated person did: a button's label, their text, a navigation, a language."""

    kind: ClassVar[str] = "person"
    text: str
    language: str


@dataclass(frozen=True, slots=True)
class Note:
    """What the simulator itself says about the dialogue, in the console's words.

    ``what`` is one of ``handoff`` (an advocate would be asked: ``topic``, ``shared``),
    ``ended`` (``reason``), ``jumped`` (to ``flow``/``node``), ``reloaded`` (new flows),
    ``error`` (the engine failed on an input: ``reason`` is the exception's type).
    """

    kind: ClassVar[str] = "note"
    what: Literal["handoff", "ended", "jumped", "reloaded", "error"]
    topic: str = ""
    shared: tuple[tuple[str, str], ...] = ()
    reason: str = ""
    flow: str = ""
    node: str = ""


Entry = BotSaid | BotNotice | PersonSaid | Note


# -- one simulation --------------------------------------------------------------------------


class Simulation:
    """One maintainer's simulator: its flows, its conversation (once started), its recording.

    Args:
        project: The flows to run; must have no blocking errors.
        clock: The engine's clock.
        history_limit: How many entries of the dialogue are kept for showing.
    """

    def __init__(
        self,
        project: Project,
        clock: Callable[[], datetime],
        history_limit: int = HISTORY_LIMIT,
    ) -> None:
        self._clock = clock
        self.project = project
        self.engine = self._engine_for(project)
        #: The issues of the latest load, installed or not (shown with the simulator).
        self.issues = tuple(project.issues)
        #: The latest load had blocking errors: the simulation runs its last good flows.
        self.kept_last_good = False
        #: The conversation; None until a flow is started.
        self.state: ConversationState | None = None
        #: The question now waiting (None once the dialogue ended).
        self.offer: Offer | None = None
        #: The person asked to change language: the picker is showing.
        self.picker = False
        #: The dialogue as shown, oldest first, at most ``history_limit`` entries.
        self.entries: deque[Entry] = deque(maxlen=history_limit)
        #: What the web layer could not do, to say once: ``start`` (an unknown flow or
        #: language) or ``jump`` (an unknown node).
        self.problem: Literal["start", "jump"] | None = None
        self._recorder: Recorder | None = None
        self._recorded = 0
        self.unrecorded: Unrecorded | None = None
        self._replayed: tuple[int, int, str | None] | None = None
        # The labels of the buttons offered lately, by turn: an old page's button shows its own.
        self._labels: OrderedDict[int, dict[str, str]] = OrderedDict()

    # -- reading ----------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """Whether a conversation is running (or has ended and can be restarted)."""
        return self.state is not None

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages of the flow the conversation started (the picker's)."""
        if self.state is None or self.state.root not in self.project.flow_set.flows:
            return ()
        return flow_languages(self.project, self.state.root)

    def ui(self, message: str) -> str:
        """The bot's own words in the conversation's language, from the simulation's catalogs."""
        language = self.state.language if self.state is not None else ""
        return self.project.catalogs.ui_text(language, message)

    def navigation_label(self, action: str) -> str:
        """A navigation button's label, as the bot shows it in the conversation's language."""
        return self.ui(NAVIGATION_LABELS[action])

    # -- the conversation -------------------------------------------------------------------

    def start(self, flow: str, language: str) -> None:
        """Start ``flow`` in ``language`` afresh: a new dialogue and a new recording.

        Raises:
            SimulationError: The flows have no such flow, or it cannot be run in ``language``.
        """
        if flow not in self.project.flow_set.flows:
            raise SimulationError(f"no flow {flow!r}")
        if language not in flow_languages(self.project, flow):
            raise SimulationError(f"flow {flow!r} has no language {language!r}")
        step = self.engine.start(flow, language, previous=self.state)
        self.entries.clear()
        self.offer, self.picker = None, False
        self._take(step)
        self._record_afresh(step)

    def send(self, user_input: UserInput) -> None:
        """Give the conversation one input, as a person on Telegram would.

        A Restart whose recording was ended (or would not replay) starts a fresh recording. An
        engine error (a bug in a flow or the engine) is shown as a note and leaves the
        conversation as it was.
        """
        before = self.state
        if before is None:
            return
        said = self._person(user_input)
        try:
            step = self.engine.resume(before, user_input)
        except Exception as error:  # shown to the maintainer, who can carry on from before
            if said is not None:
                self.entries.append(said)
            self.entries.append(Note("error", reason=type(error).__name__))
            return
        if said is not None:
            self.entries.append(said)
        self._take(step)
        restarted = (
            isinstance(user_input, Navigated)
            and user_input.action == "restart"
            and bool(step.events)
            and isinstance(step.events[0], FlowEntered)
        )
        if restarted and self.replay_problem() is not None:
            self._record_afresh(step)
        elif self._recorder is not None:
            self._recorder.add(user_input, before, step)
            self._recorded += 1
            if self._recorded >= RECORDING_LIMIT:
                self._stop_recording("too_long")

    def jump(self, flow: str, node: str) -> None:
        """Continue at ``node`` of ``flow`` (:meth:`bot.engine.Engine.jump`); ends the recording.

        Raises:
            SimulationError: No conversation runs, or the flows have no such node.
        """
        if self.state is None:
            raise SimulationError("no conversation to jump in")
        try:
            step = self.engine.jump(self.state, flow, node)
        except (UnknownFlowError, UnknownNodeError) as error:
            raise SimulationError(f"no node {flow}/{node}") from error
        self.entries.append(Note("jumped", flow=flow, node=node))
        self.offer, self.picker = None, False
        self._take(step)
        self._stop_recording("jumped")

    def reload(self, loaded: Project) -> None:
        """Take newly loaded flows, unless they have blocking errors (then keep the last good).

        The conversation goes on over the new flows: the current question is shown again as
        they now say it (the engine starts again from the top, saying so, where the flows
        changed so much that the conversation is lost, which ends the recording).
        """
        self.issues = tuple(loaded.issues)
        self.kept_last_good = bool(loaded.blocking)
        if self.kept_last_good:
            return
        self.project = loaded
        self.engine = self._engine_for(loaded)
        self._replayed = None
        if self.state is None:
            return
        self.entries.append(Note("reloaded"))
        if self.state.status != "active":
            return
        if self.state.root not in loaded.flow_set.flows:
            # Restart could never work again: the flow this dialogue started is gone.
            self.state, self.offer, self.picker = None, None, False
            self._stop_recording("reloaded")
            return
        before = self.state
        try:
            step = self.engine.resume(before, ShowAgain())
        except Exception as error:
            self.entries.append(Note("error", reason=type(error).__name__))
            return
        self.picker = False
        self._take(step)
        if any(isinstance(event, InputStale) for event in step.events):
            self._stop_recording("reloaded")

    # -- the recording ----------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        """Whether the dialogue is being recorded (since its start or last fresh Restart)."""
        return self._recorder is not None

    def replay_problem(self) -> str | None:
        """Why the recording cannot be saved as a test: None if it replays green.

        The recording is run with the transcript runner on the simulation's flows, as ``haven
        flows test`` would run the saved file; the result is kept until the next step or
        reload.
        """
        recorder = self._recorder
        if recorder is None:
            return self.unrecorded or "not started"
        project_id = id(self.project)
        if self._replayed is not None and self._replayed[:2] == (self._recorded, project_id):
            return self._replayed[2]
        run = run_transcript(
            recorder.transcript,
            recorder.language,
            self.project.flow_set.engine_flows,
            self.project.catalogs,
            directory=self.project.directory,
        )
        problem = None if run.passed else str(run.failures[0])
        self._replayed = (self._recorded, project_id, problem)
        return problem

    def transcript(self) -> tuple[str, str] | None:
        """The recording as transcript YAML and a file name (``<flow>_<language>.yaml``), or
        None when it would not replay green (see :meth:`replay_problem`)."""
        recorder = self._recorder
        if recorder is None or self.replay_problem() is not None:
            return None
        comment = (
            f"Recorded in the console's simulator: flow {recorder.flow}, "
            f"language {recorder.language}"
        )
        return dump_transcript(recorder.transcript, comment=comment), recorder.path

    # -- inside -----------------------------------------------------------------------------

    def _engine_for(self, project: Project) -> Engine:
        return Engine(
            project.flow_set.engine_flows,
            project.catalogs,
            clock=self._clock,
            directory=project.directory,
        )

    def _record_afresh(self, step: Step) -> None:
        state = step.state
        self._recorder = Recorder(state.root, state.language, f"{state.root}_{state.language}.yaml")
        self._recorder.start(step)
        self._recorded = 1
        self.unrecorded = None
        self._replayed = None

    def _stop_recording(self, why: Unrecorded) -> None:
        self._recorder = None
        self._recorded = 0
        self.unrecorded = why
        self._replayed = None

    def _person(self, user_input: UserInput) -> PersonSaid | None:
        """What the person's input looks like in the chat: the label they pressed, or text."""
        state = self.state
        assert state is not None
        language = state.language
        match user_input:
            case Chose(turn=turn, key=key):
                return PersonSaid(self._labels.get(turn, {}).get(key, key), language)
            case TypedText(text=text):
                return PersonSaid(text, language)
            case Navigated(action=action):
                return PersonSaid(self.navigation_label(action), language)
            case LanguageChosen(language=code):
                return PersonSaid(language_name(code), code)
        return None

    def _take(self, step: Step) -> None:
        """Show a step's events; keep its state as the bot would (through JSON)."""
        state, _problem = round_trip(step.state)
        self.state = state
        offered = picker = False
        for entry in self._entries(step.events, state):
            self.entries.append(entry)
        for event in step.events:
            if isinstance(event, ChoicesOffered | InputRequested):
                self.offer, offered = event, True
                self._labels[event.turn] = {c.key: c.label for c in event.choices}
                self._labels.move_to_end(event.turn)
                while len(self._labels) > _LABELS_KEPT:
                    self._labels.popitem(last=False)
            picker |= isinstance(event, LanguagePickerRequested)
        if state.status != "active":
            self.offer, self.picker = None, False
        elif offered or picker:
            self.picker = picker and not offered
        # Otherwise (Talk to a person) the question waits, unchanged, as on Telegram.

    def _entries(self, events: Iterable[Event], state: ConversationState) -> Iterable[Entry]:
        language = state.language
        catalogs = self.project.catalogs

        def ui(message: str) -> str:
            return catalogs.ui_text(language, message)

        for event in events:
            match event:
                case MessageCreated():
                    footer: list[str] = []
                    if event.sources:
                        footer.append(f"{ui(SOURCES)} {' · '.join(event.sources)}")
                        if event.reviewed is not None:
                            day = localized_date(event.reviewed, language)
                            footer.append(ui(REVIEWED_ON).format(date=day))
                    yield BotSaid(
                        event.flow,
                        event.node,
                        event.text,
                        language,
                        event.buttons,
                        tuple(footer),
                    )
                case InputStale():
                    yield BotNotice(ui(STALE_MENU), language)
                case NothingToGoBackTo():
                    yield BotNotice(ui(NOTHING_TO_GO_BACK_TO), language)
                case LanguagePickerRequested():
                    yield BotNotice(ui(CHOOSE_LANGUAGE), language)
                case TicketOpened(topic=topic, variables=variables):
                    yield BotNotice(ui(ADVOCATE_ASKED), language)
                    shared = tuple((name, _value(value)) for name, value in variables)
                    yield Note("handoff", topic=topic, shared=shared)
                case SessionEnded(reason=reason):
                    if reason == "completed":
                        yield BotNotice(ui(CONVERSATION_ENDED), language)
                    yield Note("ended", reason=reason)


def _value(value: Value) -> str:
    """A variable's value as YAML writes it (true, not True)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


# -- the store -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Held:
    simulation: Simulation
    used_at: datetime


class Simulations:
    """Every console session's simulation, in memory (see the module's description).

    Args:
        clock: The current time (timezone-aware); also the engines' clock.
        capacity: At most this many simulations are kept.
        idle_timeout: A simulation unused for this long is dropped.
        history_limit: The entries each simulation's dialogue keeps.
    """

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        capacity: int = CAPACITY,
        idle_timeout: timedelta = IDLE_TIMEOUT,
        history_limit: int = HISTORY_LIMIT,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._clock = clock
        self._capacity = capacity
        self._idle = idle_timeout
        self._history_limit = history_limit
        self._held: OrderedDict[str, _Held] = OrderedDict()

    def __len__(self) -> int:
        return len(self._held)

    def get(self, token: str) -> Simulation | None:
        """The simulation of the console session ``token``, if one is held (it counts as use)."""
        self._expire()
        key = session_key(token)
        held = self._held.get(key)
        if held is None:
            return None
        held.used_at = self._clock()
        self._held.move_to_end(key)
        return held.simulation

    def load(self, token: str, loaded: Project, fallback: Project) -> Simulation:
        """The session's simulation with newly ``loaded`` flows (a Start or a Reload).

        A new simulation runs ``loaded``, or ``fallback`` (the running bot's flows, which are
        always good) when ``loaded`` has blocking errors; an existing one reloads
        (:meth:`Simulation.reload`). Either way the issues shown are ``loaded``'s.
        """
        simulation = self.get(token)
        if simulation is not None:
            simulation.reload(loaded)
            return simulation
        simulation = Simulation(
            fallback if loaded.blocking else loaded, self._clock, self._history_limit
        )
        simulation.issues = tuple(loaded.issues)
        simulation.kept_last_good = bool(loaded.blocking)
        self._expire()
        while len(self._held) >= self._capacity:
            self._held.popitem(last=False)
        self._held[session_key(token)] = _Held(simulation, self._clock())
        return simulation

    def drop(self, token: str) -> None:
        """Forget the session's simulation (sign-out)."""
        self._held.pop(session_key(token), None)

    def _expire(self) -> None:
        cutoff = self._clock() - self._idle
        while self._held:
            key, held = next(iter(self._held.items()))
            if held.used_at > cutoff:
                break  # kept in order of use: the rest are newer
            del self._held[key]
