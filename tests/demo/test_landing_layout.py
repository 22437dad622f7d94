"""The landing as a whole: file names, encodings, manifest, determinism, configuration."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
import yaml

from pipelines.demo.__main__ import main
from pipelines.demo.calibration import load_calibration
from pipelines.demo.generate import generate
from pipelines.ingest.insats_config import read_config
from pipelines.settings import Settings
from tests.demo.conftest import PARTICIPANTS, SEED
from tests.demo.landing_files import BOM, data_rows, decode, manifest, records, sheet
from tests.demo.spec_vocabulary import FILE_PATTERNS


def _files(landing: Path) -> list[Path]:
    return sorted(path for path in landing.rglob("*") if path.is_file() and path.parent != landing)


def _digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_every_file_name_follows_the_specified_patterns(landing: Path) -> None:
    seen = {pattern.pattern for patterns in FILE_PATTERNS.values() for pattern in patterns}
    for path in _files(landing):
        matches = [p for p in FILE_PATTERNS[path.parent.name] if p.match(path.name)]
        assert matches, f"{path.name} matches no pattern of {path.parent.name}/"
        stamp = matches[0].match(path.name).groups()[-1]
        if len(stamp) == 8:
            date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]))
        seen.discard(matches[0].pattern)
    assert not seen, f"no file for {seen}"


def test_no_stray_files_in_the_landing_root(landing: Path) -> None:
    assert sorted(path.name for path in landing.iterdir() if path.is_file()) == [
        "demo_manifest.json"
    ]
    assert not list(landing.rglob("*.tmp"))


def test_both_encodings_are_used_and_swedish_letters_survive(landing: Path) -> None:
    encodings = set()
    for path in _files(landing):
        if path.suffix == ".xlsx":
            continue
        text, encoding = decode(path)
        encodings.add(encoding)
        if encoding == "cp1252" and any(ord(char) > 127 for char in text):
            raw = path.read_bytes()
            assert not raw.startswith(BOM)
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                raise AssertionError(f"{path.name} claims cp1252 but is valid UTF-8")
        assert "Ã" not in text, f"double-encoded text in {path.name}"
    assert encodings == {"cp1252", "utf-8-sig"}
    for path in (landing / "arende").glob("gwa_*.csv"):
        text = decode(path)[0].lower()
        for word in ("förgymnasial", "försörjningsstöd", "över 5 år", "födelseregion"):
            assert word in text, f"{word} lost in {path.name}"


def test_manifest_lists_every_file_with_its_row_count(landing: Path) -> None:
    listed = {entry["file"]: entry for entry in manifest(landing)["files"]}
    on_disk = {str(path.relative_to(landing)) for path in _files(landing)}
    assert set(listed) == on_disk
    for name, entry in listed.items():
        path = landing / name
        if path.suffix in (".csv", ".txt") and entry["source_kind"] != "population":
            assert len(data_rows(path)) == entry["rows"], name
        elif entry["source_kind"] == "register":
            assert len(sheet(path, "Deltagare")) - 1 == entry["rows"], name


def test_duplicate_delivery_is_a_byte_identical_copy(landing: Path) -> None:
    duplicates = [entry for entry in manifest(landing)["files"] if "duplicate_of" in entry]
    assert duplicates
    for entry in duplicates:
        assert (landing / entry["file"]).read_bytes() == (
            landing / entry["duplicate_of"]
        ).read_bytes()


def test_same_seed_gives_identical_bytes_and_another_seed_differs(
    demo_root: Path, tmp_path_factory: pytest.TempPathFactory, finsam_env: Settings
) -> None:
    """The other seed fills the landing the FINSAM_* settings point at (empty kind folders)."""
    again = tmp_path_factory.mktemp("again")
    generate(PARTICIPANTS, SEED, again / "landing", again / "config" / "insatser.yml")
    generate(300, SEED + 1, finsam_env.landing, finsam_env.config)
    other = finsam_env.landing.parent
    assert finsam_env.config == other / "config" / "insatser.yml"
    first, second, third = _digests(demo_root), _digests(again), _digests(other)
    assert first == second
    assert first.keys() == third.keys()
    differing = {name for name in first if first[name] != third[name]}
    assert {name for name in first if "gwa_" in name or "esf_" in name} <= differing


def test_configuration_names_what_was_generated(demo_root: Path, landing: Path) -> None:
    config = yaml.safe_load((demo_root / "config" / "insatser.yml").read_text(encoding="utf-8"))
    rows = [row for path in (landing / "arende").glob("gwa_*.csv") for row in records(path)]
    registers = [
        dict(zip(table[0], values, strict=True))
        for path in (landing / "arende").glob("register_*.xlsx")
        for table in [sheet(path, "Deltagare")]
        for values in table[1:]
    ]
    insatser = {row["insats"] for row in rows} | {row["Insats"] for row in registers}
    units = {row["enhet"] for row in rows} | {row["Enhet"] for row in registers}
    assert set(config["insatser"]) == insatser and 4 <= len(insatser) <= 5
    assert set(config["units"]) == units
    assert {spec["municipality_code"] for spec in config["units"].values()} == {
        "1293",
        "1290",
        "1273",
        "1272",
    }
    projects = {
        project
        for spec in config["insatser"].values()
        if isinstance(spec["esf_project"], dict)
        for project in spec["esf_project"]
    }
    reported = {path.name.split("_")[1] for path in (landing / "scb").glob("esf_*.txt")}
    assert projects == reported and len(projects) >= 1
    ledger = [row for path in (landing / "ekonomi").glob("huvudbok_*.csv") for row in records(path)]
    # Every insats' project is in the ledger, beside the förbund's own office (no insats).
    office = load_calibration()["economy"]["administration"]["project"]
    assert {spec["projekt"] for spec in config["insatser"].values()} | {office} == {
        row["projekt"] for row in ledger
    }
    assert config["defaults"]["mandatory_fields"][0] == "assessment_date"
    assert 0 < config["quality"]["scb_reconciliation_tolerance"] < 1
    assert manifest(landing)["config"] == "config/insatser.yml"


def test_configuration_loads_with_the_ingest_reader(demo_root: Path) -> None:
    """The written configuration passes the ingest's own validation, defaults applied."""
    tables = read_config(demo_root / "config" / "insatser.yml")
    assert {row[0] for row in tables["insats_config"]} == {
        "Samverkan utan gränser",
        "Unga vuxna i arbete",
        "Samverkansteam Nordost",
        "Arbetsträning Nordost",
        "Språkstöd i arbete",
    }
    assert len(tables["unit_municipalities"]) == 4


def test_refuses_a_landing_that_already_has_deliveries(
    landing: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["--participants", "100", "--seed", "1", "--out", str(landing)]
    with pytest.raises(SystemExit) as stopped:
        main([*arguments, "--config-out", str(tmp_path / "insatser.yml")])
    assert stopped.value.code == 2
    assert "innehåller redan filer" in capsys.readouterr().err
    assert not (tmp_path / "insatser.yml").exists()


def test_rejects_impossible_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="participants"):
        generate(0, 5, tmp_path / "landing", tmp_path / "insatser.yml")
    with pytest.raises(ValueError, match="start year"):
        generate(10, 5, tmp_path / "landing", tmp_path / "insatser.yml", 2025, date(2024, 1, 1))
