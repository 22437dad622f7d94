"""Swedish personnummer and samordningsnummer: the reference rules in plain Python.

The ingest reads personnummer in SQL; these small pure functions state the same rules
once, readably, so tests and the demo generator can check the SQL against them.
Accepted forms (source-formats.md): ``YYYYMMDD-NNNN``, ``YYMMDD-NNNN``, ``YYYYMMDDNNNN``
and ``YYMMDD+NNNN`` (``+`` = the person is 100 years or older on the reference date).
"""

from __future__ import annotations

import re
from datetime import date
from enum import Enum

COORDINATION_DAY_OFFSET = 60
_PATTERN = re.compile(
    r"^(?P<century>\d{2})?(?P<yymmdd>\d{6})(?P<separator>[-+]?)(?P<serial>\d{3})(?P<check>\d)$"
)


class Form(Enum):
    """The four written forms of the specification."""

    LONG_WITH_DASH = "YYYYMMDD-NNNN"
    SHORT_WITH_DASH = "YYMMDD-NNNN"
    LONG_DIGITS = "YYYYMMDDNNNN"
    SHORT_WITH_PLUS = "YYMMDD+NNNN"


def luhn_check_digit(nine_digits: str) -> int:
    """Check digit over YYMMDDNNN: weights 2,1,2,... from the left, digit sums of products."""
    if len(nine_digits) != 9 or not nine_digits.isdigit():
        raise ValueError(f"expected nine digits, got {nine_digits!r}")
    total = 0
    for position, char in enumerate(nine_digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def compose(birth: date, serial: int, *, coordination: bool = True) -> str:
    """The 12-digit number for a birth date and a three-digit serial, with its check digit.

    ``coordination`` adds 60 to the day (samordningsnummer), which all synthetic data uses.
    The serial's last digit is the gender digit: odd for men, even for women.
    """
    if not 0 <= serial <= 999:
        raise ValueError(f"serial must be 0-999, got {serial}")
    day = birth.day + (COORDINATION_DAY_OFFSET if coordination else 0)
    nine = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth.year:04d}{nine[2:]}{luhn_check_digit(nine)}"


def format_as(twelve_digits: str, form: Form) -> str:
    """Write a normalised 12-digit number in one of the four forms."""
    if len(twelve_digits) != 12 or not twelve_digits.isdigit():
        raise ValueError(f"expected 12 digits, got {twelve_digits!r}")
    long_date, short_date, tail = twelve_digits[:8], twelve_digits[2:8], twelve_digits[8:]
    return {
        Form.LONG_WITH_DASH: f"{long_date}-{tail}",
        Form.SHORT_WITH_DASH: f"{short_date}-{tail}",
        Form.LONG_DIGITS: f"{long_date}{tail}",
        Form.SHORT_WITH_PLUS: f"{short_date}+{tail}",
    }[form]


def short_form(twelve_digits: str, reference_date: date) -> str:
    """The ten-digit form an export prints on ``reference_date``: ``+`` from age 100."""
    birth = _birth_date(int(twelve_digits[:4]), twelve_digits[4:8])
    hundred = birth is not None and _age(birth, reference_date) >= 100
    return format_as(twelve_digits, Form.SHORT_WITH_PLUS if hundred else Form.SHORT_WITH_DASH)


def normalise(text: str | None, reference_date: date) -> str | None:
    """The 12-digit form of a valid personnummer in any accepted form, else None.

    Short forms get the century that makes the person 0-99 years old on
    ``reference_date`` (``-``) or 100-199 (``+``). An impossible date (after removing
    the samordningsnummer offset), a birth after the reference date or a wrong check
    digit make the number invalid.
    """
    if text is None:
        return None
    match = _PATTERN.match(text.strip())
    if match is None:
        return None
    century, yymmdd, separator = match["century"], match["yymmdd"], match["separator"]
    if century is None and separator == "":
        return None  # ten bare digits are not one of the accepted forms
    if century is not None and separator == "+":
        return None  # '+' belongs to the short form only
    tail = match["serial"] + match["check"]
    if luhn_check_digit(yymmdd + match["serial"]) != int(match["check"]):
        return None
    year = _full_year(century, yymmdd, separator, reference_date)
    birth = _birth_date(year, yymmdd[2:])
    if birth is None or birth > reference_date:
        return None
    return f"{year:04d}{yymmdd[2:]}{tail}"


def is_valid(text: str | None, reference_date: date) -> bool:
    """True when ``text`` is a personnummer or samordningsnummer in an accepted form."""
    return normalise(text, reference_date) is not None


def is_coordination_number(twelve_digits: str) -> bool:
    """Samordningsnummer carry day + 60."""
    return int(twelve_digits[6:8]) > COORDINATION_DAY_OFFSET


def gender(twelve_digits: str) -> str:
    """``M`` when the second-to-last digit is odd, else ``K``."""
    return "M" if int(twelve_digits[10]) % 2 == 1 else "K"


def birth_date(twelve_digits: str) -> date:
    """The birth date of a normalised number (samordningsnummer offset removed)."""
    birth = _birth_date(int(twelve_digits[:4]), twelve_digits[4:8])
    if birth is None:
        raise ValueError(f"no valid birth date in {twelve_digits!r}")
    return birth


def _full_year(century: str | None, yymmdd: str, separator: str, reference: date) -> int:
    """Four-digit year: explicit century, else the latest one not after ``reference``."""
    yy = int(yymmdd[:2])
    if century is not None:
        return int(century) * 100 + yy
    year = reference.year - (reference.year - yy) % 100
    if (int(yymmdd[2:4]), _calendar_day(yymmdd[4:6])) > (reference.month, reference.day):
        year -= 100 if year == reference.year else 0
    return year - 100 if separator == "+" else year


def _calendar_day(dd: str) -> int:
    day = int(dd)
    return day - COORDINATION_DAY_OFFSET if day > COORDINATION_DAY_OFFSET else day


def _birth_date(year: int, mmdd: str) -> date | None:
    try:
        return date(year, int(mmdd[:2]), _calendar_day(mmdd[2:]))
    except ValueError:
        return None


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
