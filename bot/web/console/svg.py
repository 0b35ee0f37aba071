"""Graphviz drawings for the console: ``dot -Tsvg`` off the event loop, then made safe to inline.

The console's pages are served under a CSP without script, and the SVG is inlined in them, so
what ``dot`` writes is never passed on as it is: :func:`sanitise_svg` parses it and writes a
new document from a list of allowed elements (shapes, text, groups and links) and allowed
attributes, each checked against the form its value must have. Scripts, styles, foreign
objects, images, event handlers, comments, entities and links that do not lead to a page of the
console's flow map are all dropped, whatever their source (a flow's text ends up in the
labels). :class:`SvgRenderer` runs ``dot`` in a worker thread with a timeout and keeps the last
drawings by their DOT source, so a page viewed again costs nothing; without ``dot`` it draws
nothing and the pages show their lists only.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import re
import shutil
import subprocess
from collections import OrderedDict
from collections.abc import Callable
from typing import Final
from xml.etree import ElementTree

__all__ = ["RENDER_TIMEOUT_SECONDS", "SvgRenderer", "sanitise_svg"]

#: A flow of a few hundred nodes takes well under a second; this only stops a hung ``dot``.
RENDER_TIMEOUT_SECONDS: Final = 10
#: How many drawings are kept (one per flow and traffic picture).
CACHE_SIZE: Final = 64

_SVG = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}"

_NUMBERS = re.compile(r"[0-9eE.,\s+\-]*")
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,20}")
_PATH = re.compile(r"[MmLlHhVvCcSsQqTtAaZz0-9eE.,\s+\-]*")
_TRANSFORM = re.compile(r"(?:(?:scale|rotate|translate)\([0-9eE.,\s+\-]*\)\s*)*")
_FONT = re.compile(r"[A-Za-z0-9 ,\-]{1,100}")
_WORD = re.compile(r"[A-Za-z0-9_\- ]{1,100}")
_NAME = re.compile(r"[a-z\-]{1,20}")
_FONT_SIZE = re.compile(r"[0-9.]{1,8}")

#: Every attribute kept, with the form its value must have (a value of another form is
#: dropped). Colours are names or hex only: ``url(...)`` could fetch or reference anything.
_ATTRIBUTES: dict[str, re.Pattern[str]] = {
    "id": _WORD,
    "class": _WORD,
    "fill": _COLOUR,
    "stroke": _COLOUR,
    "stroke-width": _FONT_SIZE,
    "stroke-dasharray": _NUMBERS,
    "fill-opacity": _FONT_SIZE,
    "stroke-opacity": _FONT_SIZE,
    "font-family": _FONT,
    "font-size": _FONT_SIZE,
    "font-weight": _NAME,
    "font-style": _NAME,
    "text-anchor": _NAME,
    "text-decoration": _NAME,
    "transform": _TRANSFORM,
    "x": _NUMBERS,
    "y": _NUMBERS,
    "cx": _NUMBERS,
    "cy": _NUMBERS,
    "r": _NUMBERS,
    "rx": _NUMBERS,
    "ry": _NUMBERS,
    "x1": _NUMBERS,
    "y1": _NUMBERS,
    "x2": _NUMBERS,
    "y2": _NUMBERS,
    "points": _NUMBERS,
    "d": _PATH,
    "width": re.compile(r"[0-9.]{1,10}(?:pt|px)?"),
    "height": re.compile(r"[0-9.]{1,10}(?:pt|px)?"),
    "viewBox": _NUMBERS,
}

#: The elements kept; any other is dropped with all it holds.
_ELEMENTS = frozenset(
    {"svg", "g", "title", "a", "polygon", "polyline", "path", "ellipse", "circle", "rect",
     "line", "text", "tspan"}
)  # fmt: skip

#: Where a link in a drawing may lead: a flow or a node page of the console's flow map.
#: A segment never starts with a dot, so never is ``..``: a browser would leave the flow map.
_SEGMENT = r"[A-Za-z0-9%_~\-][A-Za-z0-9%._~\-]{0,199}"
_LINK = re.compile(rf"/console/flows/{_SEGMENT}(?:/{_SEGMENT})?")


def sanitise_svg(svg: str, *, label: str) -> str:
    """An SVG document as markup that is safe to inline in a console page.

    Args:
        svg: An SVG document (as ``dot -Tsvg`` writes it).
        label: What the drawing shows, its accessible name.

    Returns:
        An ``<svg>`` element with only the elements and attributes allowed here; each link
        (``xlink:href`` or ``href``) that leads to a page of the flow map becomes an ``href``
        with its title as its ``aria-label``, any other is dropped with its attributes (its
        shapes stay).

    Raises:
        ValueError: ``svg`` is not well-formed XML or its root is not an SVG element.
    """
    try:
        root = ElementTree.fromstring(svg)
    except ElementTree.ParseError as error:
        raise ValueError(f"not an SVG document: {error}") from None
    if root.tag != f"{_SVG}svg":
        raise ValueError("not an SVG document: the root is not <svg>")
    out: list[str] = []
    _write(root, out, {"role": "group", "aria-label": label})
    return "".join(out)


def _write(element: ElementTree.Element, out: list[str], extra: dict[str, str]) -> None:
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith(_SVG):
        return  # comments, processing instructions and other namespaces
    name = tag.removeprefix(_SVG)
    if name not in _ELEMENTS:
        return
    attributes = {
        key: value
        for key, value in element.attrib.items()
        if key in _ATTRIBUTES and _ATTRIBUTES[key].fullmatch(value)
    }
    if name == "a":
        attributes = {}
        href = element.get(f"{_XLINK}href") or element.get("href") or ""
        if _LINK.fullmatch(href) and "%2e" not in href.lower():  # an encoded dot is a dot
            attributes["href"] = href
            title = element.get(f"{_XLINK}title")
            if title:
                attributes["aria-label"] = title
    attributes.update(extra)
    written = "".join(f' {key}="{html.escape(value)}"' for key, value in attributes.items())
    out.append(f"<{name}{written}>")
    if element.text and name in {"title", "text", "tspan"}:
        out.append(html.escape(element.text, quote=False))
    for child in element:
        _write(child, out, {})
        if child.tail and name in {"text", "tspan"}:
            out.append(html.escape(child.tail, quote=False))
    out.append(f"</{name}>")


Runner = Callable[[str], str | None]


def _run_dot(dot_source: str) -> str | None:
    """``dot -Tsvg`` on ``dot_source``; None when it is missing, fails or takes too long."""
    dot = shutil.which("dot")
    if dot is None:
        return None
    try:
        result = subprocess.run(
            (dot, "-Tsvg"),
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=RENDER_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace")


class SvgRenderer:
    """Draws DOT sources as safe SVG, the last :data:`CACHE_SIZE` drawings kept.

    Args:
        run: Turns DOT into an SVG document, or None; by default Graphviz's ``dot``.
    """

    def __init__(self, run: Runner = _run_dot) -> None:
        self._run = run
        self._cache: OrderedDict[str, str | None] = OrderedDict()

    async def render(self, dot_source: str, *, label: str) -> str | None:
        """The drawing of ``dot_source`` as inline SVG, or None if it cannot be drawn.

        Args:
            dot_source: A Graphviz graph.
            label: What the drawing shows, its accessible name.
        """
        key = hashlib.sha256(f"{label}\0{dot_source}".encode()).hexdigest()
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        document = await asyncio.to_thread(self._run, dot_source)
        drawing = None
        if document is not None:
            try:
                drawing = sanitise_svg(document, label=label)
            except ValueError:
                drawing = None
        if document is not None:  # a missing dot may be installed later: ask again then
            self._cache[key] = drawing
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return drawing
