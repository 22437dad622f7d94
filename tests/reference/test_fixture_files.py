"""The reference-case files themselves, read back as delivered: they must carry the
published figures, so a failing pipeline test points at the pipeline, not the fixture."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from python_calamine import CalamineWorkbook

from pipelines import personnummer
from pipelines.ingest.insats_config import read_config
from tests.reference import build_duellen, build_follow_up, build_samverkan
from tests.reference.pipeline import write_reference_landing
from tests.reference.source_files import write_config


@pytest.fixture(scope="module")
def duellen_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("duellen_files")
    build_duellen.write_sources(root / "landing")
    write_config(root / "insatser.yml", build_duellen.config())
    return root


@pytest.fixture(scope="module")
def samverkan_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("samverkan_files")
    build_samverkan.write_sources(root / "landing")
    return root


@pytest.fixture(scope="module")
def follow_up_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("follow_up_files") / "landing"
    build_follow_up.write_sources(landing)
    return landing


def _sheet(path: Path, name: str) -> list[dict]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _delimited(path: Path, encoding: str) -> list[dict]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))


def test_duellen_register(duellen_landing: Path) -> None:
    rows = _sheet(duellen_landing / "landing" / "arende" / build_duellen.REGISTER_FILE, "Deltagare")
    assert len(rows) == 196
    assert Counter(row["Remittent"] for row in rows) == build_duellen.REFERRALS
    persons = {row["Pnr"]: row for row in rows}
    assert len(persons) == 133
    assert Counter(row["Kön"] for row in persons.values()) == {"K": 52, "M": 81}
    assert Counter(row["Orsak avslut"] for row in persons.values()) == build_duellen.EXIT_CATEGORIES
    for number, row in persons.items():
        assert personnummer.is_valid(number, date(2009, 7, 1))
        assert personnummer.is_coordination_number(number.replace("-", ""))
        assert personnummer.gender(number.replace("-", "")) == row["Kön"]


def test_duellen_mean_age_is_22(duellen_landing: Path) -> None:
    rows = _sheet(duellen_landing / "landing" / "arende" / build_duellen.REGISTER_FILE, "Deltagare")
    first_start: dict[str, date] = {}
    for row in rows:
        first_start[row["Pnr"]] = min(row["Start"], first_start.get(row["Pnr"], row["Start"]))
    ages = []
    for number, start in first_start.items():
        birth = personnummer.birth_date(number.replace("-", ""))
        ages.append(start.year - birth.year - ((start.month, start.day) < (birth.month, birth.day)))
    assert sum(ages) / len(ages) == 22
    assert min(ages) >= 16 and max(ages) <= 30


def test_duellen_ledger_costs(duellen_landing: Path) -> None:
    path = duellen_landing / "landing" / "ekonomi" / build_duellen.LEDGER_FILE
    totals: Counter = Counter()
    lines = {"5": "Personal", "61": "Lokaler"}
    for row in _delimited(path, "cp1252"):
        if row["Projekt"] != build_duellen.PROJECT:
            continue
        line = lines.get(row["Konto"][:2], lines.get(row["Konto"][:1], "Övriga kostnader"))
        totals[(line, int(row["Bokföringsdatum"][:4]))] += _amount(row["Belopp"])
    expected = {
        (line, year): Decimal(amount)
        for line, per_year in build_duellen.COSTS.items()
        for year, amount in per_year.items()
    }
    assert dict(totals) == expected
    assert sum(totals.values()) == build_duellen.TOTAL_COST


def test_duellen_stated_figures(duellen_landing: Path) -> None:
    config = yaml.safe_load((duellen_landing / "insatser.yml").read_text(encoding="utf-8"))
    stated = {item["figure"]: item["stated_value"] for item in config["stated_figures"]}
    assert stated["cost_per_participant"] == 17_227
    assert round(stated["cost"] / 133) != stated["cost_per_participant"]


def _esf_rows(landing: Path) -> list[dict]:
    rows = []
    for path in sorted((landing / "landing" / "scb").glob("esf_*.txt")):
        rows += _delimited(path, "cp1252")
    return rows


def test_samverkan_esf_reports(samverkan_landing: Path) -> None:
    rows = _esf_rows(samverkan_landing)
    projects: dict[str, set[str]] = {}
    for row in rows:
        projects.setdefault(row["Personnummer"], set()).add(row["Projektnummer"])
    assert len(projects) == 360
    sizes = Counter(len(p) for p in projects.values())
    assert sizes == {1: 358, 2: 2}
    by_code = Counter(int(row["Avslutningsorsak"]) for row in rows)
    assert by_code == {1: 54, 2: 8, 3: 166, 4: 5, 5: 127 + 2}  # the 2 at both sites twice
    assert sum(1 for row in rows if row["Avslutningsorsak2"]) == 21


def test_samverkan_case_system(samverkan_landing: Path) -> None:
    path = samverkan_landing / "landing" / "arende" / build_samverkan.GWA_FILE
    rows = _delimited(path, "utf-8-sig")
    assert len({row["Personnummer"] for row in rows}) == 231
    assert sum(row["Utbildningsnivå"] in ("", "Uppgift saknas") for row in rows) == 53
    nordic = [r for r in rows if r["Födelseregion"] in ("Sverige", "Norden utom Sverige")]
    assert len(nordic) == 141
    assert sum(r["Arbetslivserfarenhet"] in ("", "Uppgift saknas") for r in nordic) == 48
    extracted = build_samverkan.EXTRACTION
    reported = {
        (row["Projektnummer"], personnummer.normalise(row["Personnummer"], extracted))
        for row in _esf_rows(samverkan_landing)
    }
    in_case_system = {row["Personnummer"].replace("-", "") for row in rows}
    assert len(in_case_system - {number for _, number in reported}) == 16
    hassleholm = {n for project, n in reported if project == build_samverkan.PROJECT_HASSLEHOLM}
    assert len(hassleholm - in_case_system) == 8


def test_follow_up_case_export(follow_up_landing: Path) -> None:
    """Kind A with the newer column Samtycke uppföljning: J for five, N for Dan, empty for Eva."""
    rows = _delimited(follow_up_landing / "arende" / build_follow_up.GWA_FILE, "cp1252")
    assert list(rows[0])[-1] == "Samtycke uppföljning"
    assert Counter(row["Samtycke uppföljning"] for row in rows) == {"J": 5, "N": 1, "": 1}
    for row in rows:
        number = row["Personnummer"].replace("-", "")
        assert personnummer.is_valid(number, build_follow_up.CASE_EXTRACTION)
        assert personnummer.is_coordination_number(number)


# Per extract: (persons it knows, rows, the trailer's unknown persons, personnummer pattern).
FOLLOW_UP_EXTRACTS = {
    "hassleholm": (4, 64 + 60 + 40 + 60, 3, r"\d{8}-\d{4}"),  # Hans, Anna, Gun, Dan
    "fk": (4, 64 + 59 + 58 + 24, 3, r"\d{12}"),  # Hans, Bo, Cia, Filip
    "skv": (5, 60 + 59 + 58 + 40 + 60, 2, r"\d{6}-\d{4}"),  # Anna, Bo, Cia, Gun, Dan
}


def _month_index(text: str) -> int:
    digits = text.replace("-", "")
    return int(digits[:4]) * 12 + int(digits[4:])


@pytest.mark.parametrize("extract", build_follow_up.EXTRACTS, ids=lambda e: e.source)
def test_follow_up_extracts(follow_up_landing: Path, extract: build_follow_up.Extract) -> None:
    """Kind F as source-formats.md describes it: every month of each known person once
    (an empty Ersättning with Belopp 0 when nothing was paid), decimal comma amounts, the
    trailer count of unknown persons, valid samordningsnummer in the source's form."""
    persons, row_count, unknown, number_form = FOLLOW_UP_EXTRACTS[extract.source]
    path = follow_up_landing / "register" / extract.file_name
    lines = path.read_bytes().decode(extract.encoding).splitlines()
    assert lines[-1] == f"# Okända personnummer: {unknown}"
    reader = csv.DictReader(lines[:-1], delimiter=";")
    rows = [{key.strip().lower(): value for key, value in row.items()} for row in reader]
    assert len(rows) == row_count
    months: dict[str, list[int]] = {}
    for row in rows:
        number, month = row["personnummer"], row["månad"]
        assert re.fullmatch(number_form, number)
        assert personnummer.is_valid(number, extract.extraction)
        assert re.fullmatch(r"\d{4}-?\d{2}", month)
        assert re.fullmatch(r"\d{1,3}([ \u00a0]?\d{3})*,\d{2}|0", row["belopp"])
        assert (row["ersättning"] == "") == (_amount(row["belopp"]) == 0)
        months.setdefault(number, []).append(_month_index(month))
    assert len(months) == persons
    for delivered in months.values():
        assert delivered == list(range(delivered[0], delivered[0] + len(delivered)))


def test_follow_up_extracts_use_both_month_forms(follow_up_landing: Path) -> None:
    text = "".join(
        (follow_up_landing / "register" / extract.file_name).read_bytes().decode(extract.encoding)
        for extract in build_follow_up.EXTRACTS
    )
    assert re.search(r";\d{4}-\d{2};", text) and re.search(r";\d{6};", text)


def test_reference_landing_holds_every_case(tmp_path: Path) -> None:
    """One landing and one configuration for all cases, accepted by the config reader."""
    config = tmp_path / "insatser.yml"
    write_reference_landing(tmp_path / "landing", config)
    tables = read_config(config)
    assert {row[0] for row in tables["insats_config"]} == {
        "Duellen",
        "Samverkan utan gränser",
        "Steget vidare",
    }
    assert len(tables["stated_figures"]) == 6
    files = {path.name for path in (tmp_path / "landing").rglob("*.*")}
    assert build_duellen.REGISTER_FILE in files and build_samverkan.GWA_FILE in files
    assert build_follow_up.GWA_FILE in files
    assert len(files) == 13
