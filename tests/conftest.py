"""Shared fixtures: every test runs against its own files, never the working tree's data/."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.settings import Settings, load_settings


@pytest.fixture
def finsam_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point FINSAM_* at empty folders under tmp_path and return the resolved settings."""
    landing = tmp_path / "landing"
    for kind in ("arende", "scb", "ekonomi"):
        (landing / kind).mkdir(parents=True)
    monkeypatch.setenv("FINSAM_LANDING", str(landing))
    monkeypatch.setenv("FINSAM_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("FINSAM_WORK_DB", str(tmp_path / "work" / "warehouse_work.duckdb"))
    monkeypatch.setenv("FINSAM_CONFIG", str(tmp_path / "config" / "insatser.yml"))
    monkeypatch.setenv("FINSAM_PSEUDONYM_KEY", "test-key-not-secret")
    monkeypatch.delenv("FINSAM_ENV", raising=False)
    return load_settings()
