"""Report periods as pure functions: tertials, the periods compared with, Swedish names and
the publication time as read in Sweden."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pipelines.report.periods import (
    Period,
    a_year_earlier,
    comment_name,
    local_time,
    parse_tertial,
    period_name,
    previous,
    tertial,
    tertials_ending_with,
)


@pytest.mark.parametrize("text", ["2024-T1", "2024T1", "2024-t1", " 2024-T1 "])
def test_a_tertial_is_read_in_its_usual_spellings(text: str) -> None:
    assert parse_tertial(text) == Period(date(2024, 1, 1), date(2024, 4, 30))


def test_a_tertial_number_needs_its_year() -> None:
    assert parse_tertial("3", 2023) == Period(date(2023, 9, 1), date(2023, 12, 31))
    for bad, year in (("3", None), ("2024-T4", None), ("T1", 2024), ("4", 2024)):
        with pytest.raises(ValueError):
            parse_tertial(bad, year)


@pytest.mark.parametrize(
    ("start", "end", "name"),
    [
        (date(2024, 1, 1), date(2024, 4, 30), "Tertial 1 2024"),
        (date(2024, 5, 1), date(2024, 8, 31), "Tertial 2 2024"),
        (date(2024, 1, 1), date(2024, 6, 30), "januari–juni 2024"),
        (date(2024, 2, 1), date(2024, 4, 30), "februari–april 2024"),
        (date(2024, 5, 1), date(2024, 5, 31), "maj 2024"),
        (date(2023, 11, 1), date(2024, 2, 29), "november 2023–februari 2024"),
        (date(2024, 1, 15), date(2024, 3, 10), "15 januari–10 mars 2024"),
        (date(2024, 3, 10), date(2024, 3, 10), "10 mars 2024"),
    ],
)
def test_periods_have_swedish_names(start: date, end: date, name: str) -> None:
    assert period_name(Period(start, end)) == name


def test_the_periods_compared_with() -> None:
    t1 = tertial(2024, 1)
    assert previous(t1) == tertial(2023, 3)
    assert previous(tertial(2024, 3)) == tertial(2024, 2)
    assert a_year_earlier(t1) == tertial(2023, 1)
    half = Period(date(2024, 1, 1), date(2024, 6, 30))
    assert previous(half) == Period(date(2023, 7, 1), date(2023, 12, 31))
    february = Period(date(2024, 2, 1), date(2024, 2, 29))
    assert a_year_earlier(february) == Period(date(2023, 2, 1), date(2023, 2, 28))
    days = Period(date(2024, 2, 20), date(2024, 2, 29))
    assert previous(days) == Period(date(2024, 2, 10), date(2024, 2, 19))
    assert a_year_earlier(days) == Period(date(2023, 2, 20), date(2023, 2, 28))


def test_six_tertials_end_with_the_one_holding_the_last_day() -> None:
    tertials = tertials_ending_with(Period(date(2024, 1, 1), date(2024, 6, 30)), 6)
    assert tertials[-1] == tertial(2024, 2)
    assert tertials[0] == tertial(2022, 3)
    assert len(set(tertials)) == 6


def test_comment_files_are_named_by_tertial_or_dates() -> None:
    assert comment_name(tertial(2024, 2)) == "2024-T2"
    half = Period(date(2024, 1, 1), date(2024, 6, 30))
    assert comment_name(half) == "2024-01-01--2024-06-30"


def test_publication_time_is_shown_in_swedish_time() -> None:
    assert local_time(datetime(2024, 5, 3, 0, 14, tzinfo=UTC)) == "2024-05-03 02:14"
    assert local_time(datetime(2024, 1, 3, 1, 14)) == "2024-01-03 02:14"  # naive is UTC
