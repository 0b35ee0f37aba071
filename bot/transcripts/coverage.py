"""Which nodes of each flow the transcripts reached, and which none did."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.engine import Flow

__all__ = ["Coverage", "FlowCoverage"]


@dataclass(frozen=True, slots=True)
class FlowCoverage:
    """One flow's nodes (in file order) and those reached."""

    flow: str
    nodes: tuple[str, ...]
    reached: frozenset[str]

    @property
    def missing(self) -> tuple[str, ...]:
        """The nodes no transcript reached, in file order."""
        return tuple(node for node in self.nodes if node not in self.reached)

    @property
    def complete(self) -> bool:
        """Whether every node was reached."""
        return not self.missing

    def to_dict(self) -> dict[str, object]:
        """A JSON-compatible dict."""
        return {
            "flow": self.flow,
            "nodes": len(self.nodes),
            "reached": len(self.nodes) - len(self.missing),
            "missing": list(self.missing),
        }


class Coverage:
    """Collects ``(flow, node)`` pairs reached by runs and reports per flow.

    Args:
        flows: The flows to report on; nodes of other flows are ignored.
    """

    def __init__(self, flows: Mapping[str, Flow]) -> None:
        self._nodes = {flow_id: tuple(flow.nodes) for flow_id, flow in flows.items()}
        self._reached: dict[str, set[str]] = {flow_id: set() for flow_id in flows}

    def add(self, reached: Iterable[tuple[str, str]]) -> None:
        """Count ``(flow, node)`` pairs as reached (e.g. :attr:`TranscriptRun.reached`)."""
        for flow, node in reached:
            if flow in self._reached:
                self._reached[flow].add(node)

    @property
    def flows(self) -> list[FlowCoverage]:
        """Every flow's coverage, sorted by flow id."""
        return [
            FlowCoverage(flow_id, self._nodes[flow_id], frozenset(self._reached[flow_id]))
            for flow_id in sorted(self._nodes)
        ]

    @property
    def complete(self) -> bool:
        """Whether every node of every flow was reached."""
        return all(flow.complete for flow in self.flows)
