"""Fixtures for the dashboard tests: the demo run's published warehouse, and the app on it."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboards" / "streamlit_app.py"
PAGES = {
    "oversikt": "Översikt",
    "flode": "Flöde",
    "resultat": "Resultat",
    "tid_till_utfall": "Tid till utfall",
    "forsorjning": "Försörjning",
    "uppfoljning": "Uppföljning",
    "ekonomi": "Ekonomi",
    "datakvalitet": "Datakvalitet",
    "leveranser": "Leveranser",
    "avstamning": "Avstämning",
    "ordlista": "Ordlista",
}


@pytest.fixture(scope="session")
def published(demo_warehouse: Path) -> Path:
    """The warehouse the pages are checked against: the shared demo run, as published."""
    return demo_warehouse


@pytest.fixture
def private_copy(published: Path, tmp_path: Path) -> Path:
    """A copy of the published warehouse a test may change without touching the others."""
    target = tmp_path / "warehouse.duckdb"
    shutil.copy(published, target)
    return target


def query(path: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    """Read the marts directly, the way an analyst would, to check what a page shows."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def open_app(path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The dashboard pointed at `path` through FINSAM_WAREHOUSE, after its first run."""
    monkeypatch.setenv("FINSAM_WAREHOUSE", str(path))
    return AppTest.from_file(str(APP), default_timeout=60).run()


@pytest.fixture
def app(published: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The dashboard on the published warehouse, on its default page."""
    return open_app(published, monkeypatch)
