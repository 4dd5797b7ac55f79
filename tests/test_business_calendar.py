"""The business calendar on hand-computed cases (issue 8)."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bridgebot.reports.calendar import BusinessCalendar, CalendarError, SlaTargets

NY = ZoneInfo("America/New_York")
WEEKDAYS_9_5 = {d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")}


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, tz: ZoneInfo = NY) -> float:
    return datetime(y, mo, d, h, mi, tzinfo=tz).timestamp()


def cal(shifts: dict, **kw) -> BusinessCalendar:
    return BusinessCalendar.from_config({"timezone": "America/New_York", "shifts": shifts, **kw})


def test_friday_evening_to_monday_morning_counts_only_monday() -> None:
    c = cal(WEEKDAYS_9_5)
    # Fri 2026-11-27 18:00 → Mon 2026-11-30 10:30: nothing on Friday evening or the weekend, 1.5 h on Monday.
    assert c.business_seconds(at(2026, 11, 27, 18), at(2026, 11, 30, 10, 30)) == 5400
    # Wall clock for the same span is 64.5 h.
    assert at(2026, 11, 30, 10, 30) - at(2026, 11, 27, 18) == 64.5 * 3600


def test_a_weekend_shift_counts() -> None:
    c = cal({**WEEKDAYS_9_5, "sat": "10:00-14:00"})
    # Fri 18:00 → Mon 10:00: Saturday's 4 h + Monday's 1 h.
    assert c.business_seconds(at(2026, 11, 27, 18), at(2026, 11, 30, 10)) == 5 * 3600
    # Opened Saturday 13:00, answered Saturday 13:45: 45 minutes.
    assert c.business_seconds(at(2026, 11, 28, 13), at(2026, 11, 28, 13, 45)) == 2700


@pytest.mark.parametrize("day, hours", [((2026, 3, 8), 23), ((2026, 11, 1), 25), ((2026, 3, 15), 24)])
def test_dst_days_are_as_long_as_they_really_are(day, hours) -> None:
    c = cal({"sun": "00:00-24:00"})
    y, m, d = day
    assert c.business_seconds(at(y, m, d), at(y, m, d + 1)) == hours * 3600


def test_a_9_to_5_across_the_spring_forward_weekend() -> None:
    c = cal(WEEKDAYS_9_5)
    # Fri 2026-03-06 16:00 EST → Mon 2026-03-09 10:00 EDT: 1 h + 1 h, though the clocks jumped.
    assert c.business_seconds(at(2026, 3, 6, 16), at(2026, 3, 9, 10)) == 7200
    # The instants are 65 h apart in wall-clock time less the lost hour.
    assert at(2026, 3, 9, 10) - at(2026, 3, 6, 16) == 65 * 3600


def test_a_holiday_from_the_list_is_closed() -> None:
    c = cal(WEEKDAYS_9_5, holidays=["2026-12-25"])
    # Thu 2026-12-24 16:00 → Mon 12-28 10:00: Thursday 1 h, Friday is Christmas, Monday 1 h.
    assert c.business_seconds(at(2026, 12, 24, 16), at(2026, 12, 28, 10)) == 7200
    assert cal(WEEKDAYS_9_5).business_seconds(at(2026, 12, 24, 16), at(2026, 12, 28, 10)) == 7200 + 8 * 3600


def test_a_country_holiday_from_the_holidays_package() -> None:
    c = cal(WEEKDAYS_9_5, country="US")
    # Thanksgiving is Thu 2026-11-26: Wed 16:00 → Fri 10:00 is 1 h + 1 h.
    assert c.business_seconds(at(2026, 11, 25, 16), at(2026, 11, 27, 10)) == 7200


def test_three_months() -> None:
    c = cal(WEEKDAYS_9_5)
    # 2026-09-01 → 2026-12-01: weekdays Sep 22 + Oct 22 + Nov 21 = 65, 8 h each (Nov 1's DST change is a Sunday).
    assert c.business_seconds(at(2026, 9, 1), at(2026, 12, 1)) == 65 * 8 * 3600
    # With Labor Day (Sep 7) and Thanksgiving (Nov 26) as listed holidays: 63 days.
    c2 = cal(WEEKDAYS_9_5, holidays=["2026-09-07", "2026-11-26"])
    assert c2.business_seconds(at(2026, 9, 1), at(2026, 12, 1)) == 63 * 8 * 3600


def test_split_shifts_and_partial_days() -> None:
    c = cal({"mon": ["09:00-12:00", "13:00-17:00"]})
    # Mon 2026-11-30 11:00 → 14:00: 1 h before lunch, 1 h after.
    assert c.business_seconds(at(2026, 11, 30, 11), at(2026, 11, 30, 14)) == 7200
    assert c.business_seconds(at(2026, 11, 30, 12, 10), at(2026, 11, 30, 12, 50)) == 0
    assert c.business_seconds(at(2026, 11, 30, 14), at(2026, 11, 30, 11)) == 0


def test_without_a_calendar_business_time_is_wall_clock() -> None:
    c = BusinessCalendar.from_config(None)
    assert not c.configured
    assert c.business_seconds(at(2026, 11, 27, 18), at(2026, 11, 30, 10, 30)) == 64.5 * 3600


def test_agrees_with_a_minute_by_minute_count() -> None:
    c = cal({**WEEKDAYS_9_5, "sat": "10:00-14:00", "wed": ["08:30-12:00", "12:45-18:15"]}, holidays=["2026-03-10"])
    rng = random.Random(8)
    base = at(2026, 3, 1)
    for _ in range(30):
        start = base + rng.randrange(0, 20 * 24 * 60) * 60
        end = start + rng.randrange(0, 6 * 24 * 60) * 60
        minutes = 0
        t = start
        while t < end:
            local = datetime.fromtimestamp(t, NY)
            if local.date().isoformat() != "2026-03-10":
                for s, e in c.shifts.get(local.weekday(), []):
                    if s <= local.hour * 60 + local.minute < e:
                        minutes += 1
            t += 60
        assert c.business_seconds(start, end) == minutes * 60, (start, end)


@pytest.mark.parametrize("config, message", [
    ({"timezone": "Mars/Olympus", "shifts": {"mon": "09:00-17:00"}}, "not an IANA timezone"),
    ({"shifts": {"monday": "09:00-17:00"}}, "not a weekday"),
    ({"shifts": {"mon": "9-5"}}, "is not \"HH:MM-HH:MM\""),
    ({"shifts": {"mon": "17:00-09:00"}}, "ends before it starts"),
    ({"shifts": {"mon": ["09:00-12:00", "11:00-13:00"]}}, "overlap"),
    ({"shifts": {"mon": "09:00-17:00"}, "holidays": ["25/12/2026"]}, "not a date"),
    ({"shifts": {"mon": "09:00-17:00"}, "country": "XX"}, "not known to the holidays package"),
    ({"timezone": "UTC"}, "has no shift"),
])
def test_bad_calendars_are_refused_with_a_clear_message(config, message) -> None:
    with pytest.raises(CalendarError, match=message.replace("(", r"\(")):
        BusinessCalendar.from_config(config)


def test_sla_targets_channel_beats_tier_beats_default() -> None:
    t = SlaTargets.from_config({"first_response": "2h", "tiers": {"gold": {"first_response": "30m",
                                "customers": ["T_GOLD"]}}, "channels": {"C_VIP": {"first_response": "10m"}}})
    assert t.for_thread("C_ANY", "T_ANY")[0] == 7200
    assert t.for_thread("C_ANY", "T_GOLD")[0] == 1800
    assert t.for_thread("C_VIP", "T_GOLD")[0] == 600
    with pytest.raises(CalendarError, match="duration"):
        SlaTargets.from_config({"first_response": "soon"})
