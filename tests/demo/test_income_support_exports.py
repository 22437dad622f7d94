"""Kind F and the consent column against source-formats.md, the case system and the manifest."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from pipelines.personnummer import is_coordination_number, normalise
from tests.demo.landing_files import decode, entries, manifest, normal, read_rows, records, sheet
from tests.demo.spec_vocabulary import (
    BENEFIT_EXTENTS,
    CONSENT_COLUMN,
    CONSENT_VALUES,
    EXTENT_BENEFITS,
    FORSORJNING,
    INCOME_SUPPORT_COLUMNS,
    INCOME_SUPPORT_MONTH_FORMS,
    INCOME_SUPPORT_TRAILER,
    PERSONNUMMER_FORMS,
    WAGE_BENEFIT,
)

AMOUNT = re.compile(r"^\d+,\d{2}$")


@dataclass(frozen=True)
class Row:
    number: str
    month: int | None  # months since year 0, None when unreadable
    benefit: str
    extent: str
    amount: str


def _month(text: str, form: str) -> int | None:
    try:
        day = datetime.strptime(text, INCOME_SUPPORT_MONTH_FORMS[form])
    except ValueError:
        return None
    return day.year * 12 + day.month - 1


def _month_of(day: date) -> int:
    return day.year * 12 + day.month - 1


@cache
def _extract(path: Path, form: str, on: date) -> tuple[tuple[Row, ...], str]:
    """Rows (numbers normalised) and the trailer line of one extract."""
    header, rows = read_rows(path)
    assert [normal(name) for name in header] == [normal(name) for name in INCOME_SUPPORT_COLUMNS]
    trailer = rows.pop()
    numbers: dict[str, str | None] = {}
    parsed = []
    for text, month, benefit, extent, amount in rows:
        if text not in numbers:
            numbers[text] = normalise(text, on)
        parsed.append(Row(numbers[text], _month(month, form), benefit, extent, amount))
    return tuple(parsed), ";".join(trailer)


def _rows(landing: Path, entry: dict[str, Any]) -> tuple[Row, ...]:
    on = date.fromisoformat(entry["extraction_date"])
    return _extract(landing / entry["file"], entry["month_form"], on)[0]


def _current(landing: Path) -> list[dict[str, Any]]:
    return entries(landing, "income_support", current_only=True)


def _canonical(landing: Path) -> dict[str, str]:
    """Ersättning as written -> Försörjning label, known spelling variants included."""
    variants = manifest(landing)["label_variants"]["forsorjning"]
    mapping = {label: label for label in FORSORJNING}
    mapping.update(
        {spelling: label for label, spellings in variants.items() for spelling in spellings}
    )
    return mapping


@dataclass
class Case:
    number: str
    organisation: str
    case_id: str
    enrolled: int | None
    exited: int | None
    income_at_enrolment: str
    extent_at_enrolment: str
    income_at_exit: str
    exit_reason: str
    years_on_support: str
    consent: str


def _date(text: str) -> date | None:
    for form in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


@cache
def _cases(landing: Path) -> tuple[Case, ...]:
    """Enrolled rows of the current kind A deliveries with a usable personnummer."""
    cases = []
    for entry in entries(landing, "gwa", current_only=True):
        on = date.fromisoformat(entry["extraction_date"])
        for row in records(landing / entry["file"]):
            number = normalise(row["personnummer"].replace("+", "-"), on)  # as ingest reads
            enrolled = _date(row["inskrivningsdatum"])
            if number is None or enrolled is None:
                continue
            exited = _date(row["avslutsdatum"])
            cases.append(
                Case(
                    number,
                    entry["organisation"],
                    row["ärendeid"],
                    _month_of(enrolled),
                    _month_of(exited) if exited else None,
                    row[normal("Försörjning vid inskrivning")],
                    row[normal("Omfattning försörjning vid inskrivning")],
                    row[normal("Försörjning vid avslut")],
                    row["avslutsorsak"],
                    row[normal("År i offentlig försörjning")],
                    row[normal(CONSENT_COLUMN)],
                )
            )
    return tuple(cases)


def _case_persons(landing: Path) -> set[str]:
    """Everyone in a current case delivery (kind A or B), whatever their consent."""
    persons = {case.number for case in _cases(landing)}
    for entry in entries(landing, "register", current_only=True):
        table = sheet(landing / entry["file"], "Deltagare")
        on = date.fromisoformat(entry["extraction_date"])
        column = table[0].index("Pnr")
        persons |= {normalise(str(row[column]), on) for row in table[1:]} - {None}
    return persons


def _consenting(landing: Path) -> set[str]:
    return {case.number for case in _cases(landing) if case.consent == "J"}


def _by_person(landing: Path) -> dict[str, dict[int, list[Row]]]:
    """Every current extract's rows per person and month (the month's payments, all sources)."""
    months: dict[str, dict[int, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for entry in _current(landing):
        for row in _rows(landing, entry):
            if row.month is not None:
                months[row.number][row.month].append(row)
    return months


def _public(rows: list[Row], canonical: dict[str, str]) -> bool:
    return any(row.benefit and canonical.get(row.benefit) != WAGE_BENEFIT for row in rows)


def test_consent_column_only_in_newer_deliveries_with_most_consenting(landing: Path) -> None:
    with_column = without = 0
    for entry in entries(landing, "gwa"):
        header, _ = read_rows(landing / entry["file"])
        has = normal(CONSENT_COLUMN) in [normal(name) for name in header]
        assert has == entry["has_consent_column"]
        with_column += has
        without += not has
        if not has:
            continue
        rows = records(landing / entry["file"])
        values = Counter(row[normal(CONSENT_COLUMN)] for row in rows)
        assert set(values) <= CONSENT_VALUES
        assert values["J"] == entry["consent_rows"]
        assert all(not row[normal(CONSENT_COLUMN)] for row in rows if not row["inskrivningsdatum"])
        enrolled = sum(bool(row["inskrivningsdatum"]) for row in rows)
        assert 0.75 <= values["J"] / enrolled <= 0.93, entry["file"]
        refused_empty = sum(
            bool(row["inskrivningsdatum"]) and not row[normal(CONSENT_COLUMN)] for row in rows
        )
        assert values["N"] > 0 and refused_empty > 0
    assert with_column and without
    assert all(entry["has_consent_column"] for entry in entries(landing, "gwa", True))


def test_extracts_follow_the_kind_f_contract(landing: Path) -> None:
    canonical = _canonical(landing)
    unknown_labels = set(manifest(landing)["unknown_labels"]["forsorjning"])
    for entry in entries(landing, "income_support"):
        path = landing / entry["file"]
        assert re.match(rf"^forsorjning_{entry['organisation']}_\d{{8}}\.csv$", path.name)
        assert decode(path)[1] == entry["encoding"]
        rows, trailer = _extract(
            path, entry["month_form"], date.fromisoformat(entry["extraction_date"])
        )
        found = INCOME_SUPPORT_TRAILER.match(trailer)
        assert found and int(found[1]) == entry["unknown_persons"], trailer
        assert len(rows) == entry["rows"] and decode(path)[0].endswith(trailer + "\n")
        defects: Counter[str] = Counter()
        _, raw = read_rows(path)
        forms = {
            name for text, *_ in raw[:-1] for name, p in PERSONNUMMER_FORMS.items() if p.match(text)
        }
        assert forms == set(entry["personnummer_forms"]), entry["file"]
        for row in rows:
            assert row.number is not None and is_coordination_number(row.number)
            defects["unreadable_month"] += row.month is None
            defects["unreadable_amount"] += not (row.amount == "0" or AMOUNT.match(row.amount))
            defects["unknown_benefit"] += row.benefit in unknown_labels
            defects["benefit_variant"] += canonical.get(row.benefit, row.benefit) != row.benefit
            label = canonical.get(row.benefit)
            assert row.benefit == "" or label in entry["benefits"] or row.benefit in unknown_labels
            if row.extent and row.extent not in BENEFIT_EXTENTS:
                defects["invalid_extent"] += 1
            if label is not None:
                assert bool(row.extent) == (label in EXTENT_BENEFITS), row
            if row.amount in ("0", ""):
                assert row.benefit == "" and row.amount == "0"
            else:
                assert row.benefit != "", row
        assert +defects == {kind: count for kind, count in entry["defects"].items() if count}


def test_a_row_per_covered_month_and_one_per_benefit(landing: Path) -> None:
    for entry in entries(landing, "income_support"):
        months: dict[str, Counter[int]] = defaultdict(Counter)
        empty: dict[str, Counter[int]] = defaultdict(Counter)
        for row in _rows(landing, entry):
            if row.month is not None:
                months[row.number][row.month] += 1
                empty[row.number][row.month] += row.benefit == ""
        gaps = 0
        for number, counted in months.items():
            first, last = min(counted), max(counted)
            gaps += last - first + 1 - len(counted)
            assert all(empty[number][month] in (0, 1) for month in counted)
            assert all(counted[month] == 1 for month in counted if empty[number][month])
        assert gaps <= entry["defects"]["unreadable_month"], entry["file"]
        assert len(months) == entry["persons"]


def test_sources_formats_and_deliveries_vary_as_agencies_do(landing: Path) -> None:
    current = _current(landing)
    end = date.fromisoformat(manifest(landing)["period"]["end"])
    assert {entry["organisation"] for entry in current} == {
        "hassleholm",
        "kristianstad",
        "fk",
        "af",
        "csn",
        "skv",
    }
    assert {entry["encoding"] for entry in current} == {"cp1252", "utf-8-sig"}
    assert {entry["month_form"] for entry in current} == set(INCOME_SUPPORT_MONTH_FORMS)
    assert {form for entry in current for form in entry["personnummer_forms"]} == {
        "YYYYMMDD-NNNN",
        "YYYYMMDDNNNN",
        "YYMMDD-NNNN",
    }
    headers = {tuple(read_rows(landing / entry["file"])[0]) for entry in current}
    assert tuple(INCOME_SUPPORT_COLUMNS) in headers and len(headers) >= 3
    assert all(0 <= (end - date.fromisoformat(e["extraction_date"])).days <= 28 for e in current)
    assert max(entry["extraction_date"] for entry in current) == end.isoformat()
    newest = max(entry["last_month"] for entry in current)
    assert min(entry["last_month"] for entry in current) < newest
    superseded = [entry for entry in entries(landing, "income_support") if not entry["is_current"]]
    assert superseded
    for old in superseded:
        new = next(e for e in current if e["organisation"] == old["organisation"])
        assert old["extraction_date"] < new["extraction_date"]
        assert old["last_month"] < new["last_month"]
        assert {row.number for row in _rows(landing, old)} <= {
            row.number for row in _rows(landing, new)
        }


def test_consent_is_respected_except_for_the_planted_rows(landing: Path) -> None:
    consenting, in_case_system = _consenting(landing), _case_persons(landing)
    end = manifest(landing)["period"]["end"]
    planted = Counter()
    for entry in entries(landing, "income_support"):
        rows = _rows(landing, entry)
        persons = {row.number for row in rows}
        without = {number for number in persons - consenting if number in in_case_system}
        outside = persons - consenting - in_case_system
        assert len(without) == entry["persons_without_consent"], entry["file"]
        assert len(outside) == entry["persons_not_in_case_system"], entry["file"]
        assert sum(row.number in without for row in rows) == entry["rows_without_consent"]
        assert sum(row.number in outside for row in rows) == entry["rows_not_in_case_system"]
        assert len(persons & consenting) == entry["consenting_persons"]
        assert entry["listed_persons"] == entry["consenting_persons"] + entry["unknown_persons"]
        planted["without"] += len(without)
        planted["outside"] += len(outside)
        if entry["extraction_date"] == end and entry["residents_of"] is None:
            assert consenting <= persons, entry["file"]
    assert planted["without"] >= 2 and planted["outside"] >= 2
    assert manifest(landing)["follow_up"]["consenting_persons"] == len(consenting)


def test_municipalities_know_only_their_residents(landing: Path) -> None:
    organisations = defaultdict(set)
    for case in _cases(landing):
        organisations[case.number].add(case.organisation)
    for entry in _current(landing):
        if entry["residents_of"] is None:
            assert entry["unknown_persons"] < 0.02 * entry["listed_persons"]
            continue
        known = {row.number for row in _rows(landing, entry)} & _consenting(landing)
        assert all(entry["residents_of"] in organisations[number] for number in known)
        assert 0.3 <= entry["unknown_persons"] / entry["listed_persons"] <= 0.7


def _paying(landing: Path) -> dict[str, list[dict[str, Any]]]:
    """Försörjning label -> the current extracts of the sources that pay it."""
    paying = defaultdict(list)
    for entry in _current(landing):
        for label in entry["benefits"]:
            paying[label].append(entry)
    return paying


def _covers(landing: Path, entry: dict[str, Any], number: str, month: int) -> bool:
    return any(
        row.number == number and row.month == month for row in _index(landing, entry)[number]
    )


@cache
def _indexed(path: Path, form: str, on: date) -> dict[str, list[Row]]:
    index = defaultdict(list)
    for row in _extract(path, form, on)[0]:
        index[row.number].append(row)
    return index


def _index(landing: Path, entry: dict[str, Any]) -> dict[str, list[Row]]:
    on = date.fromisoformat(entry["extraction_date"])
    return _indexed(landing / entry["file"], entry["month_form"], on)


def test_extracts_agree_with_income_source_at_enrolment_and_exit(landing: Path) -> None:
    """Persons with one enrolment: the month of enrolment shows its income source (and
    extent), the exit month the income source at exit, wherever its payer covers the month."""
    canonical, months, paying = _canonical(landing), _by_person(landing), _paying(landing)
    counts = Counter(case.number for case in _cases(landing))
    checked = Counter()
    wrong = []
    for case in _cases(landing):
        if counts[case.number] > 1 or case.consent != "J" or case.exited == case.enrolled:
            continue
        for month, label, extent in (
            (case.enrolled, case.income_at_enrolment, case.extent_at_enrolment),
            (case.exited, case.income_at_exit, None),
        ):
            label = canonical.get(label)
            if month is None or label in (None, "Uppgift saknas"):
                continue
            rows = months[case.number].get(month, [])
            if label == "Ingen offentlig försörjning":
                if not rows:
                    continue
                ok = not _public(rows, canonical)
            else:
                if not any(_covers(landing, e, case.number, month) for e in paying[label]):
                    continue
                paid = {canonical.get(row.benefit): row.extent for row in rows if row.benefit}
                ok = label in paid and (
                    extent is None or label not in EXTENT_BENEFITS or paid[label] == extent
                )
            checked[label] += 1
            wrong += [] if ok else [(case.case_id, label)]
    planted = sum(
        entry["defects"]["unknown_benefit"] + entry["defects"]["unreadable_month"]
        for entry in _current(landing)
    )
    assert len(wrong) <= planted, wrong[:10]
    assert sum(checked.values()) >= 800
    assert {"Försörjningsstöd", "Sjukersättning", "Lön", "Studiemedel"} <= set(checked)


def _after_exit(landing: Path) -> list[tuple[Case, dict[int, list[Row]]]]:
    months = _by_person(landing)
    counts = Counter(case.number for case in _cases(landing))
    return [
        (case, months[case.number])
        for case in _cases(landing)
        if case.consent == "J" and counts[case.number] == 1 and case.exited
    ]


def test_later_paths_are_realistic(landing: Path) -> None:
    canonical = _canonical(landing)
    returned = base = 0
    extent_changed = extent_base = 0
    for case, months in _after_exit(landing):
        covered = [case.exited + k in months for k in range(1, 25)]
        if case.income_at_exit == "Lön" and all(covered):
            base += 1
            assert not _public(months[case.exited], canonical)
            returned += any(_public(months[case.exited + k], canonical) for k in range(1, 25))
        label = canonical.get(case.income_at_enrolment)
        if label in EXTENT_BENEFITS and case.income_at_exit == label and all(covered[:12]):
            extent_base += 1
            at_exit = {canonical.get(r.benefit): r.extent for r in months[case.exited]}
            later = {canonical.get(r.benefit): r.extent for r in months[case.exited + 12]}
            extent_changed += later.get(label) != at_exit.get(label)
    assert base >= 30 and 0.08 <= returned / base <= 0.45
    assert extent_base >= 20 and 0.1 <= extent_changed / extent_base <= 0.8


def test_amounts_are_realistic_kronor_per_month(landing: Path) -> None:
    canonical = _canonical(landing)
    amounts: dict[tuple[str, str], list[float]] = defaultdict(list)
    for entry in _current(landing):
        for row in _rows(landing, entry):
            if AMOUNT.match(row.amount):
                key = (canonical.get(row.benefit, ""), row.extent)
                amounts[key].append(float(row.amount.replace(",", ".")))
    assert 5000 <= statistics.median(amounts[("Försörjningsstöd", "")]) <= 11000
    assert 12000 <= statistics.median(amounts[("Lön", "")]) <= 30000
    assert 9000 <= statistics.median(amounts[("Sjukersättning", "100")]) <= 20000
    assert statistics.median(amounts[("Sjukersättning", "50")]) < 10000
    assert min(min(values) for values in amounts.values()) > 0


def test_planted_defects_of_every_kind_are_present(landing: Path) -> None:
    totals = Counter()
    for entry in _current(landing):
        totals.update(entry["defects"])
    assert all(
        totals[kind] >= 1
        for kind in (
            "unreadable_month",
            "unreadable_amount",
            "unknown_benefit",
            "invalid_extent",
            "benefit_variant",
        )
    ), totals
    raw = decode(
        landing
        / "register"
        / next(
            e["file"].split("/")[1] for e in _current(landing) if e["defects"]["benefit_variant"]
        )
    )[0]
    assert "Förs.stöd" in raw or "A-kassa" in raw or "aktivitetsersättning" in raw


def test_kartlaggning_disagreements_are_planted_and_the_rest_agree(landing: Path) -> None:
    """Months with public support in the 24 before the first enrolment against År i offentlig
    försörjning (24 months at most): more than 12 apart only for the planted enrolments."""
    canonical, months = _canonical(landing), _by_person(landing)
    planted = {
        (item["organisation"], str(item["case_id"])): item
        for item in manifest(landing)["follow_up"]["kartlaggning_disagreements"]
    }
    assert len(planted) >= 2
    first: dict[str, Case] = {}
    for case in sorted(_cases(landing), key=lambda case: case.enrolled):
        first.setdefault(case.number, case)
    found = agreeing = 0
    for case in first.values():
        if case.consent != "J" or not case.years_on_support.isdigit():
            continue
        before = [months[case.number].get(case.enrolled - k, []) for k in range(1, 25)]
        measured = sum(_public(rows, canonical) for rows in before)
        apart = abs(min(12 * int(case.years_on_support), 24) - measured) > 12
        item = planted.get((case.organisation, case.case_id))
        if item:
            found += 1
            assert apart and measured == item["measured_support_months"]
            assert int(case.years_on_support) == item["years_on_public_support"]
        else:
            assert not apart, case
            agreeing += 1
    assert found == len(planted) and agreeing >= 300
