"""The flow map's SVG: what ``dot`` writes is rebuilt from allowed parts only before it is
inlined under the console's no-script CSP."""

from __future__ import annotations

import asyncio
import shutil
from xml.etree import ElementTree

import pytest

from bot.web.console.svg import SvgRenderer, sanitise_svg

SVG = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
ALLOWED = {"svg", "g", "title", "a", "polygon", "polyline", "path", "ellipse", "circle",
           "rect", "line", "text", "tspan"}  # fmt: skip


def clean(body: str) -> str:
    return sanitise_svg(f'<svg {SVG} viewBox="0 0 10 10">{body}</svg>', label="Flow")


def elements(markup: str) -> list[ElementTree.Element]:
    return list(ElementTree.fromstring(markup).iter())


def test_shapes_text_and_links_to_the_flow_map_are_kept() -> None:
    markup = clean(
        '<g id="node1" class="node"><title>welcome</title>'
        '<a xlink:href="/console/flows/start/welcome" xlink:title="welcome · message">'
        '<polygon fill="#e3f0ff" stroke="#b45309" stroke-width="4" points="1,2 3,4"/>'
        '<text x="1" y="-2.5" font-family="Helvetica,sans-Serif" font-size="11.00">Hi &amp; '
        "bye</text></a></g>"
    )
    assert markup == (
        '<svg viewBox="0 0 10 10" role="group" aria-label="Flow">'
        '<g id="node1" class="node"><title>welcome</title>'
        '<a href="/console/flows/start/welcome" aria-label="welcome · message">'
        '<polygon fill="#e3f0ff" stroke="#b45309" stroke-width="4" points="1,2 3,4"></polygon>'
        '<text x="1" y="-2.5" font-family="Helvetica,sans-Serif" font-size="11.00">Hi &amp; bye'
        "</text></a></g></svg>"
    )


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        '<script xlink:href="https://evil.example/x.js"/>',
        "<style>svg { background: url(https://evil.example/) }</style>",
        "<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>hi</div></foreignObject>",
        '<image xlink:href="https://evil.example/track.png"/>',
        '<use xlink:href="#node1"/>',
        '<animate attributeName="href" to="javascript:alert(1)"/>',
        '<set attributeName="onclick" to="alert(1)"/>',
        "<!-- a comment naming a node -->",
        '<?xml-stylesheet href="https://evil.example/s.css"?>',
        '<html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(1)</html:script>',
    ],
)
def test_everything_else_is_dropped_with_its_content(body: str) -> None:
    assert clean(f"<g>{body}</g>") == (
        '<svg viewBox="0 0 10 10" role="group" aria-label="Flow"><g></g></svg>'
    )


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("onload", "alert(1)"),
        ("onclick", "alert(1)"),
        ("style", "fill: red"),
        ("fill", "url(#gradient)"),
        ("fill", "url(https://evil.example/)"),
        ("stroke", "red; background: x"),
        ("transform", "matrix(1 0 0 1 0 0) url(x)"),
        ("font-family", "x</text><script>"),
        ("d", "M0,0 javascript"),
        ("filter", "url(#f)"),
        ("mask", "url(#m)"),
        ("xml:base", "https://evil.example/"),
    ],
)
def test_attributes_outside_the_list_or_of_another_form_are_dropped(
    attribute: str, value: str
) -> None:
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    markup = clean(f'<path {attribute}="{escaped}" stroke-width="2"/>')
    assert markup == (
        '<svg viewBox="0 0 10 10" role="group" aria-label="Flow">'
        '<path stroke-width="2"></path></svg>'
    )


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://evil.example/console/flows/start",
        "//evil.example/console/flows/start",
        "/console/flows/start/welcome?next=https://evil.example",
        "/console/flows/../logout",
        "/console/flows/%2E%2e/logout",
        "/console/flows/.hidden",
        "/console/flows/a/b/c",
        "/console/logout",
    ],
)
def test_links_that_lead_anywhere_else_are_dropped(href: str) -> None:
    for attribute in ("xlink:href", "href"):
        escaped = href.replace("&", "&amp;").replace("<", "&lt;")
        markup = clean(
            f'<a {attribute}="{escaped}" xlink:title="t" onclick="x"><text>go</text></a>'
        )
        assert markup == (
            '<svg viewBox="0 0 10 10" role="group" aria-label="Flow"><a><text>go</text></a></svg>'
        )


def test_text_and_the_label_are_escaped() -> None:
    markup = sanitise_svg(
        f"<svg {SVG}><text>&lt;script&gt;alert(1)&lt;/script&gt;</text></svg>",
        label='"><script>alert(1)</script>',
    )
    assert "<script" not in markup
    assert markup == (
        '<svg role="group" aria-label="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'
        "<text>&lt;script&gt;alert(1)&lt;/script&gt;</text></svg>"
    )


@pytest.mark.parametrize(
    "document",
    ["not xml", "<html><body/></html>", f"<svg {SVG}><g></svg>", "<svg>no namespace</svg>"],
)
def test_what_is_not_an_svg_document_is_refused(document: str) -> None:
    with pytest.raises(ValueError, match="not an SVG document"):
        sanitise_svg(document, label="x")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_a_drawing_by_dot_keeps_only_allowed_parts() -> None:
    # A hostile label and link, as a flow's text and a node id could try to give.
    dot = (
        'digraph "g" {\n'
        '  "a" [label=<&lt;script&gt;alert(1)&lt;/script&gt;>, URL="javascript:alert(1)"];\n'
        '  "b" [label="b", URL="/console/flows/g/b", tooltip="b · end"];\n'
        '  "a" -> "b" [label=<&lt;img src=x onerror=alert(1)&gt;>];\n'
        "}\n"
    )
    renderer = SvgRenderer()
    markup = asyncio.run(renderer.render(dot, label="g"))
    assert markup is not None
    tree = elements(markup)
    assert {element.tag for element in tree} <= ALLOWED
    assert "<script" not in markup and "<img" not in markup
    links = [element.attrib for element in tree if element.tag == "a" and element.attrib]
    assert links == [{"href": "/console/flows/g/b", "aria-label": "b · end"}]
    texts = [element.text for element in tree if element.tag == "text"]
    assert "<script>alert(1)</script>" in texts


def test_drawings_are_kept_by_their_source() -> None:
    runs: list[str] = []

    def run(dot: str) -> str | None:
        runs.append(dot)
        return None if dot == "broken" else f"<svg {SVG}><text>{len(runs)}</text></svg>"

    renderer = SvgRenderer(run)

    async def draw() -> list[str | None]:
        return [
            await renderer.render("one", label="x"),
            await renderer.render("one", label="x"),
            await renderer.render("two", label="x"),
            await renderer.render("broken", label="x"),
            await renderer.render("one", label="x"),
        ]

    first, again, second, broken, later = asyncio.run(draw())
    assert first == again == later == '<svg role="group" aria-label="x"><text>1</text></svg>'
    assert second == '<svg role="group" aria-label="x"><text>2</text></svg>'
    assert broken is None
    assert runs == ["one", "two", "broken"]
