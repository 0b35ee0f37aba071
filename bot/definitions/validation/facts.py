"""Fact checks: a node that cites sources says when someone last reviewed it, recently."""

from __future__ import annotations

from collections.abc import Iterator

from ..issues import Issue
from ..loader import LoadedFlow
from .context import ValidationContext

__all__ = ["check_facts"]


def check_facts(loaded: LoadedFlow, ctx: ValidationContext) -> Iterator[Issue]:
    """E140 sources without ``reviewed``; W141 an old review; W142 a review dated in the future."""
    max_age = ctx.limits.review_age_days
    for node in loaded.flow.nodes.values():
        if node.sources and node.reviewed is None:
            message = "states facts (has sources) but has no 'reviewed' date"
            yield ctx.issue(loaded, "E140", message, node.id, "sources")
        if node.reviewed is None:
            continue
        age = (ctx.today - node.reviewed).days
        if age > max_age:
            message = f"reviewed {age} days ago (limit {max_age}): check the facts again"
            yield ctx.issue(loaded, "W141", message, node.id, "reviewed")
        elif age < 0:
            message = f"reviewed date {node.reviewed.isoformat()} is in the future"
            yield ctx.issue(loaded, "W142", message, node.id, "reviewed")
