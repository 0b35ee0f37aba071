"""Telegram's HTML parse mode: only its tags, balanced, turned into plain text and entities.

The rules and error wording follow Telegram's own parser: unknown tags and a bare ``<`` are
refused ("Unsupported start tag"), end tags must match the innermost open tag, only ``&lt;``,
``&gt;``, ``&amp;``, ``&quot;`` and numeric character references are decoded (anything else
after ``&`` stays literal). Nesting restrictions between entity types (no bold inside ``code``)
are not checked: Telegram drops such entities silently rather than refusing the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.sandbox.entities import Entity, utf16_len
from bot.sandbox.errors import SandboxError, bad_request

__all__ = ["ParsedText", "parse_html"]

# Tag -> entity type; "span" is allowed only as <span class="tg-spoiler">.
_ENTITY_TYPES = {
    "a": "text_link",
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAME = re.compile(r"[A-Za-z0-9-]*")
_REFERENCE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_UNQUOTED_VALUE = re.compile(r"[^\s>]*")


@dataclass(frozen=True)
class ParsedText:
    """The text a user sees and the entities that format it.

    Attributes:
        text: The text with tags removed and character references decoded.
        entities: MessageEntity dicts, sorted by offset (outer before inner).
    """

    text: str
    entities: tuple[Entity, ...] = ()


@dataclass
class _OpenTag:
    name: str
    byte_offset: int
    start: int
    attributes: dict[str, str] = field(default_factory=dict)
    language: str | None = None


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.out: list[str] = []
        self.length = 0  # of the output so far, in UTF-16 code units
        self.stack: list[_OpenTag] = []
        self.entities: list[Entity] = []

    def fail(self, detail: str) -> SandboxError:
        return bad_request(f"can't parse entities: {detail}")

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_len(text)

    def run(self) -> ParsedText:
        source = self.source
        while self.pos < len(source):
            char = source[self.pos]
            if char == "&":
                self.reference()
            elif char == "<":
                if source.startswith("</", self.pos):
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                # Copy the run of plain text up to the next markup character in one go.
                stop = len(source)
                for marker in ("<", "&"):
                    found = source.find(marker, self.pos)
                    if found != -1:
                        stop = min(stop, found)
                self.emit(source[self.pos : stop])
                self.pos = stop
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), tuple(entities))

    def reference(self) -> None:
        match = _REFERENCE.match(self.source, self.pos)
        if match is None:
            self.emit("&")
            self.pos += 1
            return
        self.emit(_reference_text(match))
        self.pos = match.end()

    def start_tag(self) -> None:
        tag_start = self.pos
        offset = self.byte_offset(tag_start)
        name_match = _NAME.match(self.source, tag_start + 1)
        assert name_match is not None  # the pattern accepts the empty string
        name = name_match.group().lower()
        self.pos = name_match.end()
        if self.pos >= len(self.source):
            raise self.fail(f"Unclosed start tag at byte offset {offset}")
        if name not in _ENTITY_TYPES:
            raise self.fail(f'Unsupported start tag "{name}" at byte offset {offset}')
        tag = _OpenTag(name, offset, self.length, self.attributes(name, offset))
        if name == "span" and tag.attributes.get("class") != "tg-spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        if name == "tg-emoji" and not tag.attributes.get("emoji-id", "").isdigit():
            raise self.fail(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}'
            )
        self.stack.append(tag)

    def attributes(self, tag: str, offset: int) -> dict[str, str]:
        source = self.source
        found: dict[str, str] = {}
        while True:
            while self.pos < len(source) and source[self.pos].isspace():
                self.pos += 1
            if self.pos >= len(source):
                raise self.fail(f"Unclosed start tag at byte offset {offset}")
            if source[self.pos] == ">":
                self.pos += 1
                return found
            name_match = _NAME.match(source, self.pos)
            assert name_match is not None
            name = name_match.group().lower()
            if not name:
                raise self.fail(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self.byte_offset(self.pos)}"
                )
            self.pos = name_match.end()
            while self.pos < len(source) and source[self.pos].isspace():
                self.pos += 1
            if self.pos >= len(source) or source[self.pos] != "=":
                found[name] = ""  # a bare attribute, as in <blockquote expandable>
                continue
            self.pos += 1
            while self.pos < len(source) and source[self.pos].isspace():
                self.pos += 1
            if self.pos < len(source) and source[self.pos] in "\"'":
                quote = source[self.pos]
                end = source.find(quote, self.pos + 1)
                if end == -1:
                    raise self.fail(f"Unclosed start tag at byte offset {offset}")
                raw = source[self.pos + 1 : end]
                self.pos = end + 1
            else:
                value_match = _UNQUOTED_VALUE.match(source, self.pos)
                assert value_match is not None
                raw = value_match.group()
                self.pos = value_match.end()
            found[name] = _decode_references(raw)

    def end_tag(self) -> None:
        offset = self.byte_offset(self.pos)
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {offset}")
        name_match = _NAME.match(self.source, self.pos + 2)
        assert name_match is not None
        name = name_match.group().lower()
        self.pos = name_match.end()
        while self.pos < len(self.source) and self.source[self.pos].isspace():
            self.pos += 1
        if self.pos >= len(self.source) or self.source[self.pos] != ">":
            raise self.fail(f"Unclosed end tag at byte offset {offset}")
        self.pos += 1
        tag = self.stack.pop()
        if name != tag.name:
            raise self.fail(
                f'Unmatched end tag at byte offset {offset}, expected "</{tag.name}>", '
                f'found "</{name}>"'
            )
        self.close(tag)

    def close(self, tag: _OpenTag) -> None:
        length = self.length - tag.start
        language = tag.attributes.get("class", "")
        parent = self.stack[-1] if self.stack else None
        if (
            tag.name == "code"
            and parent is not None
            and parent.name == "pre"
            and language.startswith("language-")
        ):
            # <pre><code class="language-x"> is one pre entity with a language.
            parent.language = language.removeprefix("language-")
            return
        if length == 0:
            return  # Telegram drops empty entities instead of refusing them
        entity: Entity = {"type": _ENTITY_TYPES[tag.name], "offset": tag.start, "length": length}
        if tag.name == "a":
            href = tag.attributes.get("href")
            if not href:
                return
            entity["url"] = href
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attributes["emoji-id"]
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def _reference_text(match: re.Match[str]) -> str:
    decimal, hexadecimal, named = match.groups()
    if named:
        return _NAMED[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    # Telegram substitutes what is not a character (0, surrogates, beyond Unicode).
    valid = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
    return chr(code) if valid else "\ufffd"


def _decode_references(raw: str) -> str:
    return _REFERENCE.sub(_reference_text, raw)


def parse_html(source: str) -> ParsedText:
    """Parse text in Telegram's HTML parse mode.

    Args:
        source: The text as the bot sent it, e.g. ``"<b>Hello</b>, &lt;name&gt;"``.

    Returns:
        The plain text and its entities.

    Raises:
        SandboxError: 400 ``"Bad Request: can't parse entities: ..."`` as Telegram words it.
    """
    return _Parser(source).run()
