"""Flow definitions: YAML files -> the engine's flow model, validation, and graph export."""

from .issues import CODES, Issue, Severity
from .loader import (
    FlowLoadError,
    FlowSet,
    LoadedFlow,
    discover,
    load_flow,
    load_flows,
    parse_flow,
)

__all__ = [
    "CODES",
    "FlowLoadError",
    "FlowSet",
    "Issue",
    "LoadedFlow",
    "Severity",
    "discover",
    "load_flow",
    "load_flows",
    "parse_flow",
]
