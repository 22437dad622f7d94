"""Kinds C and D: the ESF reports to SCB and the PX-Web population table."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import yaml

from pipelines.personnummer import is_coordination_number, normalise
from tests.demo.landing_files import decode, entries, manifest, normal, read_rows, records
from tests.demo.spec_vocabulary import AGE_BANDS, ESF_COLUMNS


def _day(text: str) -> date:
    return datetime.strptime(text, "%Y%m%d").date()


def test_esf_reports_follow_the_scb_format(landing: Path) -> None:
    reports = entries(landing, "esf")
    assert len(reports) >= 2
    for entry in reports:
        path = landing / entry["file"]
        assert decode(path)[1] == "cp1252"
        header, rows = read_rows(path)
        assert header == ESF_COLUMNS
        protected = 0
        for row in rows:
            value = dict(zip(header, row, strict=True))
            assert value["Projektnummer"] == entry["organisation"]
            if value["Personnummer"] == "":
                protected += 1
            else:
                assert re.match(r"^\d{6}-\d{4}$", value["Personnummer"])
                number = normalise(
                    value["Personnummer"], date.fromisoformat(entry["extraction_date"])
                )
                assert number is not None and is_coordination_number(number)
            assert value["Kon"] in {"1", "2"}
            assert _day(value["Startdatum"]) <= date.fromisoformat(entry["extraction_date"])
            assert bool(value["Slutdatum"]) == bool(value["Avslutningsorsak"])
            if value["Slutdatum"]:
                assert _day(value["Slutdatum"]) >= _day(value["Startdatum"])
            assert value["Status_start"] in {"1", "2", "3", "4", "5"}
            assert value["Utbildning"] in {"1", "2", "3", "9"}
            assert value["Avslutningsorsak"] in {"", "1", "2", "3", "4", "5"}
            assert value["Avslutningsorsak2"] in {"", "3", "5"}
            assert re.match(r"^\d+,\d$", value["Deltagartimmar"])
        assert protected == entry["protected_identity_rows"]


def test_scb_and_case_system_disagree_by_the_planted_persons(
    demo_root: Path, landing: Path
) -> None:
    config = yaml.safe_load((demo_root / "config" / "insatser.yml").read_text(encoding="utf-8"))
    projects = {
        project: (insats, unit)
        for insats, spec in config["insatser"].items()
        if isinstance(spec["esf_project"], dict)
        for project, unit in spec["esf_project"].items()
    }
    case_rows = [
        (entry, row)
        for entry in entries(landing, "gwa", True)
        for row in records(landing / entry["file"])
    ]
    for entry in entries(landing, "esf", True):
        insats, unit = projects[entry["organisation"]]
        on = date.fromisoformat(entry["extraction_date"])
        case = {
            normalise(row["personnummer"], on)
            for _, row in case_rows
            if row["insats"] == insats
            and row["enhet"] == unit
            and row["inskrivningsdatum"]
            and row["skyddad identitet"] == "N"
            and row["avslutsorsak"] != "Felregistrering"
        }
        header, rows = read_rows(landing / entry["file"])
        scb = {normalise(row[1], on) for row in rows if row[1]}
        assert None not in case and None not in scb
        expected = entry["reconciliation"]
        assert len(case & scb) == expected["both"]
        assert len(case - scb) == expected["only_case_system"] >= 1
        assert len(scb - case) == expected["only_scb"] >= 1
        assert (expected["only_case_system"] + expected["only_scb"]) / len(case | scb) <= 0.12


def test_population_is_a_px_web_table(landing: Path) -> None:
    (entry,) = entries(landing, "population")
    text, _ = decode(landing / entry["file"])
    assert text.startswith('"region","ålder","kön","')
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, data = rows[0], rows[1:]
    years = manifest(landing)["period"]
    assert header[3:] == [str(y) for y in range(int(years["start"][:4]), int(years["end"][:4]) + 1)]
    assert len(data) == entry["rows"] == 4 * len(AGE_BANDS) * 2
    assert {row[0] for row in data} == {
        "1293 Hässleholm",
        "1290 Kristianstad",
        "1273 Osby",
        "1272 Bromölla",
    }
    assert {row[1] for row in data} == set(AGE_BANDS)
    assert {row[2] for row in data} == {"män", "kvinnor"}
    for line in text.splitlines()[1:]:
        assert re.match(r'^"\d{4} [^"]+","\d{2}-\d{2} år","(män|kvinnor)"(,\d+)+$', line), line
    hassleholm = sum(int(row[3]) for row in data if row[0].startswith("1293"))
    assert 25_000 <= hassleholm <= 40_000
    assert [normal(name) for name in header[:3]] == ["region", "ålder", "kön"]
