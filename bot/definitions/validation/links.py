"""Link checks: URL buttons that Telegram accepts and that do not leak people to plain HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from bot.engine.nodes import Message

from ..issues import Issue
from ..loader import LoadedFlow
from .context import ValidationContext

__all__ = ["check_links"]


def check_links(loaded: LoadedFlow, ctx: ValidationContext) -> Iterator[Issue]:
    """E133: a link button whose URL is not https:// with a host, or tg://.

    Telegram refuses a message whose button URL it cannot parse, and plain http would show
    what someone reads to anyone on their network.
    """
    for node in loaded.flow.nodes.values():
        if not isinstance(node, Message):
            continue
        for index, link in enumerate(node.buttons):
            parts = urlsplit(link.url)
            if (parts.scheme == "https" and parts.netloc) or parts.scheme == "tg":
                continue
            message = f"link {link.url!r} is not an https:// or tg:// URL"
            yield ctx.issue(loaded, "E133", message, node.id, f"buttons.{index}.url")
