"""Read YAML with ``safe_load`` semantics, keeping the line of every value, rejecting duplicates.

PyYAML silently keeps the last of two equal keys and forgets where values came from; maintainers
need both a loud duplicate-key error and "file:line" on every later finding. So we compose the
node graph with the safe loader (the C one when available) and build plain data ourselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "YamlDocument",
    "YamlPath",
    "YamlSourceError",
    "read_yaml",
]

#: Flow files are hand-written; anything near this size is a mistake (or an attack).
MAX_FILE_BYTES = 2_000_000
#: Values one document may expand to: stops "billion laughs" alias bombs.
MAX_VALUES = 500_000
#: How deeply lists and mappings may nest: flows need a handful of levels, and building the data
#: recurses, so a deeper (or self-referencing) document must fail as an error, not a crash.
MAX_DEPTH = 100

YamlPath = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_TAG_PREFIX = "tag:yaml.org,2002:"
_PLAIN_COLLECTIONS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")

# What YAML reads as a date (a timestamp) even when there is no such day.
_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSourceError(Exception):
    """The file is not usable YAML; ``code`` is an issue code (E001-E004, E012), ``line`` 1-based.

    E012 is a value YAML reads but cannot be: ``2026-02-30`` has the form of a date, no day.
    """

    def __init__(self, code: str, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Plain data (dicts, lists, scalars) and the 1-based line of every path in it."""

    data: Any
    lines: dict[YamlPath, int]

    def line(self, path: YamlPath) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def read_yaml(raw: bytes, max_bytes: int = MAX_FILE_BYTES) -> YamlDocument:
    """Parse one YAML document from ``raw`` bytes; raise :class:`YamlSourceError` if unusable."""
    if len(raw) > max_bytes:
        raise YamlSourceError(
            "E001", f"file is {len(raw):,} bytes; flow files are limited to {max_bytes:,}"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlSourceError(
            "E001", f"not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded", line
        ) from None
    text = text.removeprefix("\ufeff")
    _reject_tabs(text)
    loader: yaml.SafeLoader | None = None
    try:
        loader = _Loader(text)  # the pure-Python loader checks the characters here
        root = loader.get_single_node()
        if root is None:
            raise YamlSourceError("E002", "the file is empty", 1)
        return _Builder(loader).document(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = " ".join(p for p in (error.context, error.problem) if p)
        raise YamlSourceError("E002", f"YAML syntax error: {problem}", line) from None
    except yaml.reader.ReaderError as error:
        raise YamlSourceError(
            "E002",
            f"YAML error: {error.reason}: character #x{error.character:04x}",
            _position_line(text, error.position),
        ) from None
    except yaml.YAMLError as error:
        raise YamlSourceError("E002", f"YAML error: {error}", 1) from None
    finally:
        if loader is not None:
            loader.dispose()


def _position_line(text: str, position: int) -> int:
    """The 1-based line of a reader's ``position``: bytes of UTF-8 for libyaml, else characters."""
    if _Loader is yaml.SafeLoader:
        return text[:position].count("\n") + 1
    return text.encode("utf-8")[:position].count(b"\n") + 1


def _reject_tabs(text: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise YamlSourceError(
                "E003", "tab character in indentation: indent with spaces", number
            )


class _Builder:
    """Turns composed YAML nodes into plain data, recording lines and refusing duplicate keys."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.lines: dict[YamlPath, int] = {}
        self.budget = MAX_VALUES

    def document(self, root: yaml.Node) -> YamlDocument:
        data = self.value(root, (), 0)
        return YamlDocument(data, self.lines)

    def value(self, node: yaml.Node, path: YamlPath, depth: int) -> Any:
        line = node.start_mark.line + 1
        self.budget -= 1
        if self.budget < 0:
            raise YamlSourceError("E002", f"more than {MAX_VALUES:,} values (an alias bomb?)", line)
        if depth > MAX_DEPTH:
            raise YamlSourceError(
                "E002",
                f"lists and mappings nested more than {MAX_DEPTH} levels deep"
                " (or an alias that contains itself)",
                line,
            )
        self.lines.setdefault(path, line)
        if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_COLLECTIONS:
            # Scalars go through the safe constructor, which refuses unknown tags; collections
            # we build ourselves, so refuse tags like !!python/object/apply here.
            raise YamlSourceError("E002", f"unsupported YAML tag {node.tag!r}", line)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [
                self.value(item, (*path, index), depth + 1) for index, item in enumerate(node.value)
            ]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag == _STR:
            return node.value  # most scalars are text: skip the constructor's bookkeeping
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, KeyError, TypeError, OverflowError, AttributeError):
            # The safe constructor's converters fail with bare errors: int("abc"), an unknown
            # boolean word, a date with no such day. Give them the file's line instead.
            line = node.start_mark.line + 1
            if node.tag == _TIMESTAMP and _DATE_FORM.match(str(node.value)):
                raise YamlSourceError("E012", f"{node.value} is not a valid date", line) from None
            kind = str(node.tag).removeprefix(_TAG_PREFIX)
            raise YamlSourceError("E002", f"{node.value!r} is not a valid {kind}", line) from None

    def mapping(self, node: yaml.MappingNode, path: YamlPath, depth: int) -> dict[Any, Any]:
        own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
        self.loader.flatten_mapping(node)
        merged = len(node.value) - own  # merged ("<<") pairs come first; own keys override them
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for index, (key_node, value_node) in enumerate(node.value):
            line = key_node.start_mark.line + 1
            # A list or mapping as a key would be built by PyYAML's own (recursive) constructor.
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int | float | bool):
                raise YamlSourceError("E002", "mapping keys must be plain text", line)
            if key in first_line and index >= merged and first_line[key] >= 0:
                raise YamlSourceError(
                    "E004", f"duplicate key {key!r} (first at line {first_line[key]})", line
                )
            first_line[key] = line if index >= merged else -1
            child = (*path, key if isinstance(key, str) else str(key))
            self.lines[child] = line
            result[key] = self.value(value_node, child, depth + 1)
        return result
