"""Kinds A and B against source-formats.md and the planted counts of the manifest."""

from __future__ import annotations

import csv
import re
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from pipelines.personnummer import gender, is_coordination_number, normalise
from tests.demo.landing_files import entries, manifest, normal, read_rows, records, sheet
from tests.demo.spec_vocabulary import (
    AVSLUTSORSAK,
    CODE_LISTS,
    CONSENT_COLUMN,
    FORSORJNING,
    GWA_COLUMNS,
    KARTLAGGNING,
    MAPPINGS,
    MISSING_VALUES,
    PERSONNUMMER_FORMS,
    REMITTENT,
)

LABEL_FIELDS = {
    "Avslutsorsak": "exit_reason",
    "Försörjning vid inskrivning": "income_at_enrolment",
    "Remitterande aktör": "referrer",
}
CODE_LIST_OF = {
    "exit_reason": "avslutsorsak",
    "income_at_enrolment": "forsorjning",
    "referrer": "remittent",
}
DATE_FIELDS = {
    "Remissdatum": "referral_date",
    "Kartläggningsdatum": "assessment_date",
    "Avslutsdatum": "exit_date",
    "Inskrivningsdatum": None,
}
DATE_FORMS = {r"^\d{4}-\d{2}-\d{2}$": "%Y-%m-%d", r"^\d{8}$": "%Y%m%d"}
REGISTER_EXAMPLES = [
    "Pnr",
    "Kön",
    "Start",
    "Slut",
    "Orsak avslut",
    "Remittent",
    "Försörjning start",
    "Försörjning slut",
    "Kartlagd",
]


def _get(row: dict[str, str], header: str) -> str:
    return row[normal(header)]


def _gwa(landing: Path) -> list[tuple[dict[str, Any], list[dict[str, str]]]]:
    return [(entry, records(landing / entry["file"])) for entry in entries(landing, "gwa")]


def _register(landing: Path, entry: dict[str, Any]) -> list[dict[str, Any]]:
    table = sheet(landing / entry["file"], "Deltagare")
    return [dict(zip(table[0], values, strict=True)) for values in table[1:]]


def _parse(text: str, form: str) -> date | None:
    try:
        return datetime.strptime(text, form).date()
    except ValueError:
        return None


def test_gwa_has_the_specified_columns_with_drifting_spelling(landing: Path) -> None:
    """Samtycke uppföljning comes last and only in newer exports (the older lack it)."""
    base = [name for name in GWA_COLUMNS if name != CONSENT_COLUMN]
    headers = set()
    for entry in entries(landing, "gwa"):
        header, _ = read_rows(landing / entry["file"])
        expected = base + [CONSENT_COLUMN] * entry["has_consent_column"]
        assert [normal(name) for name in header] == [normal(name) for name in expected]
        headers.add(tuple(header))
    assert tuple(base) in headers and tuple([*base, CONSENT_COLUMN]) in headers
    assert any("ÄRENDEID" in header for header in headers)
    assert any(name != name.strip() for header in headers for name in header)


def test_gwa_labels_are_valid_known_variants_or_planted_unknowns(landing: Path) -> None:
    planted = manifest(landing)
    for entry, rows in _gwa(landing):
        for header, allowed in CODE_LISTS.items():
            field = LABEL_FIELDS.get(header)
            variants = planted["label_variants"].get(CODE_LIST_OF.get(field, ""), {})
            known = {label for labels in variants.values() for label in labels}
            unknown = set(planted["unknown_labels"].get(CODE_LIST_OF.get(field, ""), []))
            counts = Counter(_get(row, header) for row in rows)
            stray = set(counts) - set(allowed) - known - unknown - {""}
            assert not stray, f"{entry['file']} {header}: {stray}"
            if field:
                assert sum(counts[label] for label in unknown) == entry["unknown_label"][field]
                assert sum(counts[label] for label in known) == entry["label_variant"][field]
    current = [entry for entry, _ in _gwa(landing) if entry["is_current"]]
    assert all(min(entry["unknown_label"].values()) >= 1 for entry in current)
    assert all(min(entry["label_variant"].values()) >= 1 for entry in current)


def test_gwa_personnummer_forms_validity_and_protected_identities(landing: Path) -> None:
    forms: Counter[str] = Counter()
    for entry, rows in _gwa(landing):
        on = date.fromisoformat(entry["extraction_date"])
        invalid = plus = protected = 0
        for row in rows:
            text = _get(row, "Personnummer")
            if _get(row, "Skyddad identitet") == "J":
                assert text == ""
                protected += 1
                continue
            assert _get(row, "Skyddad identitet") == "N"
            form = [name for name, pattern in PERSONNUMMER_FORMS.items() if pattern.match(text)]
            assert len(form) == 1, text
            forms[form[0]] += 1
            plus += form[0] == "YYMMDD+NNNN"
            number = normalise(text, on)
            if number is None:
                invalid += 1
            else:
                assert is_coordination_number(number)
        assert invalid == entry["invalid_checksum_rows"]
        assert plus == entry["plus_separator_rows"]
        assert protected == entry["protected_identity_rows"]
        assert invalid < max(3, 0.01 * len(rows))
    assert set(forms) == set(PERSONNUMMER_FORMS)
    assert sum(entry["protected_identity_rows"] for entry in entries(landing, "gwa", True)) >= 1


def test_gwa_dates_use_one_form_per_file_and_impossible_ones_are_planted(landing: Path) -> None:
    for entry, rows in _gwa(landing):
        values = [_get(row, header) for row in rows for header in DATE_FIELDS]
        forms = {
            form
            for value in values
            if value
            for pattern, form in DATE_FORMS.items()
            if re.match(pattern, value)
        }
        assert len(forms) == 1, entry["file"]
        form = forms.pop()
        impossible: Counter[str] = Counter()
        for row in rows:
            for header, field in DATE_FIELDS.items():
                value = _get(row, header)
                if value and _parse(value, form) is None:
                    assert field is not None, f"{header} {value}"
                    impossible[field] += 1
                elif value:
                    assert _parse(value, form) <= date.fromisoformat(entry["extraction_date"])
        assert dict(impossible) == {k: v for k, v in entry["impossible_date"].items() if v}


def test_gwa_missing_kartlaggning_matches_manifest_and_is_realistic(landing: Path) -> None:
    for entry, rows in _gwa(landing):
        enrolled = [row for row in rows if _get(row, "Inskrivningsdatum")]
        assert len(enrolled) == entry["enrolled_rows"]
        for header, field in KARTLAGGNING.items():
            missing = sum(_get(row, header) in MISSING_VALUES for row in enrolled)
            assert missing == entry["missing_kartlaggning"][field], (entry["file"], field)
            if entry["is_current"]:
                assert 0.15 <= missing / len(enrolled) <= 0.40, (entry["file"], field)


def test_gwa_amounts_and_hours_use_decimal_comma(landing: Path) -> None:
    for _, rows in _gwa(landing):
        for row in rows:
            hours = _get(row, "Närvarotimmar")
            assert hours == "" or re.match(r"^\d+,\d$", hours), hours
            assert bool(hours) == bool(_get(row, "Inskrivningsdatum"))
            for header in (
                "Omfattning försörjning vid inskrivning",
                "Omfattning sysselsättning vid avslut",
            ):
                assert _get(row, header) in {"", "25", "50", "75", "100"}
            assert (
                _get(row, "År i offentlig försörjning") == ""
                or _get(row, "År i offentlig försörjning").isdigit()
            )


def test_later_snapshots_add_rows_and_correct_earlier_ones(landing: Path) -> None:
    filled = changed = 0
    by_organisation = defaultdict(list)
    for entry, rows in _gwa(landing):
        if "duplicate_of" not in entry:
            by_organisation[entry["organisation"]].append((entry["extraction_date"], rows))
    assert all(len(deliveries) >= 2 for deliveries in by_organisation.values())
    assert len(by_organisation) >= 1
    for deliveries in by_organisation.values():
        deliveries.sort(key=lambda item: item[0])
        for (_, earlier), (_, later) in zip(deliveries, deliveries[1:], strict=False):
            later_by_id = {_get(row, "ÄrendeID"): row for row in later}
            assert {_get(row, "ÄrendeID") for row in earlier} < set(later_by_id)
            for row in earlier:
                after = later_by_id[_get(row, "ÄrendeID")]
                filled += not _get(row, "Avslutsdatum") and bool(_get(after, "Avslutsdatum"))
                before_reason, after_reason = _get(row, "Avslutsorsak"), _get(after, "Avslutsorsak")
                changed += bool(before_reason) and before_reason != after_reason
    assert filled > 0 and changed > 0


def test_current_snapshots_have_realistic_flows(landing: Path) -> None:
    rows = [row for entry, rows in _gwa(landing) if entry["is_current"] for row in rows]
    reasons = Counter(
        _get(row, "Avslutsorsak").strip().lower() for row in rows if _get(row, "Avslutsorsak")
    )
    exits = sum(reasons.values())
    assert 0.18 <= reasons["arbete"] / exits <= 0.38
    assert 0.04 <= reasons["studier"] / exits <= 0.14
    assert 0.07 <= reasons["avbrott"] / exits <= 0.20
    assert reasons["felregistrering"] >= 1
    referrers = Counter(_get(row, "Remitterande aktör") for row in rows)
    assert referrers.most_common(1)[0][0] == "Arbetsförmedlingen"
    assert any(not _get(row, "Inskrivningsdatum") for row in rows), "no queue"
    assert any(_get(row, "Inskrivningsdatum") and not _get(row, "Avslutsdatum") for row in rows)
    months = [
        (
            _parse(_get(row, "Avslutsdatum"), "%Y%m%d")
            or _parse(_get(row, "Avslutsdatum"), "%Y-%m-%d")
        )
        for row in rows
    ]
    starts = [
        _parse(_get(row, "Inskrivningsdatum"), "%Y%m%d")
        or _parse(_get(row, "Inskrivningsdatum"), "%Y-%m-%d")
        for row in rows
    ]
    durations = [
        (end - start).days / 30.4375
        for row, start, end in zip(rows, starts, months, strict=True)
        if start and end and _get(row, "Avslutsorsak").lower() != "avbrott"
    ]
    assert 5 <= statistics.median(durations) <= 12


def test_youth_insats_gender_and_repeated_or_parallel_enrolments(landing: Path) -> None:
    rows = [(entry, row) for entry, rows in _gwa(landing) if entry["is_current"] for row in rows]
    numbers = [
        (normalise(_get(row, "Personnummer"), date.fromisoformat(entry["extraction_date"])), row)
        for entry, row in rows
    ]
    youth = [
        gender(number)
        for number, row in numbers
        if number and _get(row, "Insats") == "Unga vuxna i arbete"
    ]
    assert 0.30 <= youth.count("K") / len(youth) <= 0.50
    per_person = defaultdict(list)
    for number, row in numbers:
        if number:
            per_person[(number, _get(row, "Insats"))].append(_get(row, "Enhet"))
    assert any(len(units) >= 2 and len(set(units)) == 1 for units in per_person.values())
    assert any(len(set(units)) >= 2 for units in per_person.values())


def test_registers_follow_the_team_format(landing: Path) -> None:
    planted = manifest(landing)
    team = planted["register_labels"]
    allowed = {
        "Orsak avslut": set(AVSLUTSORSAK) | set(team["avslutsorsak"].values()),
        "Försörjning start": set(FORSORJNING) | set(team["forsorjning"].values()),
        "Försörjning slut": set(FORSORJNING) | set(team["forsorjning"].values()),
        "Remittent": set(REMITTENT) | set(team["remittent"].values()),
    }
    registers = entries(landing, "register")
    assert {entry["organisation"] for entry in registers} and len(registers) >= 1
    for entry in registers:
        rows = _register(landing, entry)
        assert len(rows) == entry["rows"] and rows
        assert set(REGISTER_EXAMPLES) <= set(rows[0]), "register headings"
        impossible = Counter()
        invalid = 0
        for row in rows:
            assert row["Kön"] in {"K", "M"}
            for heading, labels in allowed.items():
                assert row[heading] in labels | {""}, (heading, row[heading])
            for heading in ("Remissdatum", "Start", "Slut", "Kartlagd"):
                value = row[heading]
                if isinstance(value, str) and value:
                    assert re.match(r"^\d{4}-02-30$", value)
                    impossible[heading] += 1
                else:
                    assert value == "" or isinstance(value, date)
            if row["Skyddad identitet"] == "J":
                assert row["Pnr"] == ""
                continue
            number = normalise(row["Pnr"], date.fromisoformat(entry["extraction_date"]))
            if number is None:
                invalid += 1
            else:
                assert gender(number) == row["Kön"] and is_coordination_number(number)
        assert invalid == entry["invalid_checksum_rows"]
        expected = entry["impossible_date"]
        assert impossible["Remissdatum"] == expected["referral_date"]
        assert impossible["Kartlagd"] == expected["assessment_date"]
        assert impossible["Slut"] == expected["exit_date"]
        used = {row["Orsak avslut"] for row in rows} | {row["Remittent"] for row in rows}
        assert used & set(team["avslutsorsak"].values()) | used & set(team["remittent"].values())


def _seed_labels() -> dict[str, set[str]]:
    seed = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "code_labels.csv"
    labels: dict[str, set[str]] = defaultdict(set)
    with seed.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            labels[row["code_list"]].add(row["label"])
    return labels


def _normalised(label: str) -> str:
    return " ".join(label.lower().split())


def test_labels_are_in_the_code_label_seed_unless_planted_unknown(landing: Path) -> None:
    """What the generator writes is what dbt can map: only planted unknowns are findings."""
    declared = yaml.safe_load((MAPPINGS / "gwa.yml").read_text(encoding="utf-8"))
    seed = _seed_labels()
    unknown = {label for labels in manifest(landing)["unknown_labels"].values() for label in labels}
    for entry, rows in _gwa(landing):
        for column, code_list in declared["code_lists"].items():
            header = declared["columns"][column][0]
            used = {_get(row, header) for row in rows} - {""}
            not_in_seed = {label for label in used if _normalised(label) not in seed[code_list]}
            assert not_in_seed <= unknown, (entry["file"], header, not_in_seed - unknown)
    assert not {_normalised(label) for label in unknown} & set().union(*seed.values())


def test_register_headings_and_labels_are_declared_in_its_mapping(landing: Path) -> None:
    seed = _seed_labels()
    code_lists = yaml.safe_load((MAPPINGS / "gwa.yml").read_text(encoding="utf-8"))["code_lists"]
    for entry in entries(landing, "register"):
        declared = yaml.safe_load(
            (MAPPINGS / "registers" / f"{entry['organisation']}.yml").read_text(encoding="utf-8")
        )
        rows = _register(landing, entry)
        aliases = {alias for names in declared["columns"].values() for alias in names}
        assert set(rows[0]) <= aliases, set(rows[0]) - aliases
        headings = {names[0]: column for column, names in declared["columns"].items()}
        for heading, column in headings.items():
            code_list = code_lists.get(column)
            if code_list is None or heading not in rows[0]:
                continue
            team = {
                _normalised(k): v for k, v in declared.get("codes", {}).get(code_list, {}).items()
            }
            for row in rows:
                label = _normalised(str(row[heading]))
                mapped = _normalised(team.get(label, label))
                assert not label or mapped in seed[code_list], (entry["file"], heading, label)
