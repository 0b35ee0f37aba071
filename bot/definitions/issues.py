"""Typed validation issues: what is wrong, where (file, line, flow, node, language), how badly."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["CODES", "Issue", "Severity"]

Severity = Literal["error", "warning"]

#: Every issue code with its one-line summary. E is an error (``check`` exits 1), W a warning.
CODES: dict[str, str] = {
    "E001": "the file cannot be read (not UTF-8, too large, or unreadable)",
    "E002": "YAML syntax error",
    "E003": "tab character in indentation",
    "E004": "duplicate key in a mapping",
    "E010": "required field missing",
    "E011": "unknown field",
    "E012": "field has the wrong type or value",
    "E013": "unknown node type",
    "E014": "invalid id",
    "E015": "flow id does not match the file name",
    "E016": "duplicate flow id",
    "E101": "unknown target node",
    "E102": "duplicate node id",
    "E103": "duplicate option id",
    "E104": "unreachable node",
    "E105": "no end or handoff can be reached from this node",
    "E106": "cycle with no way out",
    "E107": "cycle that never asks a question (the engine would loop)",
    "E110": "goto to a missing flow",
    "E111": "goto cycle between flows",
    "E120": "undeclared variable",
    "E121": "value does not fit the variable's type",
    "W122": "variable is read but never written",
    "E123": "invalid validation rule",
    "E130": "button label too long",
    "E131": "message too long for Telegram",
    "E132": "empty text",
    "E133": "link is not an https:// or tg:// URL",
    "E140": "fact node (with sources) has no reviewed date",
    "W141": "reviewed date is old: check the facts again",
    "W142": "reviewed date is in the future",
    "E150": "missing translation",
    "E151": "fuzzy translation (the source text changed)",
    "E152": "translation catalog cannot be read",
    "E160": "duplicate organisation id in the directory",
    "W161": "no organisation in the directory helps with this need",
    "W162": "no organisations node asks for this need of an organisation",
    "W163": "file in the directory folder is not read",
}


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding. ``line`` is 1-based (0 when it concerns the whole file)."""

    code: str
    message: str
    path: str
    line: int = 0
    flow: str | None = None
    node: str | None = None
    language: str | None = None

    @property
    def severity(self) -> Severity:
        """``warning`` for W codes, ``error`` otherwise."""
        return "warning" if self.code.startswith("W") else "error"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict (for ``--format json``)."""
        return {**asdict(self), "severity": self.severity}

    def sort_key(self) -> tuple[str, int, str]:
        """Order of output: by file, then line, then code (as ruff orders findings)."""
        return (self.path, self.line, self.code)
