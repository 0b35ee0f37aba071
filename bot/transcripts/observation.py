"""What one engine step was seen to do, in the terms transcripts use: node ids and option keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from bot.engine import (
    ChoicesOffered,
    ConversationState,
    Event,
    InputRejected,
    InputRequested,
    InputStale,
    LanguagePickerRequested,
    MessageCreated,
    NothingToGoBackTo,
    SessionEnded,
    TicketOpened,
    Value,
)

from .model import Expectation, TicketExpectation, node_ref

__all__ = ["Observation", "expectation_from", "observe"]

Offer = ChoicesOffered | InputRequested


@dataclass(frozen=True, slots=True)
class Observation:
    """The events of one step, sorted by what transcripts assert, and the state after it.

    ``waiting`` is ``(flow, node)`` of the question the conversation waits at (None once it
    ended); ``offer`` is the question offered in this step, if any (global navigation such as
    "Talk to a person" leaves the question waiting without offering it again).
    """

    messages: tuple[MessageCreated, ...]
    offer: Offer | None
    waiting: tuple[str, str] | None
    ended: Literal["completed", "handoff"] | None
    tickets: tuple[TicketOpened, ...]
    stale: bool
    rejected: str | None
    nothing_to_go_back: bool
    language_picker: bool
    language: str
    variables: Mapping[str, Value]

    @property
    def shown(self) -> tuple[str, ...]:
        """Every text a user would read: messages, their link buttons and the choice labels."""
        texts: list[str] = []
        for message in self.messages:
            texts.append(message.text)
            texts.extend(button.label for button in message.buttons)
        if self.offer is not None:
            texts.extend(choice.label for choice in self.offer.choices)
        return tuple(texts)

    def says(self, root: str) -> tuple[str, ...]:
        """The node references of the messages, as a transcript started at ``root`` names them."""
        return tuple(node_ref(m.flow, m.node, root) for m in self.messages)


def observe(events: Iterable[Event], state: ConversationState) -> Observation:
    """Sort a step's ``events``; ``state`` is the state the step left (after its JSON trip)."""
    messages: list[MessageCreated] = []
    tickets: list[TicketOpened] = []
    offer: Offer | None = None
    ended: Literal["completed", "handoff"] | None = None
    rejected: str | None = None
    stale = nothing_to_go_back = language_picker = False
    for event in events:
        match event:
            case MessageCreated():
                messages.append(event)
            case ChoicesOffered() | InputRequested():
                offer = event
            case SessionEnded(reason=reason):
                ended = reason
            case TicketOpened():
                tickets.append(event)
            case InputRejected(reason=reason):
                rejected = reason
            case InputStale():
                stale = True
            case NothingToGoBackTo():
                nothing_to_go_back = True
            case LanguagePickerRequested():
                language_picker = True
    waiting = (state.flow, state.node) if state.status == "active" else None
    return Observation(
        messages=tuple(messages),
        offer=offer,
        waiting=waiting,
        ended=ended,
        tickets=tuple(tickets),
        stale=stale,
        rejected=rejected,
        nothing_to_go_back=nothing_to_go_back,
        language_picker=language_picker,
        language=state.language,
        variables=dict(state.variables),
    )


def expectation_from(seen: Observation, root: str) -> Expectation:
    """The expectation that ``seen`` meets exactly, for recording a session as a transcript.

    Texts and variables are left out: texts differ between languages, and variables are what
    the messages and tickets already show.
    """
    ticket = None
    if seen.tickets:
        # The engine opens at most one ticket per step.
        opened = seen.tickets[-1]
        ticket = TicketExpectation(opened.topic, tuple(name for name, _ in opened.variables))
    return Expectation(
        says=seen.says(root),
        offers=node_ref(*seen.waiting, root) if seen.waiting else None,
        ended=seen.ended,
        # A text question offers no quick answers; saying so would only add noise.
        choices=tuple(c.key for c in seen.offer.choices)
        if seen.offer and seen.offer.choices
        else None,
        ticket=ticket,
        stale=seen.stale,
        rejected=seen.rejected or False,
        nothing_to_go_back=seen.nothing_to_go_back,
        language_picker=seen.language_picker,
    )
