"""Callback data: short, parseable, and anything forged is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.tg.callback_data import (
    MAX_BYTES,
    Answer,
    ForgetPress,
    HidePress,
    LanguagePick,
    NavigationPress,
    StaffPress,
    TicketPress,
    encode,
    parse,
)


@pytest.mark.parametrize(
    ("press", "data"),
    [
        (Answer(3, "russia"), "c:3:russia"),
        (NavigationPress(12, "back"), "n:12:b"),
        (NavigationPress(1, "restart"), "n:1:r"),
        (NavigationPress(1, "human"), "n:1:h"),
        (NavigationPress(1, "language"), "n:1:l"),
        (LanguagePick("ru"), "l:ru"),
        (LanguagePick("pt_BR"), "l:pt_BR"),
        (TicketPress("cancel", 12), "t:cancel:12"),
        (TicketPress("reveal", 1), "t:reveal:1"),
        (StaffPress("claim", 999_999_999_999), "s:claim:999999999999"),
        (StaffPress("close", 7), "s:close:7"),
        (HidePress(), "hide"),
        (ForgetPress(erase=True), "f:erase"),
        (ForgetPress(erase=False), "f:keep"),
    ],
)
def test_round_trip(press, data):
    assert encode(press) == data
    assert parse(data) == press


def test_longest_possible_data_fits_telegram():
    longest = encode(Answer(999_999_999, "a" * 32))
    assert len(longest.encode()) <= MAX_BYTES


@pytest.mark.parametrize(
    "data",
    [
        None, "", "x", "c:1:", "c::a", "c:-1:a", "c:1:A", "c:1:a b", "n:1:z", "n:1:back",
        "l:english", "l:", "c:1:" + "a" * 40, "c:1234567890:a", "c:١:a", "c:1:a\n", "l:ru ",
    ],
)  # fmt: skip
def test_forged_data_is_refused(data):
    assert parse(data) is None


def test_an_option_id_that_cannot_travel_is_refused_when_encoding():
    with pytest.raises(ValueError):
        encode(Answer(1, "Not An Id"))


@given(st.text(max_size=80))
def test_parse_never_raises(data):
    press = parse(data)
    if press is not None:
        assert encode(press) == data


@pytest.mark.parametrize(
    "data",
    ["t:claim:1", "s:cancel:1", "s:claim:0", "s:claim:01", "s:claim:-1", "t:cancel:", "x:claim:1",
     "s:claim:1:2", "s:CLAIM:1"],
)  # fmt: skip
def test_case_buttons_refuse_what_they_do_not_know(data):
    # A person's button cannot pass for the staff's, nor the other way round.
    assert parse(data) is None


@pytest.mark.parametrize(
    "data",
    [
        "Hide",
        "hide ",
        " hide",
        "hide\n",
        "hide:1",
        "h",
        "f:",
        "f:Erase",
        "f:erase ",
        "f:yes",
        "f:keep:1",
    ],
)
def test_quick_exit_and_forget_are_parsed_strictly(data):
    assert parse(data) is None
