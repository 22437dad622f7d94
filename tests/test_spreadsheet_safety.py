"""The one neutralising helper every export uses: text quoted, numbers left alone."""

from __future__ import annotations

import pandas as pd

from pipelines.spreadsheet_safety import neutralise, neutralise_frame
from tests.spreadsheet_payloads import PAYLOADS, inert


def test_text_a_spreadsheet_would_run_is_quoted() -> None:
    assert [neutralise(payload) for payload in PAYLOADS] == [inert(p) for p in PAYLOADS]
    assert neutralise("ANLA01") == "ANLA01"
    assert neutralise("<5") == "<5"


def test_numbers_and_missing_values_are_not_touched() -> None:
    assert [neutralise(value) for value in (-2, -2.5, 0, None)] == [-2, -2.5, 0, None]
    frame = pd.DataFrame({"=text": ["-2+3", "ok"], "amount": [-2, 3], "mixed": ["<5", -7]})
    safe = neutralise_frame(frame)
    assert list(safe.columns) == ["'=text", "amount", "mixed"]
    assert safe["'=text"].tolist() == ["'-2+3", "ok"]
    assert pd.api.types.is_integer_dtype(safe["amount"])
    assert safe["mixed"].tolist() == ["<5", -7]
    assert frame["=text"].tolist() == ["-2+3", "ok"]  # the caller's frame is unchanged
