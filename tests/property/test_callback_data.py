"""Property: forged or random callback data never breaks parsing, and what parses re-encodes."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.engine import NAVIGATION
from bot.tg.callback_data import (
    MAX_BYTES,
    Answer,
    LanguagePick,
    NavigationPress,
    StaffPress,
    TicketPress,
    encode,
    parse,
)

NUMBERS = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", "0", "00", "01", "-0", "+1", "1e3", "１２", "٣", "9" * 9, "9" * 10]),
    st.text("0123456789", max_size=20),
)
WORDS = st.one_of(
    st.sampled_from(["b", "r", "h", "l", "x", "cancel", "reveal", "claim", "close", "en", "de"]),
    st.sampled_from(["ru_RU", "pt_br", "EN", "yes", "no", "a" * 32, "a" * 33, "ключ", "ｂ"]),
    st.from_regex(r"[a-z][a-z0-9_]{0,40}", fullmatch=True),
    st.text(max_size=40),
)
SEPARATORS = st.sampled_from([":", "::", "", " :", ":\n", "\x00:", "："])


@st.composite
def prefixed(draw: st.DrawFn) -> str:
    """Data that starts like a real button's and then goes wrong (or stays right)."""
    kind = draw(st.sampled_from(["c", "n", "l", "t", "s", "C", "x", ""]))
    parts = draw(st.lists(st.one_of(NUMBERS, WORDS), min_size=0, max_size=4))
    separator = draw(SEPARATORS)
    text = kind + ":" + separator.join(parts)
    if draw(st.booleans()):
        text += draw(st.sampled_from(["", "\n", " ", "\x00", ":", "é", "🙂", "x" * 60]))
    return text


DATA = st.one_of(
    prefixed(),
    st.text(max_size=200),
    st.text(st.characters(codec="utf-8"), min_size=50, max_size=300),
    st.binary(max_size=80).map(lambda raw: raw.decode("utf-8", errors="replace")),
    st.binary(max_size=80).map(lambda raw: raw.decode("latin-1")),
)


@settings(max_examples=600)
@given(DATA)
@example("c:1:yes")
@example("c:1:yes\n")
@example("n:3:b")
@example("l:pt_BR")
@example("t:cancel:7")
@example("s:close:01")
@example("c:1:" + "é" * 40)
@example("c:0001:yes")  # a zero-padded turn is no button the bot makes
@example("n:007:b")
def test_parse_never_raises_and_accepts_only_what_the_bot_makes(data: str) -> None:
    press = parse(data)
    if press is None:
        return
    assert len(data.encode()) <= MAX_BYTES
    assert encode(press) == data


PRESSES = st.one_of(
    st.builds(
        Answer, st.integers(0, 999_999_999), st.from_regex(r"[a-z][a-z0-9_]{0,31}", fullmatch=True)
    ),
    st.builds(NavigationPress, st.integers(0, 999_999_999), st.sampled_from(NAVIGATION)),
    st.builds(LanguagePick, st.from_regex(r"[a-z]{2,3}(_[A-Z]{2})?", fullmatch=True)),
    st.builds(TicketPress, st.sampled_from(["cancel", "reveal"]), st.integers(1, 10**17)),
    st.builds(StaffPress, st.sampled_from(["claim", "close"]), st.integers(1, 10**17)),
)


@settings(max_examples=300)
@given(PRESSES)
def test_every_button_the_bot_makes_comes_back_as_itself(press: object) -> None:
    data = encode(press)  # type: ignore[arg-type]
    assert len(data.encode()) <= MAX_BYTES
    assert parse(data) == press
