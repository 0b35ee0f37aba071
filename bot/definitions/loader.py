"""Load flow files: bytes -> YAML with lines -> engine :class:`Flow`, every error with file:line."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine import FLOW_NODE, Flow

from .builder import build_flow
from .directory import DIRECTORY_FOLDER, is_directory_file
from .issues import Issue
from .yaml_source import MAX_FILE_BYTES, YamlDocument, YamlPath, YamlSourceError, read_yaml

__all__ = [
    "FLOW_SUFFIXES",
    "FlowLoadError",
    "FlowSet",
    "LoadedFlow",
    "discover",
    "load_flow",
    "load_flows",
    "parse_flow",
]

FLOW_SUFFIXES = (".yaml", ".yml")


class FlowLoadError(Exception):
    """A flow file could not be turned into a flow; ``issues`` say where and why."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(f"{i.path}:{i.line}: {i.code} {i.message}" for i in issues))
        self.issues = issues


@dataclass(frozen=True, slots=True)
class LoadedFlow:
    """A flow with where it came from, so later findings can name file and line."""

    flow: Flow
    path: str
    document: YamlDocument
    node_index: Mapping[str, int]
    issues: tuple[Issue, ...] = ()
    #: Ids of nodes left out because of schema problems (references to them are not errors).
    broken_nodes: frozenset[str] = frozenset()

    def line(self, node: str | None = None, field: str | None = None) -> int:
        """The line of the flow (no node), a node, or one of its fields.

        ``field`` uses the names of :meth:`Node.texts` and :meth:`Node.targets`: ``text``,
        ``option.<id>`` (its label), ``options.<id>.next``, ``button.<n>``, ``routes.<n>.next``...
        """
        if node is None or node == FLOW_NODE:
            return self.document.line((field,) if field else ())
        if node not in self.node_index:
            return self.document.line(())
        return self.document.line(self._field_path(("nodes", self.node_index[node]), field))

    def _field_path(self, path: YamlPath, field: str | None) -> YamlPath:
        if not field:
            return path
        parts = field.split(".")
        head, rest = parts[0], parts[1:]
        if head in ("option", "options") and rest:
            options = self._raw(path).get("options", [])
            ids = [o.get("id") if isinstance(o, dict) else None for o in options]
            if rest[0].isdigit():  # by position: option ids start with a letter
                index: int | None = int(rest[0])
            else:
                index = ids.index(rest[0]) if rest[0] in ids else None
            if index is None:
                return (*path, "options")
            tail = rest[1:] or ["label"]
            return (*path, "options", index, *tail)
        if head == "button" and rest:
            return (*path, "buttons", int(rest[0]), "label")
        return (*path, *(int(p) if p.isdigit() else p for p in parts))

    def _raw(self, path: YamlPath) -> dict[str, list[object]]:
        data: object = self.document.data
        for key in path:
            data = data[key]  # type: ignore[index]
        return data if isinstance(data, dict) else {}


def parse_flow(source: str | bytes, path: str) -> LoadedFlow:
    """Parse one flow file's content; raise :class:`FlowLoadError` if it cannot be built.

    Schema problems in single nodes do not stop the load: they are in ``issues`` and the node is
    left out, so validation can still report everything else.
    """
    raw = source.encode("utf-8") if isinstance(source, str) else source
    try:
        document = read_yaml(raw)
    except YamlSourceError as error:
        raise FlowLoadError([Issue(error.code, error.message, path, error.line)]) from None
    flow, problems = build_flow(document.data)
    flow_id = flow.id if flow else None
    issues = [
        Issue(p.code, p.message, path, document.line(p.path), flow_id, p.node) for p in problems
    ]
    if flow is None:
        raise FlowLoadError(issues)
    nodes = document.data.get("nodes", [])
    node_index = {
        node["id"]: index
        for index, node in reversed(list(enumerate(nodes)))
        if isinstance(node, dict) and isinstance(node.get("id"), str)
    }
    broken = frozenset(p.node for p in problems if p.node and p.node not in flow.nodes)
    return LoadedFlow(flow, path, document, node_index, tuple(issues), broken)


def load_flow(path: Path, display: str | None = None) -> LoadedFlow:
    """Read and parse a flow file; ``display`` is the path shown in issues (default: ``path``)."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:  # say how big it is without reading it
            message = f"file is {size:,} bytes; flow files are limited to {MAX_FILE_BYTES:,}"
            raise FlowLoadError([Issue("E001", message, shown)])
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise FlowLoadError([Issue("E001", f"cannot read: {error.strerror}", shown)]) from None
    return parse_flow(raw, shown)


def discover(paths: Iterable[Path], *, skip: Collection[str] = ()) -> list[Path]:
    """The flow files among ``paths``: files as given, directories searched for *.yaml/*.yml.

    ``skip`` names folders, directly inside a directory searched, whose files are left out.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix in FLOW_SUFFIXES and p.relative_to(path).parts[0] not in skip
                )
            )
        else:
            found.append(path)
    return found


@dataclass
class FlowSet:
    """Flows loaded together (they may ``goto`` each other) and the issues found loading them."""

    flows: dict[str, LoadedFlow] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def engine_flows(self) -> dict[str, Flow]:
        """The flows by id, as the engine takes them."""
        return {flow_id: loaded.flow for flow_id, loaded in self.flows.items()}


def load_flows(paths: Iterable[Path]) -> FlowSet:
    """Load every flow file under ``paths``, collecting issues instead of stopping at the first.

    A file whose flow id differs from its name (``situation.yaml`` must hold ``id: situation``)
    or repeats another file's id is reported. The deployment's directory of organisations
    (``directory/organisations.yaml``) is data, not a flow: it is left out.
    """
    result = FlowSet()
    for path in discover(paths, skip=(DIRECTORY_FOLDER,)):
        if is_directory_file(path):
            continue
        try:
            loaded = load_flow(path)
        except FlowLoadError as error:
            result.issues.extend(error.issues)
            continue
        result.issues.extend(loaded.issues)
        flow = loaded.flow
        if flow.id != path.stem:
            result.issues.append(
                Issue(
                    "E015",
                    f"flow id {flow.id!r} does not match the file name {path.name!r}",
                    loaded.path,
                    loaded.line(None, "id"),
                    flow.id,
                )
            )
        if flow.id in result.flows:
            first = result.flows[flow.id].path
            result.issues.append(
                Issue(
                    "E016", f"flow id {flow.id!r} is also used by {first}", loaded.path, 1, flow.id
                )
            )
            continue
        result.flows[flow.id] = loaded
    return result
