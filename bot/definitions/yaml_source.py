"""Read YAML with ``safe_load`` semantics, keeping the line of every value, rejecting duplicates.

PyYAML silently keeps the last of two equal keys and forgets where values came from; maintainers
need both a loud duplicate-key error and "file:line" on every later finding. So we compose the
node graph with the safe loader (the C one when available) and build plain data ourselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["MAX_FILE_BYTES", "YamlDocument", "YamlPath", "YamlSourceError", "read_yaml"]

#: Flow files are hand-written; anything near this size is a mistake (or an attack).
MAX_FILE_BYTES = 2_000_000
#: Values one document may expand to: stops "billion laughs" alias bombs.
MAX_VALUES = 500_000

YamlPath = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_PLAIN_COLLECTIONS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSourceError(Exception):
    """The file is not usable YAML; ``code`` is an issue code (E001-E004), ``line`` 1-based."""

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
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise YamlSourceError("E002", "the file is empty", 1)
        return _Builder(loader).document(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = " ".join(p for p in (error.context, error.problem) if p)
        raise YamlSourceError("E002", f"YAML syntax error: {problem}", line) from None
    except yaml.YAMLError as error:
        raise YamlSourceError("E002", f"YAML error: {error}") from None
    finally:
        loader.dispose()


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
        data = self.value(root, ())
        return YamlDocument(data, self.lines)

    def value(self, node: yaml.Node, path: YamlPath) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise YamlSourceError("E002", f"more than {MAX_VALUES:,} values (an alias bomb?)")
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_COLLECTIONS:
            # Scalars go through the safe constructor, which refuses unknown tags; collections
            # we build ourselves, so refuse tags like !!python/object/apply here.
            raise YamlSourceError(
                "E002", f"unsupported YAML tag {node.tag!r}", node.start_mark.line + 1
            )
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, index)) for index, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag == _STR:
            return node.value  # most scalars are text: skip the constructor's bookkeeping
        return self.loader.construct_object(node, deep=True)

    def mapping(self, node: yaml.MappingNode, path: YamlPath) -> dict[Any, Any]:
        own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
        self.loader.flatten_mapping(node)
        merged = len(node.value) - own  # merged ("<<") pairs come first; own keys override them
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for index, (key_node, value_node) in enumerate(node.value):
            key = self.scalar(key_node)
            if not isinstance(key, str | int | float | bool):
                raise YamlSourceError(
                    "E002", "mapping keys must be plain text", key_node.start_mark.line + 1
                )
            line = key_node.start_mark.line + 1
            if key in first_line and index >= merged and first_line[key] >= 0:
                raise YamlSourceError(
                    "E004", f"duplicate key {key!r} (first at line {first_line[key]})", line
                )
            first_line[key] = line if index >= merged else -1
            child = (*path, key if isinstance(key, str) else str(key))
            self.lines[child] = line
            result[key] = self.value(value_node, child)
        return result
