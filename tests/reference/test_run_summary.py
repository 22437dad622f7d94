"""The run summary says what became of every delivered file, as `marts.deliveries` does."""

from __future__ import annotations

import pytest

from tests.reference.pipeline import BuiltCase

pytestmark = pytest.mark.slow


def test_the_summary_lists_every_delivered_file_with_the_marts_counts(
    duellen: BuiltCase,
) -> None:
    delivered = sorted(path.name for path in duellen.landing.rglob("*") if path.is_file())
    rows = duellen.query(
        "select status, file_name, rows_read, rows_loaded, rows_rejected, fields_nulled, "
        "superseded_by_file from marts.deliveries order by file_name"
    )
    assert sorted(row[1] for row in rows) == delivered
    assert f"Leveranser i körningen ({len(rows)}):" in duellen.output
    assert {row[0] for row in rows} <= {"inläst", "ersatt"}
    for status, name, read, loaded, rejected, nulled, successor in rows:
        if status == "ersatt":
            assert f"ersatt: {name} (av {successor})" in duellen.output
            continue
        counts = f"{read:,} rader lästa, {loaded:,} inlästa, {rejected:,} avvisade, {nulled:,} fält"
        assert f"inläst: {name} ({counts.replace(',', ' ')}" in duellen.output
