"""Compare an :class:`Expectation` with an :class:`Observation`: one message per mismatch."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from bot.engine import TicketOpened, Value

from .model import Expectation, TicketExpectation, node_ref
from .observation import Observation

__all__ = ["compare", "ref_matches"]


def ref_matches(ref: str, flow: str, node: str) -> bool:
    """Whether a node reference (``node`` or ``flow/node``) names ``node`` of ``flow``."""
    wanted_flow, _, wanted_node = ref.rpartition("/")
    return wanted_node == node and (not wanted_flow or wanted_flow == flow)


def compare(expect: Expectation, seen: Observation, root: str) -> list[str]:
    """Every way ``seen`` differs from ``expect``, as ``"<key>: expected ..., got ..."`` lines.

    Args:
        expect: What the transcript's step expects.
        seen: What the step did.
        root: The flow the transcript starts (its nodes are named without the flow).
    """
    return list(_compare(expect, seen, root))


def _compare(expect: Expectation, seen: Observation, root: str) -> Iterator[str]:
    if expect.says is not None:
        actual = [(m.flow, m.node) for m in seen.messages]
        matched = len(actual) == len(expect.says) and all(
            ref_matches(ref, flow, node)
            for ref, (flow, node) in zip(expect.says, actual, strict=True)
        )
        if not matched:
            yield f"says: expected {_list(expect.says)}, got {_list(seen.says(root))}"
    yield from _position(expect, seen, root)
    if expect.choices is not None:
        if seen.offer is None:
            yield f"choices: expected {_list(expect.choices)}, but no question was offered"
        else:
            keys = tuple(choice.key for choice in seen.offer.choices)
            if keys != expect.choices:
                yield f"choices: expected {_list(expect.choices)}, got {_list(keys)}"
    yield from _ticket(expect.ticket, seen.tickets)
    yield from _flag("stale", expect.stale, seen.stale, "a button was taken as stale")
    yield from _flag(
        "nothing_to_go_back",
        expect.nothing_to_go_back,
        seen.nothing_to_go_back,
        "Back was refused (nothing to go back to)",
    )
    yield from _flag(
        "language_picker",
        expect.language_picker,
        seen.language_picker,
        "the language picker was requested",
    )
    yield from _rejected(expect.rejected, seen.rejected)
    if expect.variables is not None:
        yield from _variables(expect.variables, seen.variables)
    texts = expect.text.get(seen.language, ())
    for part in texts:
        if not any(part in shown for shown in seen.shown):
            yield (
                f"text [{seen.language}]: expected {part!r} in what the bot showed:"
                f" {_list(repr(_shorten(s)) for s in seen.shown)}"
            )


def _position(expect: Expectation, seen: Observation, root: str) -> Iterator[str]:
    """``offers`` and ``ended``: where the conversation is after the step."""
    where = node_ref(*seen.waiting, root) if seen.waiting else None
    if expect.offers is not None:
        if seen.waiting is None:
            ending = f"ended ({seen.ended})" if seen.ended else "is over"
            yield f"offers: expected {expect.offers}, but the conversation {ending}"
        elif not ref_matches(expect.offers, *seen.waiting):
            yield f"offers: expected {expect.offers}, got {where}"
    if expect.ended is not None and seen.ended != expect.ended:
        got = f"it waits at {where}" if where else "it did not end in this step"
        yield f"ended: expected {expect.ended}, but {got}"
    if expect.ended is None and expect.offers is None and seen.ended is not None:
        yield f"ended: the conversation ended unexpectedly ({seen.ended})"


def _ticket(expect: TicketExpectation | None, tickets: tuple[TicketOpened, ...]) -> Iterator[str]:
    if expect is None:
        for ticket in tickets:
            yield f"ticket: unexpected handoff (topic {ticket.topic}, from {ticket.node})"
        return
    if not tickets:
        yield "ticket: expected a handoff ticket, but none was opened"
        return
    ticket = tickets[-1]
    if expect.topic is not None and ticket.topic != expect.topic:
        yield f"ticket: expected topic {expect.topic}, got {ticket.topic}"
    shared = expect.shared
    if isinstance(shared, tuple):
        names = tuple(name for name, _ in ticket.variables)
        if names != shared:
            yield f"ticket: expected shared {_list(shared)}, got {_list(names)}"
    elif shared is not None:
        actual = dict(ticket.variables)
        expected = dict(shared)
        same = actual.keys() == expected.keys() and all(
            type(actual[k]) is type(v) and actual[k] == v for k, v in expected.items()
        )
        if not same:
            yield f"ticket: expected shared {expected}, got {actual}"


def _variables(expected: Mapping[str, Value], actual: Mapping[str, Value]) -> Iterator[str]:
    """The variables must be exactly ``expected``: ``{}`` means that none is set."""
    for name, value in expected.items():
        actual_value = actual.get(name)
        # bool is an int in Python: True must not pass for 1.
        if type(actual_value) is not type(value) or actual_value != value:
            shown = "unset" if name not in actual else repr(actual_value)
            yield f"variables: expected {name} = {value!r}, got {shown}"
    for name, value in actual.items():
        if name not in expected:
            yield f"variables: unexpected {name} = {value!r}"


def _flag(key: str, expected: bool, actual: bool, what: str) -> Iterator[str]:
    if expected and not actual:
        yield f"{key}: expected true, but it did not happen"
    elif actual and not expected:
        yield f"{key}: unexpected: {what}"


def _rejected(expected: str | bool, actual: str | None) -> Iterator[str]:
    if expected is False:
        if actual is not None:
            yield f"rejected: the answer was rejected unexpectedly ({actual})"
    elif actual is None:
        wanted = "a rejection" if expected is True else expected
        yield f"rejected: expected {wanted}, but the answer was accepted"
    elif expected is not True and actual != expected:
        yield f"rejected: expected {expected}, got {actual}"


def _shorten(text: str, limit: int = 60) -> str:
    """The start of a long text: enough to recognise it in a failure message."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _list(items: Iterable[str]) -> str:
    return f"[{', '.join(items)}]"
