"""Read transcript YAML (safe, with lines) into the model; every mistake names its file and line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bot.definitions.loader import discover
from bot.definitions.yaml_source import YamlDocument, YamlPath, YamlSourceError, read_yaml
from bot.engine import NAVIGATION, Value

from .model import (
    STALE,
    Action,
    Choose,
    ChooseStale,
    Expectation,
    Navigate,
    PickLanguage,
    TicketExpectation,
    Transcript,
    TranscriptStep,
    TypeText,
)

__all__ = [
    "TranscriptError",
    "discover_transcripts",
    "load_transcript",
    "parse_transcript",
]

_TOP = ("description", "flow", "languages", "steps")
_ACTIONS = ("choose", "type", "nav", "language")
_EXPECT = (
    "says",
    "offers",
    "ended",
    "choices",
    "ticket",
    "stale",
    "rejected",
    "nothing_to_go_back",
    "language_picker",
    "variables",
    "text",
)
_ENDINGS = ("completed", "handoff")


class TranscriptError(Exception):
    """A transcript file is unusable; ``path:line: message`` says where and why."""

    def __init__(self, path: str, line: int, message: str) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.message = message


def discover_transcripts(paths: Iterable[Path]) -> list[Path]:
    """Transcript files among ``paths``, found as flow files are: *.yaml/*.yml in directories."""
    return discover(paths)


def load_transcript(path: Path, display: str | None = None) -> Transcript:
    """Read and parse a transcript file; ``display`` is the path shown in messages.

    Raises:
        TranscriptError: the file cannot be read or does not follow the format.
    """
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise TranscriptError(shown, 0, f"cannot read: {error.strerror}") from None
    return parse_transcript(raw, shown)


def parse_transcript(source: str | bytes, path: str) -> Transcript:
    """Parse a transcript's content; ``path`` is only used in messages.

    Raises:
        TranscriptError: the content is not YAML or does not follow the format.
    """
    raw = source.encode("utf-8") if isinstance(source, str) else source
    try:
        document = read_yaml(raw)
    except YamlSourceError as error:
        raise TranscriptError(path, error.line, error.message) from None
    return _Parser(document, path).transcript()


class _Parser:
    """Walks the YAML data, raising at the first problem with the line it is on."""

    def __init__(self, document: YamlDocument, path: str) -> None:
        self.document = document
        self.path = path
        # The languages a step's conversation may speak: the transcript's, and any picked with
        # ``language:`` so far. A ``text`` spot check in another language would never be checked.
        self.languages: list[str] = []

    def error(self, where: YamlPath, message: str) -> TranscriptError:
        return TranscriptError(self.path, self.document.line(where), message)

    def mapping(self, value: Any, where: YamlPath, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(where, f"expected a mapping with {', '.join(allowed)}")
        for key in value:
            if key not in allowed:
                expected = ", ".join(allowed)
                raise self.error(
                    (*where, str(key)), f"unknown key {key!r}; expected one of {expected}"
                )
        return value

    def text(self, value: Any, where: YamlPath, what: str) -> str:
        if isinstance(value, str) and value:
            return value
        if isinstance(value, bool | int | float):
            raise self.error(
                where,
                f"{what} must be text, found {value!r}: put it in quotes (YAML reads yes/no as"
                " true/false, and digits as numbers)",
            )
        raise self.error(where, f"{what} must be non-empty text")

    def texts(self, value: Any, where: YamlPath, what: str) -> tuple[str, ...]:
        # One item may be written without brackets: ``says: welcome``.
        if isinstance(value, str):
            return (self.text(value, where, what),)
        if not isinstance(value, list):
            raise self.error(where, f"{what} must be a list of text")
        return tuple(self.text(item, (*where, i), what) for i, item in enumerate(value))

    def flag(self, value: Any, where: YamlPath, what: str) -> bool:
        if not isinstance(value, bool):
            raise self.error(where, f"{what} must be true or false")
        return value

    def values(self, value: Any, where: YamlPath, what: str) -> dict[str, Value]:
        if not isinstance(value, dict):
            raise self.error(where, f"{what} must be a mapping of names to values")
        result: dict[str, Value] = {}
        for name, item in value.items():
            if not isinstance(item, str | int | float | bool):
                message = f"{what}: {name!r} must be text, a number or true/false"
                raise self.error((*where, str(name)), message)
            result[str(name)] = item
        return result

    def transcript(self) -> Transcript:
        data = self.mapping(self.document.data, (), _TOP)
        for key in ("flow", "languages", "steps"):
            if key not in data:
                raise self.error((), f"required key {key!r} is missing")
        flow = self.text(data["flow"], ("flow",), "'flow'")
        languages = self.texts(data["languages"], ("languages",), "'languages'")
        if not languages:
            raise self.error(("languages",), "'languages' must name at least one language")
        if len(set(languages)) != len(languages):
            raise self.error(("languages",), "'languages' names a language twice")
        self.languages = list(languages)
        description = data.get("description")
        if description is not None:
            description = self.text(description, ("description",), "'description'")
        raw_steps = data["steps"]
        if not isinstance(raw_steps, list) or not raw_steps:
            raise self.error(("steps",), "'steps' must be a non-empty list")
        steps = tuple(self.step(raw, index) for index, raw in enumerate(raw_steps))
        return Transcript(self.path, flow, languages, steps, description)

    def step(self, raw: Any, index: int) -> TranscriptStep:
        where: YamlPath = ("steps", index)
        data = self.mapping(raw, where, (*_ACTIONS, "expect"))
        actions = [key for key in _ACTIONS if key in data]
        if index == 0 and actions:
            raise self.error(
                (*where, actions[0]),
                "step 1 is the start of the flow: give it only 'expect', and the first action"
                " as step 2",
            )
        if index > 0 and len(actions) != 1:
            raise self.error(where, f"step {index + 1} needs exactly one of {', '.join(_ACTIONS)}")
        action = (
            self.action(actions[0], data[actions[0]], (*where, actions[0])) if actions else None
        )
        if isinstance(action, PickLanguage) and action.language not in self.languages:
            self.languages.append(action.language)
        expect = Expectation()
        if "expect" in data:
            expect = self.expectation(data["expect"], (*where, "expect"))
        return TranscriptStep(index + 1, action, expect, self.document.line(where))

    def action(self, key: str, value: Any, where: YamlPath) -> Action:
        if key == "type":
            # Unlike ids, typed text may be empty or blank: that is an input worth testing.
            if not isinstance(value, str):
                self.text(value, where, "'type'")
            return TypeText(value)
        if key == "nav":
            action = self.text(value, where, "'nav'")
            if action not in NAVIGATION:
                expected = ", ".join(NAVIGATION)
                raise self.error(
                    where, f"unknown navigation {action!r}; expected one of {expected}"
                )
            return Navigate(action)
        if key == "language":
            return PickLanguage(self.text(value, where, "'language'"))
        if isinstance(value, dict):
            data = self.mapping(value, where, ("key", "turn"))
            if "key" not in data:
                raise self.error(where, "'choose' needs a 'key'")
            turn = data.get("turn")
            if turn is not None and (not isinstance(turn, int) or isinstance(turn, bool)):
                raise self.error((*where, "turn"), "'turn' must be a whole number")
            return Choose(self.text(data["key"], (*where, "key"), "'key'"), turn)
        key_text = self.text(value, where, "'choose'")
        return ChooseStale() if key_text == STALE else Choose(key_text)

    def expectation(self, raw: Any, where: YamlPath) -> Expectation:
        data: Mapping[str, Any] = self.mapping(raw, where, _EXPECT)

        def at(key: str) -> YamlPath:
            return (*where, key)

        says = self.texts(data["says"], at("says"), "'says'") if "says" in data else None
        offers = None
        if "offers" in data:
            # ``offers: [menu]`` reads as well as ``offers: menu``: one question waits at a time.
            value = data["offers"]
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            offers = self.text(value, at("offers"), "'offers' (one node)")
        ended = None
        if "ended" in data:
            ended = self.text(data["ended"], at("ended"), "'ended'")
            if ended not in _ENDINGS:
                raise self.error(at("ended"), f"'ended' must be one of {', '.join(_ENDINGS)}")
        if offers is not None and ended is not None:
            raise self.error(at("ended"), "a step cannot both offer a question and end")
        choices = None
        if "choices" in data:
            choices = self.texts(data["choices"], at("choices"), "'choices'")
        rejected: str | bool = False
        if "rejected" in data:
            value = data["rejected"]
            if isinstance(value, bool):
                rejected = value
            else:
                rejected = self.text(value, at("rejected"), "'rejected'")
        variables = None
        if "variables" in data:
            variables = self.values(data["variables"], at("variables"), "'variables'")
        return Expectation(
            says=says,
            offers=offers,
            ended=ended,  # type: ignore[arg-type]  # checked against _ENDINGS above
            choices=choices,
            ticket=self.ticket(data["ticket"], at("ticket")) if "ticket" in data else None,
            stale=self.flag(data.get("stale", False), at("stale"), "'stale'"),
            rejected=rejected,
            nothing_to_go_back=self.flag(
                data.get("nothing_to_go_back", False),
                at("nothing_to_go_back"),
                "'nothing_to_go_back'",
            ),
            language_picker=self.flag(
                data.get("language_picker", False), at("language_picker"), "'language_picker'"
            ),
            variables=variables,
            text=self.spot_checks(data["text"], at("text")) if "text" in data else {},
        )

    def ticket(self, raw: Any, where: YamlPath) -> TicketExpectation:
        if raw is True:
            return TicketExpectation()
        data = self.mapping(raw, where, ("topic", "shared"))
        topic = self.text(data["topic"], (*where, "topic"), "'topic'") if "topic" in data else None
        shared: tuple[str, ...] | dict[str, Value] | None = None
        if "shared" in data:
            value = data["shared"]
            if isinstance(value, dict):
                shared = self.values(value, (*where, "shared"), "'shared'")
            elif value == []:
                shared = ()
            else:
                shared = self.texts(value, (*where, "shared"), "'shared'")
        return TicketExpectation(topic, shared)

    def spot_checks(self, raw: Any, where: YamlPath) -> dict[str, tuple[str, ...]]:
        if not isinstance(raw, dict) or not raw:
            raise self.error(
                where, "'text' must map languages to text, e.g. {en: Welcome, ru: ...}"
            )
        checks: dict[str, tuple[str, ...]] = {}
        for key, value in raw.items():
            language = str(key)
            if language not in self.languages:
                raise self.error(
                    (*where, language),
                    f"'text.{language}': the conversation never speaks {language!r} here"
                    f" (it speaks {', '.join(self.languages)}): the check would never run",
                )
            checks[language] = self.texts(value, (*where, language), f"'text.{language}'")
        return checks
