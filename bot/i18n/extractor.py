"""The Babel extraction method for flow YAML files (``haven_flows``).

Registered as an entry point in ``pyproject.toml`` and mapped in ``babel.cfg``, so
``pybabel extract -F babel.cfg -o locales/flows.pot flows/`` writes every user-visible string of
every flow into ``flows.pot``, each with ``msgctxt = "<flow>/<node>/<field>"``, its YAML line as
the location, and notes for the translator (the node's type, the length limit of a label).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from bot.definitions import FlowLoadError, parse_flow
from bot.definitions.validation import Limits
from bot.engine import FLOW_NODE

__all__ = ["CONTEXT_KEYWORD", "extract_flows"]

#: Babel's extractor protocol has no slot for a context: an extractor names a keyword whose spec
#: says which argument is the context. Babel's default ``pgettext`` spec, ``((1, "c"), 2)``,
#: reads ``(context, message)``, so each string is reported as if written ``pgettext(ctx, msg)``.
CONTEXT_KEYWORD = "pgettext"

_LABEL_NOTE = "button label: keep it short (max {limit} characters)"
_FIELD_NOTES = {
    "title": "title of this conversation topic",
    "retry": "shown when the answer does not fit, before the question is asked again",
}

# (line, keyword, (msgctxt, msgid), translator comments): what Babel expects from a method.
_Extracted = tuple[int, str, tuple[str, str], list[str]]


def extract_flows(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[_Extracted]:
    """Yield every user-visible string of one flow file, for Babel.

    Args:
        fileobj: The flow YAML file, opened in binary mode.
        keywords: The keywords of the extraction run; must include ``pgettext``.
        comment_tags: Unused: notes come from the flow's structure, not from YAML comments.
        options: Options from ``babel.cfg``; none are used.

    Yields:
        ``(line, "pgettext", (msgctxt, source text), translator comments)``.

    Raises:
        ValueError: ``pgettext`` is not among the keywords (``--no-default-keywords``), so Babel
            could not record the context.
        FlowLoadError: The flow cannot be loaded, or some of its nodes are invalid; the message
            names the file and line. Extracting only part of a flow would silently drop its
            strings from the catalogs, so extraction stops instead.
    """
    if CONTEXT_KEYWORD not in keywords:
        raise ValueError(
            f"the haven_flows extractor needs the {CONTEXT_KEYWORD!r} keyword to record the "
            "msgctxt; run pybabel extract without --no-default-keywords"
        )
    path = _display_path(getattr(fileobj, "name", "<flow>"))
    loaded = parse_flow(fileobj.read(), path)
    errors = [issue for issue in loaded.issues if issue.severity == "error"]
    if errors:
        raise FlowLoadError(errors)
    label_note = _LABEL_NOTE.format(limit=Limits().label_length)
    flow = loaded.flow
    for node_id, context, text in flow.texts():
        comments = []
        if node_id != FLOW_NODE:
            comments.append(f"type: {flow.nodes[node_id].TYPE}")
        if text.field in _FIELD_NOTES:
            comments.append(_FIELD_NOTES[text.field])
        if text.kind == "label":
            comments.append(label_note)
        yield loaded.line(node_id, text.field), CONTEXT_KEYWORD, (context, text.text), comments


def _display_path(name: str | bytes | int) -> str:
    """The file as a user would name it: relative to the working directory when below it.

    pybabel opens files by absolute path; an error should read ``flows/x.yaml:12``.
    """
    if isinstance(name, int):  # a file opened from a descriptor has no name
        return f"<fd {name}>"
    path = Path(os.fsdecode(name))
    try:
        return str(path.relative_to(Path.cwd())) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)
