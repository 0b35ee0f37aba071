"""A deployment's working hours: when advocates answer, and how to tell a user so in their language.

Hours are written the way people say them, in the deployment's own time zone::

    Mon-Fri 09:00-18:00 Europe/Berlin
    Sun-Thu 10:00-16:00 Asia/Tbilisi
    Mon,Wed,Fri 09:30-13:00 Europe/Vilnius

Days are English abbreviations (or full names), single or as ranges, joined by commas
(``Mon-Thu, Sat``); a range may wrap past Sunday (``Fri-Mon``). Times are 24-hour ``HH:MM``;
the opening must come before the closing on the same day. The zone is an IANA name, read with
:mod:`zoneinfo`, so opening at 09:00 means 09:00 on the local clock in winter and in summer
alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.core import get_global
from babel.dates import format_interval, get_day_names, get_timezone_location

__all__ = ["WorkingHours"]

_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EXAMPLE = "Mon-Fri 09:00-18:00 Europe/Berlin"
# Days are everything before the first digit, so "Sat, Sun" may have spaces in it.
_SHAPE = re.compile(r"\s*(?P<days>[^0-9]+?)\s+(?P<times>[0-9].*?)\s+(?P<zone>\S+)\s*")
_TIMES = re.compile(r"(?P<open>\S+?)\s*[-–]\s*(?P<close>\S+)")
_CLOCK = re.compile(r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})")
_DASH = re.compile(r"\s*[-–]\s*")

# Keys zoneinfo accepts that name no place: "localtime" is whatever the machine is set to (a
# container is usually UTC), "Factory" is the placeholder zone of an unconfigured system.
_PLACELESS = frozenset({"localtime", "Factory", "posixrules"})

# Spellings of UTC. CLDR has no readable name for them (Babel writes "Unknown Region (UTC)
# Time", and in Russian even adds "summer time"), and "UTC" is understood in every language.
_UTC_KEYS = frozenset(
    {
        "UTC",
        "UCT",
        "Universal",
        "Zulu",
        "GMT",
        "GMT0",
        "GMT+0",
        "GMT-0",
        "Greenwich",
        "Etc/UTC",
        "Etc/UCT",
        "Etc/Universal",
        "Etc/Zulu",
        "Etc/GMT",
        "Etc/GMT0",
        "Etc/GMT+0",
        "Etc/GMT-0",
        "Etc/Greenwich",
    }
)


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """When advocates answer: the same opening and closing time on each of some weekdays.

    Attributes:
        timezone: The IANA time zone the times are in, e.g. ``"Europe/Berlin"``.
        days: Weekdays as :meth:`datetime.weekday` numbers (0 is Monday).
        open: The opening time on the local clock.
        close: The closing time on the local clock, after ``open`` (the hours do not run past
            midnight).
    """

    timezone: str
    days: frozenset[int]
    open: time
    close: time

    def __post_init__(self) -> None:
        """Refuse hours that cannot be meant, whichever way they were built.

        Raises:
            ValueError: An unknown zone, no days or a day outside 0-6, times with a time zone
                of their own, or an opening not before the closing.
        """
        _zone(self.timezone)
        if not self.days:
            raise ValueError("working hours need at least one day")
        if not self.days <= set(range(7)):
            raise ValueError(f"days must be weekday numbers 0 (Monday) to 6, got {set(self.days)}")
        if self.open.tzinfo is not None or self.close.tzinfo is not None:
            raise ValueError("opening and closing times take the time zone of the working hours")
        if self.open >= self.close:
            raise ValueError(
                f"the opening time {self.open:%H:%M} must be before the closing time"
                f" {self.close:%H:%M} (hours past midnight are not supported)"
            )

    @classmethod
    def parse(cls, spec: str) -> WorkingHours:
        """Read hours written like ``"Mon-Fri 09:00-18:00 Europe/Berlin"``.

        Args:
            spec: Days, a time range and an IANA time zone, separated by spaces.

        Returns:
            The working hours.

        Raises:
            ValueError: Naming the part of ``spec`` that is wrong and what was expected.
        """
        match = _SHAPE.fullmatch(spec)
        if match is None:
            raise ValueError(f"working hours {spec!r}: expected days, times and a zone: {_EXAMPLE}")
        try:
            days = _parse_days(match["days"])
            open_, close = _parse_times(match["times"])
            return cls(match["zone"], days, open_, close)
        except ValueError as error:
            raise ValueError(f"working hours {spec!r}: {error}") from None

    def __str__(self) -> str:
        """The hours in the form :meth:`parse` reads, e.g. ``Mon-Fri 09:00-18:00 Europe/Berlin``."""
        names = []
        for run in _runs(self.days):
            first, last = _DAY_NAMES[run[0]].title(), _DAY_NAMES[run[-1]].title()
            names.append(first if len(run) == 1 else f"{first}-{last}")
        return f"{','.join(names)} {self.open:%H:%M}-{self.close:%H:%M} {self.timezone}"

    @property
    def zone(self) -> ZoneInfo:
        """The time zone (zoneinfo caches it, so this is cheap)."""
        return ZoneInfo(self.timezone)

    def is_open(self, now: datetime) -> bool:
        """Whether ``now`` falls within the hours of a working day.

        A working day's hours run from the first moment the local clock shows the opening time
        to the first moment it shows the closing time. Read that way, a clock that falls back
        through the opening time (01:30 twice in one night) does not open the hours twice, and
        one that springs forward over it (no 02:30 that night) opens them when it jumps.

        Args:
            now: A timezone-aware moment (from the injected clock).

        Returns:
            True from the opening (inclusive) to the closing (exclusive).

        Raises:
            ValueError: ``now`` is naive: whose 09:00 it is would be a guess.
        """
        zone = self.zone
        today = _aware(now).astimezone(zone).date()
        # The neighbouring days too: where clocks change at midnight, a moment can show one
        # date on the clock and still fall within the hours of the day before or after.
        for offset in (-1, 0, 1):
            period = self._period(today + timedelta(days=offset), zone)
            if period is not None and period[0] <= now < period[1]:
                return True
        return False

    def next_opening(self, now: datetime) -> datetime:
        """The next moment after ``now`` at which the hours begin.

        While the hours are open, that is the start of the next working day's hours; a caller
        asking "when can someone answer?" checks :meth:`is_open` first.

        Days are stepped on the local calendar, so an opening at 09:00 stays at 09:00 local
        time across a daylight-saving change; see :meth:`is_open` for openings that a change
        skips or repeats.

        Args:
            now: A timezone-aware moment.

        Returns:
            The opening, as an aware datetime in the deployment's time zone.

        Raises:
            ValueError: ``now`` is naive.
        """
        zone = self.zone
        today = _aware(now).astimezone(zone).date()
        # Two weeks: a day can be skipped whole (Samoa skipped 30 December 2011), so one week
        # plus today is not always enough; at least one working day lies in every week.
        for offset in range(15):
            period = self._period(today + timedelta(days=offset), zone)
            if period is not None and period[0] > now:
                return period[0]
        raise AssertionError("unreachable: every week has a working day")  # pragma: no cover

    def _period(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
        """The opening and closing moments of ``day``, or None if the hours are shut that day.

        Shut on a day off, and on the rare night when the clock skips over both times.
        """
        if day.weekday() not in self.days:
            return None
        start = _first_moment_at(datetime.combine(day, self.open), zone)
        end = _first_moment_at(datetime.combine(day, self.close), zone)
        return (start, end) if start < end else None

    def describe(self, language: str) -> str:
        """The hours for people, in ``language``, on the deployment's clock and naming its zone.

        Args:
            language: A locale Babel knows (``"de"``, ``"ru"``, ``"en"``).

        Returns:
            e.g. ``"Mo.–Fr., 09:00–18:00 Uhr (Mitteleuropäische Zeit)"`` or
            ``"Mon–Fri, 9:00 AM – 6:00 PM (Central European Time)"``.
        """
        locale = Locale.parse(language)
        # Abbreviated names in the "format" context: German writes "Mo." there, "Mo" alone.
        names = get_day_names("abbreviated", context="format", locale=locale)
        days = []
        for run in _runs(self.days):
            if len(run) >= 3:
                days.append(f"{names[run[0]]}–{names[run[-1]]}")
            else:
                days.extend(names[day] for day in run)
        # The locale's own clock: 12-hour in English ("9:00 AM"), 24-hour elsewhere.
        short = locale.time_formats["short"].pattern
        skeleton = "hm" if "h" in short else "Hm"
        times = format_interval(self.open, self.close, skeleton=skeleton, locale=locale)
        return f"{', '.join(days)}, {times} ({_zone_name(self.timezone, locale)})"


def _parse_days(text: str) -> frozenset[int]:
    days: set[int] = set()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            raise ValueError(f"empty day in {text!r}: separate days with single commas")
        ends = _DASH.split(item)
        if len(ends) > 2:
            raise ValueError(f"{item!r} is not a day or a range of days like Mon-Fri")
        first, *rest = (_parse_day(name) for name in ends)
        last = rest[0] if rest else first
        # A range runs forward through the week and may wrap: Fri-Mon is Fri, Sat, Sun, Mon.
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    return frozenset(days)


def _parse_day(name: str) -> int:
    key = name.lower()
    for names in (_DAY_NAMES, _FULL_DAY_NAMES):
        if key in names:
            return names.index(key)
    raise ValueError(f"unknown day {name!r}: use Mon, Tue, Wed, Thu, Fri, Sat or Sun")


def _parse_times(text: str) -> tuple[time, time]:
    match = _TIMES.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a time range like 09:00-18:00")
    return _parse_clock(match["open"]), _parse_clock(match["close"])


def _parse_clock(text: str) -> time:
    match = _CLOCK.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a time like 09:00 (24-hour HH:MM)")
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r} is not a time of day: use 00:00 to 23:59")
    return time(hour, minute)


def _zone(key: str) -> ZoneInfo:
    if key in _PLACELESS:
        raise ValueError(
            f"time zone {key!r} names no place: use an IANA name such as Europe/Berlin"
        )
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        # ZoneInfoNotFoundError is a KeyError; a malformed key ("../x") is a ValueError.
        raise ValueError(
            f"unknown time zone {key!r}: use an IANA name such as Europe/Berlin"
            " (names are case-sensitive)"
        ) from None


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone: pass an aware datetime")
    return moment


def _first_moment_at(local: datetime, zone: ZoneInfo) -> datetime:
    """The first moment at which the clock in ``zone`` shows ``local`` (naive) or later.

    Usually that is ``local`` itself (the earlier of two, when clocks fall back and show it
    twice). When clocks spring forward over ``local`` it never shows; then it is the moment of
    the change, found by bisection between the two readings zoneinfo offers for the gap.
    """
    earlier = local.replace(tzinfo=zone, fold=0)
    if _wall(earlier, zone) == local:
        return earlier
    # In a gap, fold=0 reads ``local`` with the offset before the change (a moment after it),
    # fold=1 with the offset after (a moment before it). Whole seconds suffice: zone changes
    # happen on whole seconds.
    low = int(local.replace(tzinfo=zone, fold=1).timestamp())
    high = int(earlier.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(datetime.fromtimestamp(middle, UTC), zone) >= local:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC).astimezone(zone)


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    """What the clock in ``zone`` shows at ``moment``, without the zone."""
    # Through UTC: astimezone() into a datetime's own tzinfo returns it unchanged, so a
    # non-existent wall time would otherwise seem to exist.
    return moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None)


def _runs(days: frozenset[int]) -> list[list[int]]:
    """Consecutive days, wrapping past Sunday, in week order of the first day of each run.

    ``{0, 1, 2, 3, 4}`` -> ``[[0, 1, 2, 3, 4]]``; ``{0, 5, 6}`` -> ``[[5, 6, 0]]``.
    """
    if len(days) == 7:
        return [list(range(7))]
    runs = []
    for start in sorted(days):
        if (start - 1) % 7 in days:
            continue  # not the first day of its run
        run = [start]
        while (run[-1] + 1) % 7 in days:
            run.append((run[-1] + 1) % 7)
        runs.append(run)
    return runs


def _zone_name(key: str, locale: Locale) -> str:
    """A zone's name for people: its CLDR generic name, else its main city, else its key.

    The generic name ("Central European Time") holds all year, unlike "... Summer Time". Babel's
    own fallback for zones without one reads badly ("United Kingdom Time", and Russian adds
    "summer time" to every such zone all year), so a city stands in: "London", "Алматы".
    """
    if key in _UTC_KEYS:
        return "UTC"
    canonical = get_global("zone_aliases").get(key, key)
    metazone = get_global("meta_zones").get(canonical)
    if metazone is not None:
        generic = locale.meta_zones.get(metazone, {}).get("long", {}).get("generic")
        if generic:
            return str(generic)
    city = get_timezone_location(ZoneInfo(key), locale=locale, return_city=True)
    return city or key
