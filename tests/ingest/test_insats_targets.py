"""The optional `targets:` of an insats in the configuration: read, and refused when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ingest.insats_config import ConfigError, read_config


def config_with(tmp_path: Path, targets: str) -> Path:
    path = tmp_path / "insatser.yml"
    path.write_text(
        f"insatser:\n  Samverkansteam Avesta:\n    targets: {targets}\n  Utan mål: {{}}\n",
        encoding="utf-8",
    )
    return path


def test_targets_become_rows_per_insats_and_figure(tmp_path: Path) -> None:
    path = config_with(tmp_path, "{work_or_studies_share: 0.30, goal_share: 0.5}")
    assert read_config(path)["insats_targets"] == [
        ("Samverkansteam Avesta", "work_or_studies_share", 0.30),
        ("Samverkansteam Avesta", "goal_share", 0.5),
    ]


@pytest.mark.parametrize(
    ("targets", "problem"),
    [
        ("{cost_per_served: 0.3}", "okänt nyckeltal"),
        ("{goal_share: 30}", "andel mellan 0 och 1"),
        ("{goal_share: true}", "andel mellan 0 och 1"),
        ("[goal_share]", "mappning"),
    ],
)
def test_a_wrong_target_names_its_key(tmp_path: Path, targets: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as error:
        read_config(config_with(tmp_path, targets))
    assert "insatser.Samverkansteam Avesta.targets" in str(error.value)
