"""Builders and fakes for the engine tests.

Flows are built from the engine's own dataclasses, never from YAML, so these tests exercise
``bot.engine`` alone. :class:`Conversation` drives an engine the way the adapters do and stores the
state through JSON after every step, so every test that talks to the engine also checks that the
state survives a trip through storage.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.engine import (
    ChoicesOffered,
    Chose,
    ConversationState,
    Engine,
    Equals,
    Event,
    Flow,
    InputRequested,
    IsSet,
    MessageCreated,
    Navigated,
    Node,
    Step,
    TypedText,
    UserInput,
)
from bot.engine.nodes import (
    Choice,
    End,
    Goto,
    Handoff,
    Input,
    Link,
    Message,
    Option,
    Route,
    Router,
    Validation,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    """Starts at :data:`T0` and moves one minute forward on every call."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start
        self.calls = 0

    def __call__(self) -> datetime:
        current = self.now
        self.now += timedelta(minutes=1)
        self.calls += 1
        return current


class PrefixTranslator:
    """Translates by prefixing ``[<language>] ``; English UI text stays as it is.

    Records every flow-text context it was asked for, to check msgctxt keys.
    """

    def __init__(self) -> None:
        self.contexts: list[str] = []

    def flow_text(self, language: str, context: str, source: str) -> str:
        self.contexts.append(context)
        return f"[{language}] {source}"

    def ui_text(self, language: str, message: str) -> str:
        return message if language == "en" else f"[{language}] {message}"


def make_flow(
    *nodes: Node,
    id: str = "main",
    start: str | None = None,
    version: int = 1,
    language: str = "en",
) -> Flow:
    """A flow of ``nodes``; it starts at the first node unless ``start`` is given."""
    return Flow(
        id=id,
        title=id.title(),
        start=start or nodes[0].id,
        nodes={node.id: node for node in nodes},
        version=version,
        language=language,
    )


def ask(node_id: str, *options: tuple[str, str] | Option, text: str | None = None) -> Choice:
    """A choice node; an option given as ``(id, next)`` is labelled with its id in title case."""
    built = tuple(
        option if isinstance(option, Option) else Option(option[0], option[0].title(), option[1])
        for option in options
    )
    return Choice(id=node_id, text=text or f"{node_id}?", options=built)


def chain(length: int, *, id: str = "main") -> Flow:
    """``q1 -> q2 -> ... -> q<length> -> done``; each question's only option is ``ok``."""
    nodes: list[Node] = [
        ask(f"q{i}", ("ok", f"q{i + 1}" if i < length else "done")) for i in range(1, length + 1)
    ]
    nodes.append(End(id="done"))
    return make_flow(*nodes, id=id)


def sample_flows() -> dict[str, Flow]:
    """A small but complete dialogue using every node type, over two flows."""
    main = make_flow(
        Message(
            id="intro",
            text="Welcome.",
            buttons=(Link("Read the guide", "https://example.org/guide"),),
            next="where",
        ),
        Choice(
            id="where",
            text="Where are you now?",
            options=(
                Option("russia", "In Russia", "service", {"location": "russia"}),
                Option("abroad", "Outside Russia", "days", {"location": "abroad"}),
            ),
        ),
        Input(
            id="service",
            kind="yes_no",
            text="Are you in service?",
            variable="in_service",
            next="route",
        ),
        Input(
            id="days",
            kind="number",
            text="How many days have you been there?",
            variable="days",
            validation=Validation(min=0, max=3650),
            retry="Please write a number of days, for example 30.",
            max_length=10,
            next="route",
        ),
        Router(
            id="route",
            routes=(
                Route(Equals("in_service", True), "urgent"),
                Route(IsSet("days"), "asylum"),
            ),
            default="menu",
        ),
        Handoff(
            id="urgent",
            topic="urgent",
            text="An advocate will write to you here.",
            share=("location", "in_service", "city"),
        ),
        Goto(id="asylum", flow="asylum", next="menu"),
        Choice(
            id="menu",
            text="What next?",
            options=(
                Option("learn", "Learn about asylum", "asylum"),
                Option("city", "Tell us your city", "city"),
                Option("advocate", "Talk to an advocate", "advocate"),
                Option("done", "That's all", "done"),
            ),
        ),
        Input(
            id="city",
            text="Which city are you in?",
            variable="city",
            max_length=40,
            validation=Validation(pattern=r"[^\d]+"),
            next="menu",
        ),
        Handoff(id="advocate", topic="asylum", share=("location", "days", "helped")),
        End(id="done", text="Take care."),
    )
    asylum = make_flow(
        Message(id="explain", text="Asylum is asked for on the territory.", next="helped"),
        Choice(
            id="helped",
            text="Did that help?",
            options=(
                Option("yes", "Yes", "fin", {"helped": True}),
                Option("no", "No", "fin", {"helped": False}),
            ),
        ),
        End(id="fin"),
        id="asylum",
    )
    return {"main": main, "asylum": asylum}


def roundtrip(state: ConversationState) -> ConversationState:
    """Store ``state`` as JSON and read it back, checking nothing was lost."""
    restored = ConversationState.from_json(state.to_json())
    assert restored.to_dict() == state.to_dict()
    assert restored == state
    return restored


class Conversation:
    """Talks to an engine like an adapter: JSON round trip after each step, no mutation allowed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.state: ConversationState | None = None
        self.events: tuple[Event, ...] = ()
        self.steps: list[Step] = []

    def start(self, flow: str = "main", language: str = "en") -> tuple[Event, ...]:
        return self._take(self.engine.start(flow, language))

    def send(self, user_input: UserInput) -> tuple[Event, ...]:
        assert self.state is not None, "start the conversation first"
        before = copy.deepcopy(self.state)
        step = self.engine.resume(self.state, user_input)
        assert self.state == before, "resume changed the state it was given"
        assert step.state is not self.state
        return self._take(step)

    def choose(self, key: str) -> tuple[Event, ...]:
        """Press the button ``key`` of the question now asked."""
        return self.send(Chose(self.current.turn, key))

    def type(self, text: str) -> tuple[Event, ...]:
        return self.send(TypedText(text))

    def nav(self, action: Any) -> tuple[Event, ...]:
        return self.send(Navigated(action))

    def _take(self, step: Step) -> tuple[Event, ...]:
        assert step.events, "every step emits at least one event"
        self.steps.append(step)
        self.state = roundtrip(step.state)
        self.events = step.events
        return step.events

    @property
    def current(self) -> ConversationState:
        assert self.state is not None
        return self.state

    @property
    def where(self) -> tuple[str, str]:
        return self.current.flow, self.current.node

    @property
    def offer(self) -> ChoicesOffered | InputRequested:
        """The last question offered in the latest step."""
        offers = [e for e in self.events if isinstance(e, ChoicesOffered | InputRequested)]
        assert offers, f"no question offered in {self.events!r}"
        return offers[-1]

    @property
    def texts(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, MessageCreated)]

    @property
    def kinds(self) -> list[str]:
        return [type(e).__name__ for e in self.events]

    @property
    def labels(self) -> list[str]:
        return [choice.label for choice in self.offer.choices]

    def of(self, kind: type[Any]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


class Builders:
    """The builders above, for tests (via the ``build`` fixture: tests never import conftest)."""

    flow = staticmethod(make_flow)
    ask = staticmethod(ask)
    chain = staticmethod(chain)
    sample = staticmethod(sample_flows)
    roundtrip = staticmethod(roundtrip)
    Clock = FakeClock
    Translator = PrefixTranslator
    Conversation = Conversation


Talk = Callable[..., Conversation]


@pytest.fixture(scope="session")
def build() -> Builders:
    """Flow builders and fakes; pure, so shared by every test (and every Hypothesis example)."""
    return Builders()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def translator() -> PrefixTranslator:
    return PrefixTranslator()


@pytest.fixture
def talk(clock: FakeClock, translator: PrefixTranslator) -> Iterator[Talk]:
    """``talk(*flows, **engine_options)``: a :class:`Conversation` over a fresh engine."""

    def build(*flows: Flow, **options: Any) -> Conversation:
        options.setdefault("translator", translator)
        options.setdefault("clock", clock)
        return Conversation(Engine({flow.id: flow for flow in flows}, **options))

    yield build


@pytest.fixture
def sample(talk: Talk) -> Conversation:
    """A conversation over :func:`sample_flows`, not yet started."""
    return talk(*sample_flows().values())
