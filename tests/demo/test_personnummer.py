"""The personnummer reference rules and the vectorised generator that must agree with them."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from pipelines.demo.people import luhn_digits, samordningsnummer
from pipelines.personnummer import (
    Form,
    birth_date,
    compose,
    format_as,
    gender,
    is_coordination_number,
    is_valid,
    luhn_check_digit,
    normalise,
    short_form,
)

REFERENCE = date(2024, 11, 15)


@pytest.mark.parametrize(("nine", "check"), [("811278987", 3), ("121272121", 9), ("640883323", 1)])
def test_luhn_check_digit_matches_published_examples(nine: str, check: int) -> None:
    assert luhn_check_digit(nine) == check


def test_luhn_rejects_wrong_length() -> None:
    with pytest.raises(ValueError):
        luhn_check_digit("12345678")


def test_compose_makes_a_valid_samordningsnummer_with_gender_digit() -> None:
    man = compose(date(1990, 1, 5), 123)
    woman = compose(date(1990, 1, 5), 124)
    assert man[:8] == "19900165" and is_coordination_number(man)
    assert gender(man) == "M" and gender(woman) == "K"
    assert int(man[-1]) == luhn_check_digit(man[2:11])
    assert birth_date(man) == date(1990, 1, 5)


@pytest.mark.parametrize("form", [Form.LONG_WITH_DASH, Form.SHORT_WITH_DASH, Form.LONG_DIGITS])
def test_every_form_normalises_back(form: Form) -> None:
    number = compose(date(1985, 7, 31), 567)
    assert normalise(format_as(number, form), REFERENCE) == number
    assert is_valid(format_as(number, form), REFERENCE)


def test_plus_means_a_hundred_years_more() -> None:
    assert normalise("121272+1219", REFERENCE) == "191212721219"
    assert normalise("121272-1219", REFERENCE) == "201212721219"
    old = compose(date(1920, 3, 4), 11)
    assert short_form(old, REFERENCE) == format_as(old, Form.SHORT_WITH_PLUS)
    assert normalise(short_form(old, REFERENCE), REFERENCE) == old
    young = compose(date(1990, 3, 4), 11)
    assert short_form(young, REFERENCE) == format_as(young, Form.SHORT_WITH_DASH)


def test_short_form_century_is_the_latest_not_in_the_future() -> None:
    number = compose(date(1999, 12, 31), 10)
    assert normalise(format_as(number, Form.SHORT_WITH_DASH), REFERENCE) == number
    later_this_year = compose(date(1924, 12, 1), 10)  # 2024-12-01 would be after REFERENCE
    assert normalise(format_as(later_this_year, Form.SHORT_WITH_DASH), REFERENCE) == later_this_year


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "19121272-1218",  # wrong check digit
        "1212721219",  # ten bare digits: not an accepted form
        "19121272+1219",  # '+' only in the short form
        "20230290-1234",  # no 30 February (day 30 + 60)
        "19900192-1234",  # day 92: neither a day nor day + 60
        "20991272-1215",  # born after the reference date
        "abcdef-1234",
    ],
)
def test_invalid_numbers_are_rejected(text: str | None) -> None:
    assert normalise(text, REFERENCE) is None
    assert not is_valid(text, REFERENCE)


def test_invalid_date_with_valid_check_digit_is_rejected() -> None:
    nine = "230230123"
    text = f"20{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}"
    assert normalise(text, REFERENCE) is None


def test_surrounding_spaces_are_tolerated() -> None:
    assert normalise(" 121272-1219 ", REFERENCE) == "201212721219"


def test_vectorised_luhn_equals_the_reference() -> None:
    numbers = np.random.default_rng(0).integers(0, 10**9, 2000)
    expected = [luhn_check_digit(f"{number:09d}") for number in numbers]
    assert luhn_digits(numbers).tolist() == expected


def test_more_persons_than_serial_numbers_is_an_error() -> None:
    rng = np.random.default_rng(2)
    birth = np.full(600, np.datetime64("1980-05-05"))
    with pytest.raises(ValueError, match="serial"):
        samordningsnummer(rng, birth, np.ones(600, dtype=bool))


def test_generated_numbers_are_unique_valid_samordningsnummer() -> None:
    rng = np.random.default_rng(1)
    birth = np.datetime64("1970-01-01") + rng.integers(0, 60, 5000).astype("timedelta64[D]")
    is_man = rng.random(5000) < 0.5
    numbers = samordningsnummer(rng, birth, is_man)
    assert len(set(numbers.tolist())) == len(numbers)
    for number, man, day in zip(numbers.astype(str), is_man, birth, strict=True):
        assert normalise(number[:8] + "-" + number[8:], REFERENCE) == number
        assert is_coordination_number(number)
        assert gender(number) == ("M" if man else "K")
        assert birth_date(number) == day.astype(date)
