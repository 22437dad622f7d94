"""Key management: one demo key wherever the warehouse is, no silent key change, no typo env."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines import rotate_key, run
from pipelines.pseudonym_key import fingerprint
from pipelines.settings import (
    DEMO_KEY_FILE,
    MissingPseudonymKeyError,
    Settings,
    UnknownEnvironmentError,
    load_settings,
)
from tests.ingest.fixtures import PERSONS, forms, gwa_row, gwa_rows, write_csv, write_landing
from tests.ingest.test_ingest_assets import ingest_assets, materialize, query

ROOT = Path(__file__).resolve().parents[1]
K1, K2 = "test-key-one-not-secret", "test-key-two-not-secret"


def _failure_messages(result: dg.ExecuteInJobResult) -> list[str]:
    return [
        event.step_failure_data.user_failure_data.description
        for event in result.get_step_failure_events()
        if event.step_failure_data.user_failure_data
    ]


def test_unknown_environment_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("FINSAM_ENV", "prod")
    with pytest.raises(UnknownEnvironmentError, match="demo, production"):
        load_settings()
    assert run.main([]) == 2
    assert "FINSAM_ENV='prod'" in capsys.readouterr().err
    monkeypatch.setenv("FINSAM_ENV", "production")
    monkeypatch.delenv("FINSAM_PSEUDONYM_KEY", raising=False)
    with pytest.raises(MissingPseudonymKeyError):
        load_settings().pseudonym_key()


def test_demo_key_file_does_not_move_with_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FINSAM_ENV", raising=False)
    monkeypatch.delenv("FINSAM_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("FINSAM_PSEUDONYM_KEY_FILE", raising=False)
    key_files = set()
    for folder in ("here", "elsewhere"):
        monkeypatch.setenv("FINSAM_WAREHOUSE", str(tmp_path / folder / "warehouse.duckdb"))
        key_files.add(load_settings().key_file)
    assert key_files == {DEMO_KEY_FILE}
    assert DEMO_KEY_FILE == ROOT / "data" / "pseudonym.key"

    # Created once where configured (here under tmp_path, not in the working tree).
    monkeypatch.setenv("FINSAM_PSEUDONYM_KEY_FILE", str(tmp_path / "keys" / "pseudonym.key"))
    keys = set()
    for folder in ("here", "elsewhere"):
        monkeypatch.setenv("FINSAM_WAREHOUSE", str(tmp_path / folder / "warehouse.duckdb"))
        keys.add(load_settings().pseudonym_key())
    assert len(keys) == 1
    assert [path.parent.name for path in tmp_path.glob("*/pseudonym.key")] == ["keys"]


def test_fingerprint_names_the_key_without_revealing_it() -> None:
    first = fingerprint(K1.encode())
    assert len(first) == 64 and first == fingerprint(K1.encode())
    assert first != fingerprint(K2.encode())
    assert K1 not in first


def test_changed_key_stops_ingest_and_loads_nothing(
    finsam_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_landing(finsam_env.landing, finsam_env.config)
    monkeypatch.setenv("FINSAM_PSEUDONYM_KEY", K1)
    assert materialize(ingest_assets).success
    registry = query(finsam_env, "SELECT file_id, status FROM raw.file_registry ORDER BY 1")
    write_csv(finsam_env.landing / "arende" / "gwa_hassleholm_20240701.csv", gwa_rows())

    monkeypatch.setenv("FINSAM_PSEUDONYM_KEY", K2)
    result = materialize(ingest_assets)
    assert not result.success
    messages = _failure_messages(result)
    # Every ingest asset refuses, but kind F, which waits for the case enrolments it reads
    # consent from and never starts when they refused.
    ran = {event.step_key for event in result.all_events if event.is_step_start}
    assert "ingest_income_support" not in ran
    assert len(messages) == len(ingest_assets) - 1
    assert all("python -m pipelines.rotate_key" in message for message in messages)
    assert "Inga filer lästes in" in messages[0] and "Nothing was loaded" in messages[0]
    assert query(finsam_env, "SELECT file_id, status FROM raw.file_registry ORDER BY 1") == (
        registry
    )
    stored = query(finsam_env, "SELECT fingerprint FROM meta.pseudonym_key")
    assert stored == [(fingerprint(K1.encode()),)]


def test_rotation_refuses_when_a_delivery_is_missing(
    finsam_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    extra = [gwa_row("H-9", PERSONS["dan"])]
    write_csv(finsam_env.landing / "arende" / "gwa_osby_20240601.csv", gwa_rows(extra))
    monkeypatch.setenv("FINSAM_PSEUDONYM_KEY", K1)
    assert materialize(ingest_assets[:1]).success
    (finsam_env.landing / "arende" / "gwa_osby_20240601.csv").unlink()
    before = query(finsam_env, "SELECT person_id FROM raw.case_enrolments ORDER BY 1")

    monkeypatch.setenv("FINSAM_PSEUDONYM_KEY", K2)
    monkeypatch.setenv("FINSAM_OLD_PSEUDONYM_KEY", K1)
    assert rotate_key.main([]) == 2
    error = capsys.readouterr().err
    assert "gwa_osby_20240601.csv" in error and "inget ändrat" in error
    assert query(finsam_env, "SELECT person_id FROM raw.case_enrolments ORDER BY 1") == before
    with duckdb.connect(str(finsam_env.work_db), read_only=True) as con:
        assert con.execute("SELECT fingerprint FROM meta.pseudonym_key").fetchall() == [
            (fingerprint(K1.encode()),)
        ]
    assert not [form for pnr in PERSONS.values() for form in forms(pnr) if form in error]
