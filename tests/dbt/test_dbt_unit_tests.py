"""The dbt unit tests (unit_tests: in the models' YAML) pass, and there are as many as declared."""

from __future__ import annotations

from pathlib import Path

from tests.dbt.conftest import run_dbt, run_results

DECLARED_UNIT_TESTS = 14


def test_dbt_unit_tests_pass(edge_case_warehouse: Path, dbt_target: Path) -> None:
    tested = run_dbt(["test", "--select", "test_type:unit"], edge_case_warehouse, dbt_target)
    results = [
        result for result in run_results(dbt_target) if result["unique_id"].startswith("unit_test.")
    ]
    failed = [result["unique_id"] for result in results if result["status"] != "pass"]
    assert tested.returncode == 0, tested.stdout[-5000:]
    assert failed == []
    assert len(results) == DECLARED_UNIT_TESTS
