"""Build the engine's flow model from plain YAML data, reporting every schema problem found.

The node classes are the schema: their dataclass fields and type hints say what a node of each
type takes, so a new node type needs no change here.
"""

from __future__ import annotations

import dataclasses
import math
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, dataclass
from datetime import date, datetime
from typing import Any, Literal, get_args, get_origin, get_type_hints

from bot.engine import NODE_TYPES, SENSITIVITIES, VARIABLE_TYPES, Flow, Node, Variable
from bot.engine import conditions as cond
from bot.engine.conditions import Condition
from bot.engine.flow import Value

from .yaml_source import YamlPath

__all__ = ["ID_PATTERN", "BuildProblem", "build_flow"]

#: Flow, node, option and variable ids: short (they travel in 64-byte callback data), ASCII.
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,31}")

_FLOW_FIELDS = ("id", "title", "language", "version", "start", "variables", "nodes")
_VARIABLE_FIELDS = ("type", "sensitivity", "values")
_CONDITIONS = ("equals", "in", "set", "not", "all", "any")
_VALUE_TYPES = (str, int, float, bool)


@dataclass(frozen=True, slots=True)
class BuildProblem:
    """A schema problem at a YAML path; the loader turns it into an :class:`Issue` with a line."""

    code: str
    message: str
    path: YamlPath
    node: str | None = None


class _Invalid(Exception):
    def __init__(self, code: str, message: str, path: YamlPath) -> None:
        super().__init__(message)
        self.problem = BuildProblem(code, message, path)


def build_flow(data: Any) -> tuple[Flow | None, list[BuildProblem]]:
    """Turn a parsed flow document into a :class:`Flow`; problems are collected, not raised.

    Nodes with problems are left out of the flow (their problems are reported), so one mistake
    does not hide the others. The flow is ``None`` only if its top level is unusable.
    """
    problems: list[BuildProblem] = []
    if not isinstance(data, dict):
        return None, [BuildProblem("E012", "a flow file must be a mapping with id, nodes, ...", ())]
    for key in data:
        if key not in _FLOW_FIELDS:
            problems.append(_unknown_field(key, _FLOW_FIELDS, (str(key),)))
    try:
        flow_id = _id(_required(data, "id", ()), ("id",))
        title = _convert(_required(data, "title", ()), str, ("title",))
        start = _convert(_required(data, "start", ()), str, ("start",))
        version = _convert(data.get("version", 1), int, ("version",))
        language = _convert(data.get("language", "en"), str, ("language",))
        raw_nodes = _required(data, "nodes", ())
        if not isinstance(raw_nodes, list) or not raw_nodes:
            raise _Invalid("E012", "'nodes' must be a non-empty list of nodes", ("nodes",))
    except _Invalid as invalid:
        return None, [*problems, invalid.problem]
    if version < 1:
        problems.append(BuildProblem("E012", "'version' must be 1 or more", ("version",)))

    variables = _variables(data.get("variables", {}), problems)
    nodes: dict[str, Node] = {}
    for index, raw in enumerate(raw_nodes):
        node = _node(raw, ("nodes", index), problems)
        if node is None:
            continue
        if node.id in nodes:
            problems.append(
                BuildProblem("E102", f"duplicate node id {node.id!r}", ("nodes", index, "id"))
            )
            continue
        nodes[node.id] = node
    flow = Flow(
        id=flow_id,
        title=title,
        start=start,
        nodes=nodes,
        version=version,
        language=language,
        variables=variables,
    )
    return flow, problems


def _variables(raw: Any, problems: list[BuildProblem]) -> dict[str, Variable]:
    if not isinstance(raw, dict):
        problems.append(BuildProblem("E012", "'variables' must be a mapping", ("variables",)))
        return {}
    variables: dict[str, Variable] = {}
    for name, spec in raw.items():
        path: YamlPath = ("variables", str(name))
        try:
            _id(name, path)
            if not isinstance(spec, dict):
                raise _Invalid("E012", f"variable {name!r} needs a mapping with a type", path)
            for key in spec:
                if key not in _VARIABLE_FIELDS:
                    raise _unknown_field_error(key, _VARIABLE_FIELDS, (*path, str(key)))
            kind = _choose(_required(spec, "type", path), VARIABLE_TYPES, (*path, "type"))
            sensitivity = _choose(
                spec.get("sensitivity", "situation"), SENSITIVITIES, (*path, "sensitivity")
            )
            values = _convert(spec.get("values", []), tuple[str, ...], (*path, "values"))
            if (kind == "enum") != bool(values):
                raise _Invalid(
                    "E012", "'values' is required for an enum variable and only there", path
                )
            variables[name] = Variable(name, kind, sensitivity, values)  # type: ignore[arg-type]
        except _Invalid as invalid:
            problems.append(invalid.problem)
    return variables


def _node(raw: Any, path: YamlPath, problems: list[BuildProblem]) -> Node | None:
    if not isinstance(raw, dict):
        problems.append(BuildProblem("E012", "each node must be a mapping with id and type", path))
        return None
    node_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    try:
        _id(_required(raw, "id", path), (*path, "id"))
        type_name = _required(raw, "type", path)
        cls = NODE_TYPES.get(type_name) if isinstance(type_name, str) else None
        if cls is None:
            known = ", ".join(sorted(NODE_TYPES))
            raise _Invalid(
                "E013", f"unknown node type {type_name!r}; expected one of {known}", (*path, "type")
            )
        fields = {k: v for k, v in raw.items() if k != "type"}
        node = _dataclass(cls, fields, path)
        assert isinstance(node, Node)
        return node
    except _Invalid as invalid:
        problem = invalid.problem
        problems.append(BuildProblem(problem.code, problem.message, problem.path, node_id))
        return None


def _required(data: Mapping[Any, Any], key: str, path: YamlPath) -> Any:
    if key not in data:
        raise _Invalid("E010", f"required field {key!r} is missing", path)
    return data[key]


def _id(value: Any, path: YamlPath) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise _Invalid(
            "E014",
            f"invalid id {value!r}: use lowercase letters, digits and _, starting with a letter,"
            " at most 32 characters",
            path,
        )
    return value


def _choose(value: Any, allowed: tuple[str, ...], path: YamlPath) -> str:
    if value not in allowed:
        raise _Invalid("E012", f"{value!r} is not one of {', '.join(allowed)}", path)
    return str(value)


def _unknown_field_error(key: Any, allowed: typing.Iterable[str], path: YamlPath) -> _Invalid:
    return _Invalid(
        "E011", f"unknown field {key!r}; expected one of {', '.join(sorted(allowed))}", path
    )


def _unknown_field(key: Any, allowed: typing.Iterable[str], path: YamlPath) -> BuildProblem:
    return _unknown_field_error(key, allowed, path).problem


_Schema = tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]
_SCHEMAS: dict[type[Any], _Schema] = {}


def _schema(cls: type[Any]) -> _Schema:
    """A dataclass's resolved type hints and init fields (resolving hints is slow: cache it)."""
    if cls not in _SCHEMAS:
        fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
        _SCHEMAS[cls] = (get_type_hints(cls), fields)
    return _SCHEMAS[cls]


def _dataclass(cls: type[Any], raw: Any, path: YamlPath) -> Any:
    if not isinstance(raw, dict):
        raise _Invalid("E012", f"expected a mapping for {_describe(cls)}", path)
    hints, fields = _schema(cls)
    for key in raw:
        if key not in fields:
            raise _unknown_field_error(key, fields, (*path, str(key)))
    arguments: dict[str, Any] = {}
    for name, field in fields.items():
        if name in raw:
            arguments[name] = _convert(raw[name], hints[name], (*path, name))
        elif field.default is MISSING and field.default_factory is MISSING:
            raise _Invalid("E010", f"required field {name!r} is missing", path)
    return cls(**arguments)


def _describe(hint: Any) -> str:
    return getattr(hint, "TYPE", "") or getattr(hint, "__name__", str(hint)).lower()


def _convert(value: Any, hint: Any, path: YamlPath) -> Any:
    origin = get_origin(hint)
    if hint is Any:
        return value
    if hint is Condition:
        return _condition(value, path)
    if origin in (typing.Union, types.UnionType):
        options = get_args(hint)
        if value is None and type(None) in options:
            return None
        if set(options) == set(_VALUE_TYPES):
            return _scalar(value, path)
        (inner,) = (option for option in options if option is not type(None))
        return _convert(value, inner, path)
    if origin is Literal:
        return _choose(value, tuple(str(a) for a in get_args(hint)), path)
    if origin is tuple:
        if not isinstance(value, list):
            raise _Invalid("E012", "expected a list", path)
        (item_hint, _ellipsis) = get_args(hint)
        return tuple(_convert(item, item_hint, (*path, i)) for i, item in enumerate(value))
    if origin is Mapping or origin is dict:
        if not isinstance(value, dict):
            raise _Invalid("E012", "expected a mapping", path)
        return {str(k): _scalar(v, (*path, str(k))) for k, v in value.items()}
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _dataclass(hint, value, path)
    return _primitive(value, hint, path)


def _primitive(value: Any, hint: Any, path: YamlPath) -> Any:
    if hint is str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool | int | float | date):
            raise _Invalid(
                "E012",
                f"expected text, found {value!r}: put it in quotes (YAML reads yes/no/on/off"
                " as true/false, and digits as numbers)",
                path,
            )
        raise _Invalid("E012", f"expected text, found {_kind(value)}", path)
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _Invalid("E012", f"expected a whole number, found {_kind(value)}", path)
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _finite(value, path)
        raise _Invalid("E012", f"expected a number, found {_kind(value)}", path)
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise _Invalid("E012", f"expected true or false, found {_kind(value)}", path)
    if hint is date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        raise _Invalid("E012", f"expected a date like 2026-11-20, found {value!r}", path)
    raise TypeError(f"no YAML conversion for {hint!r}")  # a node class uses an unsupported type


def _scalar(value: Any, path: YamlPath) -> Value:
    if isinstance(value, _VALUE_TYPES):
        return _finite(value, path) if isinstance(value, float) else value
    raise _Invalid("E012", f"expected text, a number or true/false, found {_kind(value)}", path)


def _finite(value: int | float, path: YamlPath) -> float:
    """``value`` as a float, refusing .nan and .inf (and whole numbers too large for a float).

    Every comparison with NaN is false, so a ``min: .nan`` or ``max: .inf`` would quietly turn
    a range check off.
    """
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if math.isfinite(number):
        return number
    raise _Invalid("E012", f"expected a finite number, found {value!r}", path)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _condition(raw: Any, path: YamlPath) -> Condition:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise _Invalid(
            "E012", f"a condition is a mapping with one key: {', '.join(_CONDITIONS)}", path
        )
    ((operator, argument),) = raw.items()
    here: YamlPath = (*path, str(operator))
    if operator == "set":
        return cond.IsSet(_convert(argument, str, here))
    if operator == "not":
        return cond.Not(_condition(argument, here))
    if operator in ("all", "any"):
        if not isinstance(argument, list) or not argument:
            raise _Invalid("E012", f"'{operator}' takes a non-empty list of conditions", here)
        parts = tuple(_condition(item, (*here, i)) for i, item in enumerate(argument))
        return cond.All(parts) if operator == "all" else cond.Any(parts)
    if operator in ("equals", "in"):
        if not isinstance(argument, dict) or len(argument) != 1:
            raise _Invalid("E012", f"'{operator}' takes one variable: {{name: value}}", here)
        ((name, value),) = argument.items()
        where: YamlPath = (*here, str(name))
        if operator == "equals":
            return cond.Equals(str(name), _scalar(value, where))
        if not isinstance(value, list) or not value:
            raise _Invalid("E012", "'in' takes a non-empty list of values", where)
        return cond.In(str(name), tuple(_scalar(v, (*where, i)) for i, v in enumerate(value)))
    raise _Invalid(
        "E012", f"unknown condition {operator!r}; expected one of {', '.join(_CONDITIONS)}", here
    )
