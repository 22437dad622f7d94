"""Report periods: tertials, the periods a report compares with, and their Swedish names.

Pure date arithmetic, so the command line, the report and the tests agree on what
"Tertial 1 2024", the previous tertial and the same tertial last year are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
TERTIAL_MONTHS = 4
# The managers' clock: publication times are shown as they read them in Sweden.
LOCAL_TIME = ZoneInfo("Europe/Stockholm")
TERTIAL_PATTERN = re.compile(r"(?P<year>\d{4})-?T(?P<number>[1-3])", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """The first and last day of a report period (both included)."""

    start: date
    end: date

    @property
    def tertial(self) -> tuple[int, int] | None:
        """(year, 1-3) when the period is exactly a tertial, else None."""
        number = (self.start.month - 1) // TERTIAL_MONTHS + 1
        if tertial(self.start.year, number) == self:
            return self.start.year, number
        return None

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1

    @property
    def months(self) -> int:
        """Whole months covered, for whole-month periods."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


def tertial(year: int, number: int) -> Period:
    """Tertial `number` (1: jan-apr, 2: maj-aug, 3: sep-dec) of `year`."""
    first = (number - 1) * TERTIAL_MONTHS + 1
    return Period(date(year, first, 1), _month_end(year, first + TERTIAL_MONTHS - 1))


def parse_tertial(text: str, year: int | None = None) -> Period:
    """`2024-T1` (also `2024T1`, `2024-t1`), or `1` with `year`; ValueError otherwise."""
    match = TERTIAL_PATTERN.fullmatch(text.strip())
    if match:
        return tertial(int(match["year"]), int(match["number"]))
    if text.strip() in ("1", "2", "3") and year is not None:
        return tertial(year, int(text))
    raise ValueError(text)


def tertial_containing(day: date) -> Period:
    return tertial(day.year, (day.month - 1) // TERTIAL_MONTHS + 1)


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def _shift_months(day: date, months: int) -> date:
    """The first of the month `months` after (negative: before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def previous(period: Period) -> Period:
    """The period of the same length just before: the previous tertial of a tertial, the
    previous months of a whole-month period, else the same number of days."""
    if period.is_whole_months:
        start = _shift_months(period.start, -period.months)
        return Period(start, period.start - timedelta(days=1))
    length = period.end - period.start
    end = period.start - timedelta(days=1)
    return Period(end - length, end)


def a_year_earlier(period: Period) -> Period:
    """The same period one year earlier (29 February becomes the 28th)."""

    def earlier(day: date) -> date:
        if (day.month, day.day) == (2, 29):
            return date(day.year - 1, 2, 28)
        return day.replace(year=day.year - 1)

    if period.is_whole_months:
        start = _shift_months(period.start, -12)
        return Period(start, _shift_months(period.end, -11) - timedelta(days=1))
    return Period(earlier(period.start), earlier(period.end))


def tertials_ending_with(period: Period, count: int) -> list[Period]:
    """`count` tertials, oldest first, the last one holding the period's last day."""
    last = tertial_containing(period.end)
    periods = [last]
    while len(periods) < count:
        periods.insert(0, previous(periods[0]))
    return periods


def _day(day: date, with_year: bool) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}" + (f" {day.year}" if with_year else "")


def _month(day: date, with_year: bool) -> str:
    return MONTHS[day.month - 1] + (f" {day.year}" if with_year else "")


def period_name(period: Period) -> str:
    """As managers say it: `Tertial 1 2024`, `januari–juni 2024`, `maj 2024`,
    `november 2023–februari 2024`, `15 januari–10 mars 2024`."""
    if period.tertial:
        year, number = period.tertial
        return f"Tertial {number} {year}"
    same_year = period.start.year == period.end.year
    if period.is_whole_months:
        if period.months == 1:
            return _month(period.end, True)
        return f"{_month(period.start, not same_year)}–{_month(period.end, True)}"
    if period.start == period.end:
        return _day(period.end, True)
    return f"{_day(period.start, not same_year)}–{_day(period.end, True)}"


def short_name(period: Period) -> str:
    """A chart's axis label: `T1 2024`, else the period's name."""
    if period.tertial:
        year, number = period.tertial
        return f"T{number} {year}"
    return period_name(period)


def tertial_code(period: Period) -> str | None:
    """`2024-T1` for a tertial, as --tertial takes it; None for another period."""
    if period.tertial:
        year, number = period.tertial
        return f"{year}-T{number}"
    return None


def comment_name(period: Period) -> str:
    """The comment file's name for the period: `2024-T1`, else `2024-01-01--2024-06-30`."""
    return tertial_code(period) or f"{period.start.isoformat()}--{period.end.isoformat()}"


def local_time(moment: datetime) -> str:
    """A moment as a Swedish reader reads it, `2024-05-03 02:14` (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")
