"""Turn a live session (inputs and the steps they produced) into a transcript, and write YAML.

``haven flows chat --record FILE`` feeds every engine call to a :class:`Recorder`; the result
expects exactly what was observed, so it passes as recorded and fails when the flow changes.
"""

from __future__ import annotations

from typing import Any

import yaml

from bot.engine import (
    Chose,
    ConversationState,
    LanguageChosen,
    Navigated,
    Step,
    TypedText,
    UserInput,
)

from .model import Action, Choose, Navigate, PickLanguage, Transcript, TranscriptStep, TypeText
from .observation import expectation_from, observe

__all__ = ["Recorder", "action_for", "dump_transcript"]


def action_for(user_input: UserInput, before: ConversationState) -> Action:
    """The transcript action that replays ``user_input`` given to the state ``before``."""
    match user_input:
        case Chose(turn=turn, key=key):
            # The current turn is implied; an older one must be kept to replay a stale press.
            return Choose(key) if turn == before.turn else Choose(key, turn)
        case Navigated(action=action):
            return Navigate(action)
        case LanguageChosen(language=language):
            return PickLanguage(language)
        case TypedText(text=text):
            return TypeText(text)
    raise TypeError(f"not a user input: {user_input!r}")


class Recorder:
    """Collects a session's steps as a :class:`Transcript` of ``flow`` in ``language``.

    Call :meth:`start` with the step of ``Engine.start`` and :meth:`add` with every later input
    and its step; then :attr:`transcript` or :meth:`to_yaml`.

    Args:
        flow: The flow the session started.
        language: The language it started in (the transcript's only language).
        path: How the transcript is named in messages.
        description: Free text written at the top of the file.
    """

    def __init__(
        self, flow: str, language: str, path: str = "<recorded>", description: str | None = None
    ) -> None:
        self.flow = flow
        self.language = language
        self.path = path
        self.description = description
        self._steps: list[TranscriptStep] = []

    def start(self, step: Step) -> None:
        """Record the start of the session (it becomes step 1)."""
        self._steps = []
        self._append(None, step)

    def add(self, user_input: UserInput, before: ConversationState, step: Step) -> None:
        """Record ``user_input`` given to the state ``before`` and the ``step`` it produced."""
        if not self._steps:
            raise RuntimeError("record the start of the session first")
        self._append(action_for(user_input, before), step)

    @property
    def transcript(self) -> Transcript:
        """The session so far as a transcript."""
        return Transcript(
            self.path, self.flow, (self.language,), tuple(self._steps), self.description
        )

    def to_yaml(self) -> str:
        """The session so far as transcript YAML."""
        return dump_transcript(self.transcript)

    def _append(self, action: Action | None, step: Step) -> None:
        seen = observe(step.events, step.state)
        expect = expectation_from(seen, self.flow)
        self._steps.append(TranscriptStep(len(self._steps) + 1, action, expect))


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key, as people write them (PyYAML puts them flush)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def dump_transcript(transcript: Transcript, comment: str | None = None) -> str:
    """``transcript`` as YAML that :func:`~bot.transcripts.loader.parse_transcript` reads back.

    Args:
        transcript: The transcript to write.
        comment: A line written first as a YAML comment.
    """
    data: dict[str, Any] = transcript.to_data()
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=4096,  # a wrapped list of node ids is harder to read than a long line
    )
    return f"# {comment}\n{text}" if comment else text
