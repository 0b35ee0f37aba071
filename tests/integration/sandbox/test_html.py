"""Telegram's HTML parse mode, checked directly (no server needed)."""

from __future__ import annotations

import pytest

from bot.sandbox import SandboxError
from bot.sandbox.html_parse import parse_html


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<br/>", 'Unsupported start tag "br" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("ж<b", "Unclosed start tag at byte offset 2"),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("<b =1>x</b>", 'Empty attribute name in the tag "b" at byte offset 3'),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ],
)
def test_malformed_html_is_refused_in_telegrams_words(html: str, detail: str) -> None:
    with pytest.raises(SandboxError) as caught:
        parse_html(html)
    assert caught.value.error_code == 400
    assert caught.value.description == f"Bad Request: can't parse entities: {detail}"


def test_every_allowed_tag_becomes_its_entity() -> None:
    parsed = parse_html(
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        "<strike>k</strike><del>d</del><tg-spoiler>p</tg-spoiler>"
        '<span class="tg-spoiler">q</span><code>c</code><pre>r</pre>'
        '<a href="https://example.org">a</a><blockquote>o</blockquote>'
        '<blockquote expandable>x</blockquote><tg-emoji emoji-id="5368324170671202286">e</tg-emoji>'
    )
    assert parsed.text == "bsieunskdpqcraoxe"
    assert [e["type"] for e in parsed.entities] == [
        "bold",
        "bold",
        "italic",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "code",
        "pre",
        "text_link",
        "blockquote",
        "expandable_blockquote",
        "custom_emoji",
    ]
    assert parsed.entities[13]["url"] == "https://example.org"


def test_references_are_decoded_and_unknown_ones_kept() -> None:
    parsed = parse_html("&lt;&gt;&amp;&quot;&#39;&#x41; &nbsp; AT&T")
    assert parsed.text == "<>&\"'A &nbsp; AT&T"
    assert parsed.entities == ()


def test_nested_entities_are_sorted_outer_first_with_utf16_offsets() -> None:
    parsed = parse_html("😀 <b>bold <i>both</i></b>")
    assert parsed.entities == (
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
    )


def test_pre_with_code_language_is_one_entity_and_empty_tags_vanish() -> None:
    parsed = parse_html('<pre><code class="language-python">x = 1</code></pre><b></b>!')
    assert parsed.text == "x = 1!"
    assert parsed.entities == ({"type": "pre", "offset": 0, "length": 5, "language": "python"},)


def test_tag_names_and_attributes_ignore_case_and_quotes() -> None:
    parsed = parse_html("<B>x</b><A HREF='https://a.example'>y</A>")
    assert [e["type"] for e in parsed.entities] == ["bold", "text_link"]
