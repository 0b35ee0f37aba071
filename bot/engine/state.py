"""Conversation state: a plain dataclass that round-trips through JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.engine.flow import Value

__all__ = ["Checkpoint", "ConversationState", "Frame", "StateFormatError", "Status"]

Status = Literal["active", "ended"]

_FORMAT = 1


class StateFormatError(ValueError):
    """Stored state could not be read back (corrupt, or from an unknown format)."""


@dataclass(frozen=True, slots=True)
class Frame:
    """Where to continue once a flow entered by ``goto`` ends."""

    flow: str
    node: str


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A question as it was asked: enough to go Back to it with the variables as they were."""

    flow: str
    node: str
    stack: tuple[Frame, ...]
    variables: dict[str, Value]


@dataclass(slots=True)
class ConversationState:
    """Everything the engine needs to continue a conversation.

    ``flow``/``node`` is where the conversation waits; ``stack`` the return points of ``goto``;
    ``history`` the questions asked so far (the last is the current one), bounded in length;
    ``turn`` counts questions asked, so answers to an older question can be recognised;
    ``root`` is the flow that Restart goes back to. Timestamps are ISO 8601 strings in UTC.
    """

    root: str
    flow: str
    node: str
    language: str
    version: int = 1
    status: Status = "active"
    turn: int = 0
    stack: list[Frame] = field(default_factory=list)
    variables: dict[str, Value] = field(default_factory=dict)
    history: list[Checkpoint] = field(default_factory=list)
    started_at: str = ""
    updated_at: str = ""

    def copy(self) -> ConversationState:
        """A copy that can be changed without touching this one (checkpoints are immutable)."""
        return ConversationState(
            root=self.root,
            flow=self.flow,
            node=self.node,
            language=self.language,
            version=self.version,
            status=self.status,
            turn=self.turn,
            stack=list(self.stack),
            variables=dict(self.variables),
            history=list(self.history),
            started_at=self.started_at,
            updated_at=self.updated_at,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict; :meth:`from_dict` reads it back."""
        return {
            "format": _FORMAT,
            "root": self.root,
            "flow": self.flow,
            "node": self.node,
            "language": self.language,
            "version": self.version,
            "status": self.status,
            "turn": self.turn,
            "stack": [[f.flow, f.node] for f in self.stack],
            "variables": dict(self.variables),
            "history": [
                {
                    "flow": c.flow,
                    "node": c.node,
                    "stack": [[f.flow, f.node] for f in c.stack],
                    "variables": dict(c.variables),
                }
                for c in self.history
            ],
            "started_at": self.started_at,
            "updated_at": self.updated_at,
        }

    def to_json(self) -> str:
        """Compact JSON, stable key order."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConversationState:
        """Read a dict written by :meth:`to_dict`; raises :class:`StateFormatError` if it isn't."""
        if not isinstance(data, dict) or type(data.get("format")) is not int:
            raise StateFormatError("unknown conversation state format")
        if data["format"] != _FORMAT:
            raise StateFormatError("unknown conversation state format")
        try:
            status = data["status"]
            if status not in ("active", "ended"):
                raise StateFormatError(f"unknown status {status!r}")
            return cls(
                root=str(data["root"]),
                flow=str(data["flow"]),
                node=str(data["node"]),
                language=str(data["language"]),
                version=int(data["version"]),
                status=status,
                turn=int(data["turn"]),
                stack=_frames(data["stack"]),
                variables=_values(data["variables"]),
                history=[
                    Checkpoint(
                        flow=str(c["flow"]),
                        node=str(c["node"]),
                        stack=tuple(_frames(c["stack"])),
                        variables=_values(c["variables"]),
                    )
                    for c in data["history"]
                ],
                started_at=str(data["started_at"]),
                updated_at=str(data["updated_at"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise StateFormatError(f"corrupt conversation state: {error}") from error

    @classmethod
    def from_json(cls, text: str) -> ConversationState:
        """Parse :meth:`to_json` output."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise StateFormatError(f"conversation state is not JSON: {error}") from error
        return cls.from_dict(data)


def _frames(raw: Any) -> list[Frame]:
    if not isinstance(raw, list) or not all(
        isinstance(frame, list) and len(frame) == 2 and all(isinstance(p, str) for p in frame)
        for frame in raw
    ):
        raise StateFormatError("the flow stack must be a list of [flow, node] pairs")
    return [Frame(flow, node) for flow, node in raw]


def _values(raw: Any) -> dict[str, Value]:
    if not isinstance(raw, dict):
        raise StateFormatError("variables must be an object")
    values: dict[str, Value] = {}
    for name, value in raw.items():
        if not isinstance(value, str | int | float | bool):
            raise StateFormatError(f"variable {name!r} has an unsupported value")
        values[str(name)] = value
    return values
