"""Working hours: parsing, open or closed, the next opening across DST changes, and wording."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.handoff.hours import WorkingHours

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = WorkingHours.parse("Mon-Fri 09:00-18:00 Europe/Berlin")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def before(moment: datetime) -> datetime:
    """One real second earlier: arithmetic on a zoned datetime moves its wall clock instead."""
    return moment.astimezone(UTC) - timedelta(seconds=1)


# --- parsing ---------------------------------------------------------------------------------


def test_parse() -> None:
    expected = WorkingHours("Europe/Berlin", frozenset(range(5)), time(9), time(18))
    assert expected == OFFICE


@pytest.mark.parametrize(
    ("spec", "days", "open_", "close"),
    [
        ("mon-fri 9:30-17:00 Europe/Berlin", {0, 1, 2, 3, 4}, time(9, 30), time(17)),
        ("  Sat , Sun  10:00 – 14:00  UTC ", {5, 6}, time(10), time(14)),
        ("Mon,Wed,Fri 10:00 - 14:00 UTC", {0, 2, 4}, time(10), time(14)),
        ("Fri-Mon 10:00–14:00 UTC", {4, 5, 6, 0}, time(10), time(14)),
        ("Monday-Thursday,Sat 08:00-12:00 Asia/Tbilisi", {0, 1, 2, 3, 5}, time(8), time(12)),
        ("Sun 00:00-23:59 UTC", {6}, time(0), time(23, 59)),
        ("Mon-Sun 10:00-11:00 UTC", set(range(7)), time(10), time(11)),
    ],
)
def test_parse_variants(spec: str, days: set[int], open_: time, close: time) -> None:
    hours = WorkingHours.parse(spec)
    assert (hours.days, hours.open, hours.close) == (days, open_, close)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "expected days, times and a zone: Mon-Fri 09:00-18:00 Europe/Berlin"),
        ("Mon-Fri 09:00-18:00", "expected days, times and a zone"),
        ("09:00-18:00 UTC", "expected days, times and a zone"),
        ("Sat Sun 09:00-18:00 UTC", "unknown day 'Sat Sun'"),
        ("Mo-Fr 09:00-18:00 UTC", "unknown day 'Mo': use Mon, Tue, Wed, Thu, Fri, Sat or Sun"),
        ("Mon,,Fri 09:00-18:00 UTC", "empty day in 'Mon,,Fri'"),
        ("Mon-Wed-Fri 09:00-18:00 UTC", "'Mon-Wed-Fri' is not a day or a range of days"),
        ("Mon-Fri 9-18 UTC", "'9' is not a time like 09:00"),
        ("Mon-Fri 09:00 UTC", "'09:00' is not a time range like 09:00-18:00"),
        ("Mon-Fri 09:00-24:00 UTC", "'24:00' is not a time of day: use 00:00 to 23:59"),
        ("Mon-Fri 09:60-18:00 UTC", "'09:60' is not a time of day"),
        ("Mon-Fri 18:00-09:00 UTC", "opening time 18:00 must be before the closing time 09:00"),
        ("Mon-Fri 09:00-09:00 UTC", "opening time 09:00 must be before"),
        ("Mon-Fri 09:00-18:00 Europe/Berln", "unknown time zone 'Europe/Berln'"),
        ("Mon-Fri 09:00-18:00 europe/berlin", "names are case-sensitive"),
        ("Mon-Fri 09:00-18:00 ../etc/passwd", "unknown time zone '../etc/passwd'"),
        ("Mon-Fri 09:00-18:00 localtime", "time zone 'localtime' names no place"),
    ],
)
def test_parse_errors(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match="working hours ") as error:
        WorkingHours.parse(spec)
    assert message in str(error.value)
    assert repr(spec) in str(error.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": frozenset()}, "at least one day"),
        ({"days": frozenset({7})}, "weekday numbers 0 (Monday) to 6"),
        ({"open": time(9, tzinfo=UTC)}, "take the time zone of the working hours"),
        ({"timezone": "Nowhere/City"}, "unknown time zone"),
    ],
)
def test_direct_construction_is_checked(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "timezone": "UTC",
        "days": frozenset({0}),
        "open": time(9),
        "close": time(17),
    }
    with pytest.raises(ValueError, match=re.escape(message)):
        WorkingHours(**{**fields, **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("spec", "canonical"),
    [
        ("Mon-Fri 09:00-18:00 Europe/Berlin", "Mon-Fri 09:00-18:00 Europe/Berlin"),
        ("fri-mon 9:00-12:30 UTC", "Fri-Mon 09:00-12:30 UTC"),
        ("Mon,Tue,Thu 09:00-12:00 UTC", "Mon-Tue,Thu 09:00-12:00 UTC"),
        ("Sun,Sat,Mon-Sun 09:00-12:00 UTC", "Mon-Sun 09:00-12:00 UTC"),
    ],
)
def test_str_is_a_spec(spec: str, canonical: str) -> None:
    hours = WorkingHours.parse(spec)
    assert str(hours) == canonical
    assert WorkingHours.parse(str(hours)) == hours


# --- open or closed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (berlin(2025, 1, 6, 9, 0), True),  # Monday, opening time
        (berlin(2025, 1, 6, 8, 59, 59), False),
        (berlin(2025, 1, 6, 17, 59, 59), True),
        (berlin(2025, 1, 6, 18, 0), False),  # closing time is closed
        (berlin(2025, 1, 11, 12, 0), False),  # Saturday
        (utc(2025, 1, 6, 8, 0), True),  # 09:00 in Berlin in winter (UTC+1)
        (utc(2025, 7, 7, 8, 0), True),  # 10:00 in Berlin in summer (UTC+2)
        (utc(2025, 7, 7, 6, 59), False),  # 08:59 in Berlin in summer
        (utc(2025, 7, 7, 7, 0), True),
        (datetime(2025, 1, 6, 3, 0, tzinfo=ZoneInfo("America/New_York")), True),  # 09:00 Berlin
    ],
)
def test_is_open(moment: datetime, expected: bool) -> None:
    assert OFFICE.is_open(moment) is expected


def test_is_open_follows_the_local_clock_across_the_spring_change() -> None:
    # Berlin moves from UTC+1 to UTC+2 at 01:00 UTC on Sunday 30 March 2025; on the Monday
    # after, 09:00 local is 07:00 UTC, where the Friday before it was 08:00 UTC.
    assert not OFFICE.is_open(utc(2025, 3, 28, 7, 30))
    assert OFFICE.is_open(utc(2025, 3, 28, 8, 0))
    assert OFFICE.is_open(utc(2025, 3, 31, 7, 0))
    assert not OFFICE.is_open(utc(2025, 3, 31, 6, 59, 59))
    assert not OFFICE.is_open(utc(2025, 3, 31, 16, 0))  # 18:00 local


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="has no time zone"):
        OFFICE.is_open(datetime(2025, 1, 6, 9))
    with pytest.raises(ValueError, match="has no time zone"):
        OFFICE.next_opening(datetime(2025, 1, 6, 9))


# --- the next opening -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (berlin(2025, 1, 6, 7, 0), berlin(2025, 1, 6, 9, 0)),  # before opening: today
        (berlin(2025, 1, 6, 9, 0), berlin(2025, 1, 7, 9, 0)),  # at opening: the next one
        (berlin(2025, 1, 6, 12, 0), berlin(2025, 1, 7, 9, 0)),  # open: the next day's
        (berlin(2025, 1, 10, 18, 0), berlin(2025, 1, 13, 9, 0)),  # Friday evening: Monday
        (berlin(2025, 1, 11, 23, 59), berlin(2025, 1, 13, 9, 0)),
        (utc(2025, 1, 6, 7, 59), berlin(2025, 1, 6, 9, 0)),
    ],
)
def test_next_opening(now: datetime, expected: datetime) -> None:
    opening = OFFICE.next_opening(now)
    assert opening == expected
    assert opening.tzinfo == BERLIN


def test_next_opening_over_the_spring_change() -> None:
    # Friday evening in winter time to Monday morning in summer time: 09:00 local both times.
    opening = OFFICE.next_opening(berlin(2025, 3, 28, 19, 0))
    assert opening.astimezone(UTC) == utc(2025, 3, 31, 7, 0)
    assert (opening.hour, opening.utcoffset()) == (9, timedelta(hours=2))


def test_next_opening_over_the_autumn_change() -> None:
    opening = OFFICE.next_opening(berlin(2025, 10, 24, 19, 0))
    assert opening.astimezone(UTC) == utc(2025, 10, 27, 8, 0)
    assert (opening.hour, opening.utcoffset()) == (9, timedelta(hours=1))


def test_an_opening_skipped_by_the_spring_change_opens_when_the_clock_jumps() -> None:
    night = WorkingHours.parse("Sun 02:30-05:00 Europe/Berlin")
    opening = night.next_opening(utc(2025, 3, 29, 12, 0))
    # 02:30 does not exist that night: the clock goes from 02:00 to 03:00 at 01:00 UTC.
    assert opening.astimezone(UTC) == utc(2025, 3, 30, 1, 0)
    assert night.is_open(opening)
    assert not night.is_open(before(opening))


def test_an_opening_the_autumn_change_repeats_is_the_first_one() -> None:
    night = WorkingHours.parse("Sun 02:30-05:00 Europe/Berlin")
    opening = night.next_opening(utc(2025, 10, 25, 12, 0))
    assert opening.astimezone(UTC) == utc(2025, 10, 26, 0, 30)  # 02:30 summer time
    # Once open, the second 02:30 an hour later is not a new opening: next Sunday's is.
    assert night.next_opening(opening) == berlin(2025, 11, 2, 2, 30)


def test_a_clock_falling_back_does_not_open_the_hours_twice() -> None:
    # New York, 3 November 2013: 02:00 summer time (06:00 UTC) became 01:00 standard time,
    # so the clock showed 01:30, the opening time, twice: at 05:30 and at 06:30 UTC.
    night = WorkingHours.parse("Sun 01:30-03:30 America/New_York")
    assert not night.is_open(utc(2013, 11, 3, 5, 29))
    assert night.is_open(utc(2013, 11, 3, 5, 30))
    assert night.is_open(utc(2013, 11, 3, 6, 13))  # 01:13 on the clock, the second time
    assert night.next_opening(utc(2013, 11, 3, 6, 13)).date().isoformat() == "2013-11-10"
    assert not night.is_open(utc(2013, 11, 3, 8, 30))  # 03:30 standard time


def test_a_day_the_calendar_skips_is_skipped() -> None:
    # Samoa moved across the date line: Friday 30 December 2011 never happened in Apia.
    friday = WorkingHours.parse("Fri 09:00-10:00 Pacific/Apia")
    opening = friday.next_opening(utc(2011, 12, 28, 0, 0))
    assert opening == datetime(2012, 1, 6, 9, 0, tzinfo=ZoneInfo("Pacific/Apia"))


# Lord Howe moves its clocks by half an hour; Santiago at midnight; Apia skipped a whole day.
ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Pacific/Apia",
    "UTC",
]


@settings(max_examples=200, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    spec=st.sampled_from(
        ["Mon-Fri 09:00-18:00", "Sun 01:30-03:30", "Sat,Tue 02:00-02:30", "Sat-Sun 00:00-00:30"]
    ),
    now=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
)
def test_next_opening_is_where_closed_turns_open(zone: str, spec: str, now: datetime) -> None:
    hours = WorkingHours.parse(f"{spec} {zone}")
    opening = hours.next_opening(now)
    assert opening > now
    assert opening - now <= timedelta(days=8)
    assert hours.is_open(opening)
    assert not hours.is_open(before(opening))
    # and the hours did not open anywhere in between (checked every ten minutes)
    moment, was_open = now, hours.is_open(now)
    while moment < before(opening):
        moment = min(moment + timedelta(minutes=10), before(opening))
        assert was_open or not hours.is_open(moment)
        was_open = hours.is_open(moment)


# --- describe ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Mon–Fri, 9:00\u202fAM\u2009–\u20096:00\u202fPM (Central European Time)"),
        ("ru", "пн–пт, 09:00–18:00 (Центральная Европа)"),
        ("de", "Mo.–Fr., 09:00–18:00 Uhr (Mitteleuropäische Zeit)"),
        ("fr", "lun.–ven., 09:00\u2009–\u200918:00 (heure d’Europe centrale)"),
    ],
)
def test_describe(language: str, expected: str) -> None:
    assert OFFICE.describe(language) == expected


@pytest.mark.parametrize(
    ("spec", "language", "expected"),
    [
        # two days are listed, three or more make a range
        ("Sat-Sun 10:00-14:00 Europe/Moscow", "ru", "сб, вс, 10:00–14:00 (Москва)"),
        (
            "Mon,Wed-Fri 10:00-14:00 Europe/Moscow",
            "de",
            "Mo., Mi.–Fr., 10:00–14:00 Uhr (Moskauer Zeit)",
        ),
        # a range over the weekend starts where it starts
        (
            "Fri-Mon 10:00-14:00 Asia/Tbilisi",
            "en",
            "Fri–Mon, 10:00\u202fAM\u2009–\u20092:00\u202fPM (Georgia Time)",
        ),
        ("Mon-Sun 10:00-14:00 UTC", "ru", "пн–вс, 10:00–14:00 (UTC)"),
        ("Mon 10:00-14:00 Etc/UTC", "fr", "lun., 10:00\u2009–\u200914:00 (UTC)"),
        # no all-year CLDR name: the zone's city rather than "United Kingdom Time"
        ("Mon-Fri 09:00-17:00 Europe/London", "fr", "lun.–ven., 09:00\u2009–\u200917:00 (Londres)"),
        ("Mon-Fri 09:00-17:00 Asia/Almaty", "ru", "пн–пт, 09:00–17:00 (Алматы)"),
    ],
)
def test_describe_days_and_zones(spec: str, language: str, expected: str) -> None:
    assert WorkingHours.parse(spec).describe(language) == expected


def test_describe_does_not_depend_on_the_season() -> None:
    # A generic name ("Central European Time"), never "... Summer Time" half of the year.
    for language in ("en", "ru", "de", "fr"):
        text = OFFICE.describe(language)
        assert not any(word in text for word in ("Summer", "летнее", "Sommer", "été"))
