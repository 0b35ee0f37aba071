"""The engine: ``start`` and ``resume`` take state and input and return a :class:`Step`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.engine.directory import Directory
from bot.engine.events import (
    Event,
    FlowEntered,
    InputStale,
    LanguagePickerRequested,
    NothingToGoBackTo,
    SessionEnded,
    TicketOpened,
)
from bot.engine.flow import Flow
from bot.engine.inputs import Chose, LanguageChosen, Navigated, ShowAgain, TypedText, UserInput
from bot.engine.node import Ask, EnterFlow, Finish, Next, Question, Stay, Transition
from bot.engine.state import Checkpoint, ConversationState, Frame
from bot.engine.translation import SourceText, Translator
from bot.engine.turn import Turn

__all__ = ["Clock", "Engine", "FlowLoopError", "Step", "UnknownFlowError", "UnknownNodeError"]

Clock = Callable[[], datetime]

#: The topic of a ticket opened by global navigation rather than by a ``handoff`` node.
GENERAL_TOPIC = "general"


class UnknownFlowError(LookupError):
    """``start`` was asked for a flow that is not loaded."""


class UnknownNodeError(LookupError):
    """``jump`` was asked for a node that its flow does not have."""


class FlowLoopError(RuntimeError):
    """A step passed through too many nodes without asking anything (validation prevents it)."""


@dataclass(frozen=True, slots=True)
class Step:
    """The result of one engine call: the new state and what happened, in order.

    ``visited`` lists the nodes the step entered, as ``(flow, node)`` in order, those passed
    through without a word (routers, ``goto``) included; a question shown again is not entered
    again. Adapters render ``events``; analytics counts ``visited``.
    """

    state: ConversationState
    events: tuple[Event, ...]
    visited: tuple[tuple[str, str], ...] = ()


class Engine:
    """Runs conversations over a set of flows. Holds no per-conversation data; thread-safe.

    Args:
        flows: the loaded flows by id.
        translator: text lookup for languages other than a flow's source language.
        clock: returns the current time; injected (the engine never reads the system clock) so
            tests and replays are deterministic.
        history_limit: how many past questions Back can return to.
        max_hops: nodes one step may pass through before the flow is declared looping.
        directory: the deployment's organisations, for ``organisations`` nodes (none if not
            given).
    """

    def __init__(
        self,
        flows: Mapping[str, Flow],
        translator: Translator | None = None,
        *,
        clock: Clock,
        history_limit: int = 50,
        max_hops: int = 1000,
        directory: Directory | None = None,
    ) -> None:
        self.flows = flows
        self.directory = directory or Directory()
        self.translator: Translator = translator or SourceText()
        self.clock = clock
        self.history_limit = history_limit
        self.max_hops = max_hops
        self._free_text = frozenset(
            name
            for flow in flows.values()
            for name, variable in flow.variables.items()
            if variable.sensitivity == "free_text"
        )

    def start(self, flow: str, language: str, previous: ConversationState | None = None) -> Step:
        """Begin a new conversation at ``flow``'s start node, in ``language``.

        ``previous`` is the conversation this one replaces in the same chat: its turn count
        goes on, so a button left over from it can never match a question of the new one.
        """
        if flow not in self.flows:
            raise UnknownFlowError(flow)
        now = self.clock().isoformat()
        state = ConversationState(
            root=flow,
            flow=flow,
            node=self.flows[flow].start,
            language=language,
            turn=previous.turn if previous is not None else 0,
            started_at=now,
            updated_at=now,
        )
        return self._begin(Turn(self.flows, self.translator, state, self.directory), flow)

    def resume(self, state: ConversationState, user_input: UserInput) -> Step:
        """Continue ``state`` with what the user did. ``state`` itself is left unchanged."""
        turn = Turn(self.flows, self.translator, state.copy(), self.directory)
        turn.state.updated_at = self.clock().isoformat()
        question = self._current_question(turn.state)
        if question is None:
            # The conversation ended, or its flow changed so much that its node is gone.
            if isinstance(user_input, Navigated) and user_input.action == "language":
                turn.emit(LanguagePickerRequested(turn.state.language))
                return self._step(turn)
            if isinstance(user_input, Navigated) and user_input.action == "human":
                # Asking for a person must work in every state, the end included.
                turn.emit(TicketOpened(turn.state.flow, turn.state.node, GENERAL_TOPIC, ()))
                return self._step(turn)
            if isinstance(user_input, LanguageChosen):
                turn.state.language = user_input.language
            elif turn.state.status == "active" or isinstance(user_input, Chose):
                turn.emit(InputStale())
            return self._restart(turn)

        match user_input:
            case Navigated(turn=asked) if asked is not None and asked != turn.state.turn:
                # A navigation button under an older message (or a second, fast tap of Back).
                return self._stale(turn, question)
            case Navigated(action="back"):
                return self._back(turn, question)
            case Navigated(action="restart"):
                return self._restart(turn)
            case Navigated(action="human"):
                turn.emit(TicketOpened(turn.state.flow, question.id, GENERAL_TOPIC, ()))
                return self._step(turn)
            case Navigated(action="language"):
                turn.emit(LanguagePickerRequested(turn.state.language))
                return self._step(turn)
            case ShowAgain():
                return self._reshow(turn, question)
            case LanguageChosen(language=language):
                turn.state.language = language
                return self._reshow(turn, question)
            case Chose(turn=asked) if (
                asked != turn.state.turn or turn.state.version != turn.flow.version
            ):
                return self._stale(turn, question)
            case Chose() | TypedText():
                turn.state.version = turn.flow.version
                return self._follow(turn, question.answer(turn, user_input), question)
        # An action this engine does not know (forged input): treat it like an old button.
        return self._stale(turn, question)

    def jump(self, state: ConversationState, flow: str, node: str) -> Step:
        """Continue ``state`` at ``node`` of ``flow``, as if the dialogue had led there.

        For trying a flow out (the console's simulator): no person can jump. The language and
        the variables are kept, so a node can be tried with the answers given so far; the turn
        moves on, so buttons offered before the jump are stale. Jumping within the flow the
        conversation is in keeps its ``goto`` return points; jumping into another flow drops
        them, so that flow ending ends the dialogue. Back returns to the question asked before
        the jump. An ended conversation is active again. ``state`` itself is left unchanged.

        Raises:
            UnknownFlowError: ``flow`` is not loaded.
            UnknownNodeError: ``flow`` has no node ``node``.
        """
        if flow not in self.flows:
            raise UnknownFlowError(flow)
        if node not in self.flows[flow].nodes:
            raise UnknownNodeError(f"{flow}/{node}")
        turn = Turn(self.flows, self.translator, state.copy(), self.directory)
        moved = turn.state
        moved.updated_at = self.clock().isoformat()
        if moved.status != "active" or moved.flow != flow:
            moved.stack.clear()
        moved.status = "active"
        moved.flow = flow
        moved.version = self.flows[flow].version
        moved.turn += 1
        return self._run(turn, node)

    def _current_question(self, state: ConversationState) -> Question | None:
        if state.status != "active":
            return None
        flow = self.flows.get(state.flow)
        node = flow.nodes.get(state.node) if flow else None
        return node if isinstance(node, Question) else None

    def _begin(self, turn: Turn, flow: str) -> Step:
        turn.emit(FlowEntered(flow, self.flows[flow].version))
        turn.state.version = self.flows[flow].version
        return self._run(turn, self.flows[flow].start)

    def _restart(self, turn: Turn) -> Step:
        state = turn.state
        if state.root not in self.flows:
            raise UnknownFlowError(state.root)  # the runtime never drops a flow it started
        root = state.flow = state.root
        state.status = "active"
        state.stack.clear()
        state.variables.clear()
        state.history.clear()
        state.started_at = state.updated_at
        return self._begin(turn, root)

    def _back(self, turn: Turn, question: Question) -> Step:
        history = turn.state.history
        if len(history) < 2:
            turn.emit(NothingToGoBackTo())
            return self._reshow(turn, question)
        history.pop()
        previous = history.pop()
        if not self._exists(previous.flow, previous.node):
            return self._lost(turn)
        state = turn.state
        state.flow = previous.flow
        state.version = self.flows[previous.flow].version
        state.stack = list(previous.stack)
        state.variables = dict(previous.variables)
        return self._run(turn, previous.node)

    def _exists(self, flow: str, node: str) -> bool:
        loaded = self.flows.get(flow)
        return loaded is not None and node in loaded.nodes

    def _lost(self, turn: Turn) -> Step:
        """The flows changed under the conversation: say so and start again from the top."""
        if any(isinstance(event, InputStale) for event in turn.events):
            # Already restarted once in this step and still lost: the flows themselves are
            # broken (validation prevents this), and looping would hide it.
            raise FlowLoopError(f"cannot restart: flow {turn.state.root!r} is incomplete")
        turn.emit(InputStale())
        return self._restart(turn)

    def _stale(self, turn: Turn, question: Question) -> Step:
        """Answer an outdated input by asking the current question again, as a new offer.

        The turn moves on, so the buttons that were current until now are stale as well: after
        a flow update, an old-version button is refused however often it is pressed.
        """
        turn.emit(InputStale())
        turn.state.version = turn.flow.version
        turn.state.turn += 1
        return self._reshow(turn, question)

    def _reshow(self, turn: Turn, question: Question) -> Step:
        question.prompt(turn)
        question.offer(turn)
        return self._step(turn)

    def _follow(self, turn: Turn, transition: Transition, question: Question) -> Step:
        if isinstance(transition, Stay):
            question.offer(turn)
            return self._step(turn)
        return self._run(turn, turn.state.node, transition)

    def _run(self, turn: Turn, node_id: str, transition: Transition | None = None) -> Step:
        """Walk from ``node_id`` (or, given ``transition``, from where it leads) to a stop."""
        state = turn.state
        for _ in range(self.max_hops):
            if transition is None:
                if not self._exists(state.flow, node_id):
                    return self._lost(turn)  # a newer flow version removed where we were going
                state.node = node_id
                turn.enter(state.flow, node_id)
                node = turn.flow.nodes[node_id]
                transition = node.enter(turn)
                if isinstance(transition, Ask):
                    assert isinstance(node, Question)
                    self._ask(turn, node)
                    return self._step(turn)
            match transition:
                case Next(node=target):
                    node_id = target
                case EnterFlow(flow=flow, then=then):
                    if flow not in self.flows:
                        return self._lost(turn)
                    if then is not None:
                        state.stack.append(Frame(state.flow, then))
                    state.flow = flow
                    state.version = self.flows[flow].version
                    turn.emit(FlowEntered(flow, state.version))
                    node_id = self.flows[flow].start
                case Finish(reason="completed") if state.stack:
                    frame = state.stack.pop()
                    if frame.flow not in self.flows:
                        return self._lost(turn)
                    state.flow = frame.flow
                    state.version = self.flows[frame.flow].version
                    node_id = frame.node
                case Finish(reason=reason):
                    state.status = "ended"
                    state.stack.clear()
                    # What people typed is kept no longer than the dialogue needs it: a
                    # ticket has already taken what its flow shares. Back needs no history now.
                    for name in self._free_text & state.variables.keys():
                        del state.variables[name]
                    state.history.clear()
                    turn.emit(SessionEnded(reason))
                    return self._step(turn)
                case _:
                    raise TypeError(f"{node_id!r} returned {transition!r} on entry")
            transition = None
        raise FlowLoopError(f"more than {self.max_hops} nodes without a question at {node_id!r}")

    def _ask(self, turn: Turn, question: Question) -> None:
        state = turn.state
        state.turn += 1
        state.history.append(
            Checkpoint(state.flow, question.id, tuple(state.stack), dict(state.variables))
        )
        if len(state.history) > self.history_limit:
            del state.history[0]
        question.prompt(turn)
        question.offer(turn)

    @staticmethod
    def _step(turn: Turn) -> Step:
        return Step(turn.state, tuple(turn.events), tuple(turn.visited))
