"""The business calendar: timezone, weekly shifts (weekend days too) and holidays.

SLA clocks run only inside it. :meth:`BusinessCalendar.business_seconds` walks the local days
between two instants (O(days), never minute by minute) and, for each day that is not a holiday,
adds the overlap of each of that weekday's shifts. A shift's start and end are turned into
instants through the timezone on that very day, so a day with a DST change is exact (a
00:00-24:00 shift on the day clocks go forward is 23 hours long).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SHIFT = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_DURATION_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(min|s|m|h|d)", re.IGNORECASE)
_UNIT = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


class CalendarError(ValueError):
    """The [calendar] or [sla] config is wrong; the message says which key and how to fix it."""


def parse_duration(value: Any, where: str) -> float:
    """``"2h"``, ``"30m"``, ``"1h30m"``, ``"1.5h"``, ``"3d"``, ``"90s"`` or a number of seconds → seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    if isinstance(value, str) and value.strip():
        seconds, pos, text = 0.0, 0, value.strip()
        while pos < len(text):
            m = _DURATION_PART.match(text, pos)
            if not m:
                break
            seconds += float(m.group(1)) * _UNIT[m.group(2).lower()]
            pos = m.end()
        else:
            if seconds > 0:
                return seconds
            raise CalendarError(f"{where} must be longer than zero (got {value!r})")
    raise CalendarError(f"{where} must be a duration such as \"2h\", \"90m\", \"1h30m\" or \"1d\" (got {value!r})")


def parse_shifts(value: Any, where: str) -> list[tuple[int, int]]:
    """``"09:00-17:00"`` or a list of them → sorted, non-overlapping (start, end) minutes of the day."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise CalendarError(f"{where} must be \"HH:MM-HH:MM\" or a list of them, e.g. [\"09:00-12:00\", \"13:00-17:00\"]")
    out: list[tuple[int, int]] = []
    for item in items:
        m = _SHIFT.match(item)
        if not m:
            raise CalendarError(f"{where}: {item!r} is not \"HH:MM-HH:MM\"")
        h1, m1, h2, m2 = (int(x) for x in m.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 60:
            raise CalendarError(f"{where}: {item!r} is not a time of day (00:00 to 24:00)")
        if end <= start:
            raise CalendarError(f"{where}: {item!r} ends before it starts (a shift past midnight is two: "
                                "\"22:00-24:00\" today and \"00:00-06:00\" the next day)")
        out.append((start, end))
    out.sort()
    for (s1, e1), (s2, e2) in zip(out, out[1:]):
        if s2 < e1:
            raise CalendarError(f"{where}: shifts overlap")
    return out


@dataclass
class BusinessCalendar:
    """Shifts per weekday (0 = Monday) in minutes of the local day; holidays as local dates."""

    timezone: str = "UTC"
    shifts: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    country: str | None = None
    #: False: no [calendar] configured, business time equals wall-clock time.
    configured: bool = True

    def __post_init__(self) -> None:
        try:
            self.tz = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise CalendarError(f"[calendar] timezone {self.timezone!r} is not an IANA timezone "
                                "such as \"America/New_York\"") from None
        self._country_holidays: Any = None
        if self.country:
            import holidays as holidays_lib

            try:
                self._country_holidays = holidays_lib.country_holidays(self.country)
            except NotImplementedError:
                raise CalendarError(f"[calendar] country {self.country!r} is not known to the holidays package "
                                    "(use an ISO code such as \"US\", \"GB\", \"DE\")") from None
        # Per-instance cache of each local day's shift instants.
        self._day = lru_cache(maxsize=4096)(self._day_intervals)

    @classmethod
    def wall_clock(cls) -> "BusinessCalendar":
        return cls(configured=False)

    @classmethod
    def from_config(cls, section: dict[str, Any] | None) -> "BusinessCalendar":
        if not section:
            return cls.wall_clock()
        unknown = sorted(set(section) - {"timezone", "holidays", "country", "shifts"})
        if unknown:
            raise CalendarError(f"unknown key {unknown[0]!r} in [calendar] (known: country, holidays, shifts, timezone)")
        tz = section.get("timezone", "UTC")
        if not isinstance(tz, str):
            raise CalendarError("[calendar] timezone must be a string such as \"America/New_York\"")
        days: set[date] = set()
        raw_holidays = section.get("holidays", [])
        if not isinstance(raw_holidays, list):
            raise CalendarError("[calendar] holidays must be a list of dates, e.g. [\"2026-12-25\"]")
        for h in raw_holidays:
            try:
                days.add(h if isinstance(h, date) else date.fromisoformat(str(h)))
            except ValueError:
                raise CalendarError(f"[calendar] holidays: {h!r} is not a date (YYYY-MM-DD)") from None
        country = section.get("country")
        if country is not None and (not isinstance(country, str) or not country):
            raise CalendarError("[calendar] country must be an ISO code such as \"US\"")
        raw_shifts = section.get("shifts", {})
        if not isinstance(raw_shifts, dict):
            raise CalendarError("[calendar.shifts] must be a table: mon = \"09:00-17:00\"")
        shifts: dict[int, list[tuple[int, int]]] = {}
        for key, value in raw_shifts.items():
            if key not in WEEKDAYS:
                raise CalendarError(f"[calendar.shifts] {key!r} is not a weekday (mon, tue, wed, thu, fri, sat, sun)")
            shifts[WEEKDAYS.index(key)] = parse_shifts(value, f"[calendar.shifts] {key}")
        if not any(shifts.values()):
            raise CalendarError("[calendar.shifts] has no shift: SLA clocks would never run "
                                "(add e.g. mon = \"09:00-17:00\")")
        return cls(timezone=tz, shifts=shifts, holidays=frozenset(days), country=country)

    # --- questions ------------------------------------------------------------------------

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays or (self._country_holidays is not None and day in self._country_holidays)

    def local_date(self, ts: float) -> date:
        return datetime.fromtimestamp(ts, self.tz).date()

    def hour_of_week(self, ts: float) -> int:
        """0 = Monday 00:00-01:00 local time, 167 = Sunday 23:00."""
        local = datetime.fromtimestamp(ts, self.tz)
        return local.weekday() * 24 + local.hour

    def _instant(self, day: date, minute: int) -> float:
        if minute == 24 * 60:
            return datetime.combine(day + timedelta(days=1), time(0, 0), self.tz).timestamp()
        return datetime.combine(day, time(minute // 60, minute % 60), self.tz).timestamp()

    def _day_intervals(self, day: date) -> tuple[tuple[float, float], ...]:
        if self.is_holiday(day):
            return ()
        return tuple((self._instant(day, s), self._instant(day, e)) for s, e in self.shifts.get(day.weekday(), ()))

    def open_intervals(self, start: float, end: float) -> Iterable[tuple[float, float]]:
        """The business intervals of each local day touching [start, end] (unclipped)."""
        day, last = self.local_date(start), self.local_date(end)
        while day <= last:
            yield from self._day(day)
            day += timedelta(days=1)

    def business_seconds(self, start: float, end: float) -> float:
        """Seconds inside shifts between two instants (Unix seconds); 0 if end is not after start.

        The first and last local days are clipped interval by interval; the whole days between
        come from a running total per day (built once, O(days) the first time, O(1) after)."""
        if end <= start:
            return 0.0
        if not self.configured:
            return end - start
        first, last = self.local_date(start), self.local_date(end)
        if first == last:
            return _overlap(self._day(first), start, end)
        total = _overlap(self._day(first), start, end) + _overlap(self._day(last), start, end)
        if last.toordinal() - first.toordinal() > 1:
            before = self._through(first.toordinal())  # first: it may move the running total's start
            total += self._through(last.toordinal() - 1) - before
        return total

    def _through(self, ordinal: int) -> float:
        """Business seconds of all whole days from the running total's first day up to ``ordinal``."""
        prefix: list[float] = self.__dict__.setdefault("_prefix", [])
        base: int = self.__dict__.get("_prefix_base", ordinal)
        if not prefix or ordinal < base:
            base = min(ordinal, base) - 1
            self.__dict__["_prefix_base"] = base
            prefix.clear()
            prefix.append(0.0)  # through the base day: 0 (base is one day before any asked)
        while base + len(prefix) - 1 < ordinal:
            day = date.fromordinal(base + len(prefix))
            prefix.append(prefix[-1] + sum(e - s for s, e in self._day(day)))
        return prefix[ordinal - base]

    def fingerprint(self) -> str:
        """Changes when anything that changes business seconds changes (stored metrics are then recomputed)."""
        if not self.configured:
            return "wall-clock"
        shifts = ";".join(f"{d}:{v}" for d, v in sorted(self.shifts.items()))
        return f"{self.timezone}|{shifts}|{sorted(self.holidays)}|{self.country}"


def _overlap(intervals: Iterable[tuple[float, float]], start: float, end: float) -> float:
    total = 0.0
    for s, e in intervals:
        lo, hi = max(s, start), min(e, end)
        if hi > lo:
            total += hi - lo
    return total


@dataclass
class SlaTargets:
    """Business-time targets; per channel beats per customer tier beats the default."""

    first_response: float | None = None
    resolution: float | None = None
    #: tier name → (first_response, resolution, members: channel or team ids)
    tiers: dict[str, tuple[float | None, float | None, frozenset[str]]] = field(default_factory=dict)
    channels: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, section: dict[str, Any] | None) -> "SlaTargets":
        section = section or {}
        unknown = sorted(set(section) - {"first_response", "resolution", "tiers", "channels"})
        if unknown:
            raise CalendarError(f"unknown key {unknown[0]!r} in [sla] (known: channels, first_response, resolution, tiers)")

        def pair(table: dict[str, Any], where: str) -> tuple[float | None, float | None]:
            fr = table.get("first_response")
            res = table.get("resolution")
            return (None if fr is None else parse_duration(fr, f"{where} first_response"),
                    None if res is None else parse_duration(res, f"{where} resolution"))

        default = pair(section, "[sla]")
        tiers = {}
        for name, table in (section.get("tiers") or {}).items():
            if not isinstance(table, dict):
                raise CalendarError(f"[sla.tiers.{name}] must be a table with first_response and customers")
            members = table.get("customers", [])
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise CalendarError(f"[sla.tiers.{name}] customers must be a list of team or channel ids")
            extra = sorted(set(table) - {"first_response", "resolution", "customers"})
            if extra:
                raise CalendarError(f"unknown key {extra[0]!r} in [sla.tiers.{name}]")
            tiers[name] = (*pair(table, f"[sla.tiers.{name}]"), frozenset(members))
        channels = {}
        for cid, table in (section.get("channels") or {}).items():
            if not isinstance(table, dict):
                raise CalendarError(f"[sla.channels.{cid}] must be a table: first_response = \"1h\"")
            channels[cid] = pair(table, f"[sla.channels.{cid}]")
        return cls(first_response=default[0], resolution=default[1], tiers=tiers, channels=channels)

    def for_thread(self, channel_id: str | None, customer: str | None) -> tuple[float | None, float | None]:
        """(first response target, resolution target) in business seconds, or None."""
        fr, res = self.first_response, self.resolution
        for t_fr, t_res, members in self.tiers.values():
            if (channel_id in members) or (customer in members):
                fr, res = t_fr if t_fr is not None else fr, t_res if t_res is not None else res
                break
        if channel_id in self.channels:
            c_fr, c_res = self.channels[channel_id]
            fr, res = c_fr if c_fr is not None else fr, c_res if c_res is not None else res
        return fr, res

    def fingerprint(self) -> str:
        return repr((self.first_response, self.resolution, sorted((k, v[0], v[1], sorted(v[2]))
                                                                   for k, v in self.tiers.items()),
                     sorted(self.channels.items())))
