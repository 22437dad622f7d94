"""The demo landing through the real pipeline: the findings match the planted defects.

The generator's manifest (`demo_manifest.json`) counts, per delivery, every defect it
planted. Rows the ingest rejects (an invalid personnummer, an impossible referral date)
never reach the warehouse, so their other defects cannot be found: the tests read those
rows from the landing files and count what they hide (for kartläggning, at most one gap
per field and rejected row).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import yaml
from python_calamine import CalamineWorkbook

from tests.conftest import DemoRun

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def planted(demo_run: DemoRun) -> tuple[dict, Path]:
    """The shared demo run's manifest (with the configured SCB tolerance and the landing
    folder added) and its published warehouse."""
    settings = demo_run.settings
    manifest = json.loads(demo_run.manifest.read_text(encoding="utf-8"))
    config = yaml.safe_load(settings.config.read_text(encoding="utf-8"))
    manifest["scb_tolerance"] = config["quality"]["scb_reconciliation_tolerance"]
    manifest["landing"] = str(settings.landing)
    return manifest, settings.warehouse


def _current_case_files(manifest: dict) -> list[dict]:
    return [
        entry
        for entry in manifest["files"]
        if entry["source_kind"] in ("gwa", "register") and entry["is_current"]
    ]


def _planted(manifest: dict, key: str) -> Counter:
    counts = Counter()
    for entry in _current_case_files(manifest):
        value = entry[key]
        counts.update(value if isinstance(value, dict) else {key: value})
    return counts


def _query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def _found(warehouse: Path, check_prefix: str) -> Counter:
    rows = _query(
        warehouse,
        "select field, count(*) from quality.quality_findings "
        f"where \"check\" like '{check_prefix}%' group by field",
    )
    return Counter(dict(rows))


def _rejected_rows(manifest: dict, warehouse: Path) -> list[list[str]]:
    """The cells, as delivered, of the current case rows the ingest rejected whole."""
    rejected = _query(
        warehouse,
        """select distinct rejects.source_file, rejects.row_number from raw.rejects
        join raw.file_registry using (file_id)
        where file_registry.is_current and rejects.action = 'row_rejected'""",
    )
    rows = []
    for entry in _current_case_files(manifest):
        path = Path(manifest["landing"]) / entry["file"]
        numbers = [number for name, number in rejected if name == path.name]
        if path.suffix == ".xlsx":
            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(entry["sheet"])
            delivered = [[str(cell) for cell in row] for row in sheet.to_python()]
        else:
            with path.open(encoding=entry["encoding"], newline="") as handle:
                delivered = list(csv.reader(handle, delimiter=";"))
        rows += [delivered[number] for number in numbers]  # row 0 is the header
    return rows


def _hidden(rows: list[list[str]], pattern: str) -> int:
    """How many rejected rows carry a cell matching the pattern: defects nobody can see."""
    return sum(any(re.fullmatch(pattern, cell.strip()) for cell in row) for row in rows)


def test_missing_kartlaggning_per_field(planted: tuple[dict, Path]) -> None:
    manifest, warehouse = planted
    planted = _planted(manifest, "missing_kartlaggning_excluding_felregistrering")
    # impossible Kartläggningsdatum are nulled at ingest, so they are missing too
    planted["assessment_date"] += _planted(manifest, "impossible_date")["assessment_date"]
    found = _found(warehouse, "completeness:")
    rejected = len(_rejected_rows(manifest, warehouse))
    assert set(found) == set(planted)
    for field, count in planted.items():
        assert count - rejected <= found[field] <= count, (field, count, found[field], rejected)


def test_invalid_personnummer(planted: tuple[dict, Path]) -> None:
    manifest, warehouse = planted
    found = sum(_found(warehouse, "rejects:invalid_personnummer").values())
    assert found == _planted(manifest, "invalid_checksum_rows")["invalid_checksum_rows"]


def test_unknown_labels_per_field(planted: tuple[dict, Path]) -> None:
    manifest, warehouse = planted
    raw_field = {
        "exit_reason": "exit_reason",
        "income_at_enrolment": "income_source_at_enrolment",
        "referrer": "referrer",
    }
    code_list = {"exit_reason": "avslutsorsak", "income_at_enrolment": "forsorjning"}
    code_list["referrer"] = "remittent"
    rejected = _rejected_rows(manifest, warehouse)
    found = _found(warehouse, "vocabulary:")
    for field, count in _planted(manifest, "unknown_label").items():
        labels = "|".join(map(re.escape, manifest["unknown_labels"][code_list[field]]))
        assert found[raw_field[field]] + _hidden(rejected, labels) == count, field


def test_plus_separator_for_a_young_person_is_corrected_and_flagged(
    planted: tuple[dict, Path],
) -> None:
    manifest, warehouse = planted
    found = sum(_found(warehouse, "rejects:personnummer_corrected").values())
    hidden = _hidden(_rejected_rows(manifest, warehouse), r"\d{6}\+\d{4}")
    assert found + hidden == _planted(manifest, "plus_separator_rows")["plus_separator_rows"]


def test_scb_difference_over_tolerance_is_flagged(planted: tuple[dict, Path]) -> None:
    manifest, warehouse = planted
    tolerance = manifest["scb_tolerance"]
    over = {}
    for entry in manifest["files"]:
        counts = entry.get("reconciliation")
        if entry["is_current"] and counts:
            share = (counts["only_case_system"] + counts["only_scb"]) / sum(counts.values())
            over[entry["organisation"]] = (share > tolerance, counts)
    assert over, "the demo plants no SCB reconciliation"
    for project, (is_over, counts) in over.items():
        flagged = _query(
            warehouse,
            "select count(case_id), count(*) - count(case_id) from quality.quality_findings "
            f"where suite = 'scb_reconciliation' and problem like '%{project}%'",
        )[0]
        if is_over:
            assert flagged[0] >= counts["only_case_system"], (project, tolerance)
            assert flagged[1] == (counts["only_scb"] > 0)
        else:
            assert flagged == (0, 0)


def test_no_personnummer_in_quality_tables(planted: tuple[dict, Path]) -> None:
    _, warehouse = planted
    personnummer_like = r"(^|[^0-9.])\d{6}(\d{2})?[-+]?\d{4}([^0-9]|$)"  # not decimals
    leaks = _query(
        warehouse,
        f"""select count(*) from quality.quality_findings
        where regexp_matches(coalesce(case_id, '') || ' ' || problem, '{personnummer_like}')""",
    )[0][0]
    leaks += _query(
        warehouse,
        "select count(*) from quality.quality_results "
        f"where regexp_matches(details::varchar, '{personnummer_like}')",
    )[0][0]
    assert leaks == 0
