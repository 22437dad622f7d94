"""Kind F, monthly income-support extracts (issue 16): the real ingest over extracts and
case exports written here. Only rows of persons with follow-up consent in a current case
delivery are stored; the rest are counted per extract, never stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.ingest.assets import ingest_assets
from pipelines.ingest.engine import ingest
from pipelines.ingest.values_sql import INVALID
from pipelines.rotate_key import rotate
from pipelines.settings import Settings
from tests.ingest.fixtures import (
    GWA_HEADER,
    PERSONS,
    gwa_row,
    samordningsnummer,
    write_csv,
)
from tests.ingest.test_ingest_assets import materialize, query

KEY = b"test-key"
KINDS = ("gwa", "income_support")
CONSENT = "Samtycke uppföljning"
EXTRACT_HEADER = ["Personnummer", "Månad", "Ersättning", "Omfattning", "Belopp"]
FIA = samordningsnummer(dt.date(1977, 9, 9), 21, male=False)  # in no case system
BAD = PERSONS["anna"][:-1] + str((int(PERSONS["anna"][-1]) + 1) % 10)  # wrong check digit
ANNA, BO, CIA, DAN, EVA = (PERSONS[name] for name in ("anna", "bo", "cia", "dan", "eva"))
FK = "forsorjning_FK_20240701.csv"
HASSLEHOLM = "forsorjning_hassleholm_20240701.csv"


def case_export(landing: Path, name: str, consents: dict[str, str]) -> Path:
    """A kind A export with the consent column: one enrolment per person."""
    rows = [GWA_HEADER + [CONSENT]]
    for number, (pnr, consent) in enumerate(consents.items()):
        rows.append(gwa_row(f"C-{number}", f"{pnr[:8]}-{pnr[8:]}") + [consent])
    return write_csv(landing / "arende" / name, rows)


def extract(
    landing: Path,
    name: str,
    rows: list[list[str]],
    encoding: str = "cp1252",
    *,
    trailer: str | None = None,
) -> Path:
    path = write_csv(landing / "register" / name, [EXTRACT_HEADER, *rows], encoding)
    if trailer is not None:
        text = f"{trailer}\r\n".encode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
        path.write_bytes(path.read_bytes() + text)
    return path


def write_deliveries(landing: Path) -> None:
    """Anna (J) and cia (ja) consent; bo said N; dan is in an older export without the
    column; eva's consent is garbled; fia is in no case system."""
    case_export(landing, "gwa_hassleholm_20240601.csv", {ANNA: "J", BO: "N", CIA: " ja ", EVA: "X"})
    rows = [GWA_HEADER, gwa_row("O-1", f"{DAN[:8]}-{DAN[8:]}")]
    write_csv(landing / "arende" / "gwa_osby_20240601.csv", rows)
    extract(
        landing,
        FK,
        [
            [f"{ANNA[:8]}-{ANNA[8:]}", "2024-01", "", "", "0"],  # row 1
            [ANNA, "202402", "Sjukpenning", "100", "12 345,50"],  # row 2
            [f"{CIA[2:8]}-{CIA[8:]}", "2024-01", "Sjukersättning", "50", "-1\u00a0200,00"],
            [f"{CIA[2:8]}-{CIA[8:]}", "2024-02", "Arbetslöshetsersättning", "60", "12,3,4"],
            [ANNA, "2024-13", "Sjukpenning", "100", "100"],  # row 5: no such month
            [ANNA, "24-03", "Sjukpenning", "100", "100"],  # row 6: not a month form
            [f"{BAD[:8]}-{BAD[8:]}", "2024-01", "Sjukpenning", "100", "100"],  # row 7
            [BO, "2024-01", "Sjukpenning", "100", "5 000,00"],
            [BO, "2024-02", "Sjukpenning", "100", "5 000,00"],
            [DAN, "2024-01", "", "", "0"],
            [EVA, "2024-01", "", "", "0"],
            [FIA, "2024-01", "Sjukpenning", "50", "100"],
            [FIA, "2024-02", "Sjukpenning", "50", "100"],
            [FIA, "2024-03", "Sjukpenning", "50", "100"],
        ],
        trailer="# Okända personnummer: 2",
    )
    extract(
        landing,
        HASSLEHOLM,
        [
            [ANNA[2:], "2024-01", "Försörjningsstöd", "", "4 500"],
            [f"{CIA[:8]}-{CIA[8:]}", "202401", "Förs.stöd", "", "1"],
        ],
        "utf-8-sig",
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    landing = tmp_path_factory.mktemp("income_support") / "landing"
    write_deliveries(landing)
    con = duckdb.connect()
    ingest(con, landing, KEY, KINDS, settle_seconds=0)
    return con


def person(con: duckdb.DuckDBPyConnection, case_id: str) -> str:
    return con.execute(
        "SELECT person_id FROM raw.case_enrolments WHERE case_id = ?", [case_id]
    ).fetchone()[0]


def extract_row(con: duckdb.DuckDBPyConnection, name: str) -> dict:
    frame = con.execute(
        "SELECT * FROM raw.income_support_extracts WHERE source_file = ?", [name]
    ).df()
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


def test_consent_column_is_stored_trimmed_upper_and_checked(loaded) -> None:
    consents = loaded.execute(
        "SELECT case_id, follow_up_consent FROM raw.case_enrolments ORDER BY case_id"
    ).fetchall()
    assert consents == [("C-0", "J"), ("C-1", "N"), ("C-2", "JA"), ("C-3", None), ("O-1", None)]
    assert loaded.execute(
        "SELECT field, reason, action FROM raw.rejects WHERE case_id = 'C-3'"
    ).fetchall() == [(CONSENT, "okänt värde (tillåtet: J/JA/N/NEJ)", "field_nulled")]
    assert loaded.execute(
        "SELECT nulled_fields FROM raw.case_enrolments WHERE case_id = 'C-3'"
    ).fetchone() == (["follow_up_consent"],)


def test_only_consenting_persons_are_stored_and_link_to_the_case_system(loaded) -> None:
    stored = loaded.execute(
        "SELECT source_file, row_number, person_id FROM raw.income_support_months ORDER BY 1, 2"
    ).fetchall()
    anna, cia = person(loaded, "C-0"), person(loaded, "C-2")
    # Every personnummer form (YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDDNNNN).
    assert stored == [
        (FK, 1, anna),
        (FK, 2, anna),
        (FK, 3, cia),
        (FK, 4, cia),
        (HASSLEHOLM, 1, anna),
        (HASSLEHOLM, 2, cia),
    ]


def test_both_encodings_and_month_forms_are_read(loaded) -> None:
    rows = loaded.execute(
        "SELECT source_file, row_number, organisation, month, benefit, extent, amount, "
        "gender, birth_year, nulled_fields FROM raw.income_support_months ORDER BY 1, 2"
    ).fetchall()
    january, february = dt.date(2024, 1, 1), dt.date(2024, 2, 1)
    assert rows == [
        (FK, 1, "fk", january, None, None, Decimal("0.00"), "K", 1985, []),
        (FK, 2, "fk", february, "Sjukpenning", 100, Decimal("12345.50"), "K", 1985, []),
        (FK, 3, "fk", january, "Sjukersättning", 50, Decimal("-1200.00"), "K", 1960, []),
        # Only Belopp and Omfattning unusable: nulled, listed, the row kept.
        (
            FK,
            4,
            "fk",
            february,
            "Arbetslöshetsersättning",
            None,
            None,
            "K",
            1960,
            ["extent", "amount"],
        ),
        (
            HASSLEHOLM,
            1,
            "hassleholm",
            january,
            "Försörjningsstöd",
            None,
            Decimal("4500.00"),
            "K",
            1985,
            [],
        ),
        (HASSLEHOLM, 2, "hassleholm", january, "Förs.stöd", None, Decimal("1.00"), "K", 1960, []),
    ]


def test_unusable_month_or_personnummer_rejects_the_row_with_file_row_and_field(loaded) -> None:
    rejects = loaded.execute(
        "SELECT source_file, row_number, field, reason, action FROM raw.rejects "
        "WHERE source_kind = 'income_support' ORDER BY row_number, field"
    ).fetchall()
    assert rejects == [
        (FK, 4, "Belopp", INVALID["DECIMAL(18,2)"], "field_nulled"),
        (FK, 4, "Omfattning", "okänt värde (tillåtet: 25/50/75/100)", "field_nulled"),
        (FK, 5, "Månad", INVALID["MONTH"], "row_rejected"),
        (FK, 6, "Månad", INVALID["MONTH"], "row_rejected"),
        (FK, 7, "Personnummer", "ogiltigt personnummer: fel kontrollsiffra", "row_rejected"),
    ]
    assert "ÅÅÅÅ-MM" in INVALID["MONTH"]


def test_extract_row_counts_what_was_not_stored(loaded) -> None:
    fk = extract_row(loaded, FK)
    assert (fk["row_number"], fk["organisation"], fk["extraction_date"].date()) == (
        0,
        "fk",
        dt.date(2024, 7, 1),
    )
    assert (fk["first_month"].date(), fk["last_month"].date()) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 1),  # fia's rows count: the extract covers them, though not stored
    )
    counts = {
        name: fk[name]
        for name in (
            "unknown_persons",
            "persons_without_consent",
            "rows_without_consent",
            "persons_not_in_case_system",
            "rows_not_in_case_system",
        )
    }
    # bo (N), dan (no column) and eva (garbled): in a case system without consent.
    assert counts == {
        "unknown_persons": 2,
        "persons_without_consent": 3,
        "rows_without_consent": 4,
        "persons_not_in_case_system": 1,
        "rows_not_in_case_system": 3,
    }
    hassleholm = extract_row(loaded, HASSLEHOLM)
    assert hassleholm["unknown_persons"] is None or str(hassleholm["unknown_persons"]) == "<NA>"
    assert hassleholm["rows_without_consent"] == hassleholm["rows_not_in_case_system"] == 0


def test_registry_counts_stay_honest(loaded) -> None:
    registry = loaded.execute(
        "SELECT file_name, rows_read, rows_loaded, rows_rejected, is_current FROM "
        "raw.file_registry WHERE source_kind = 'income_support' ORDER BY 1"
    ).fetchall()
    # 14 read: 4 stored, 3 rejected, 7 dropped (no consent) and counted in the extract row.
    assert registry == [(FK, 14, 4, 3, True), (HASSLEHOLM, 2, 2, 0, True)]


def test_no_personnummer_digits_anywhere_in_the_database(loaded) -> None:
    numbers = [*PERSONS.values(), FIA, BAD]
    pattern = "|".join(f"{pnr[2:8]}[^0-9]{{0,3}}{pnr[8:]}" for pnr in numbers)
    columns = loaded.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE data_type = 'VARCHAR' OR data_type = 'VARCHAR[]'"
    ).fetchall()
    assert ("raw", "income_support_months", "benefit") in columns
    hits = [
        f"{schema}.{table}.{column}"
        for schema, table, column in columns
        if loaded.execute(
            f'SELECT count(*) FROM "{schema}"."{table}" '
            f'WHERE regexp_matches("{column}"::VARCHAR, ?)',
            [pattern],
        ).fetchone()[0]
    ]
    assert hits == []


def test_trailer_unreadable_is_a_finding_and_a_hash_line_inside_is_no_trailer(
    tmp_path: Path,
) -> None:
    landing = tmp_path / "landing"
    case_export(landing, "gwa_hassleholm_20240601.csv", {ANNA: "J"})
    extract(
        landing,
        "forsorjning_af_20240701.csv",
        [[ANNA, "2024-01", "", "", "0"]],
        trailer="# Okända personnummer: två",
    )
    con = duckdb.connect()
    ingest(con, landing, KEY, KINDS, settle_seconds=0)
    assert extract_row(con, "forsorjning_af_20240701.csv")["rows_not_in_case_system"] == 0
    assert con.execute(
        "SELECT row_number, field, action FROM raw.rejects WHERE source_kind = 'income_support'"
    ).fetchall() == [(0, "Okända personnummer", "field_nulled")]


def test_missing_required_column_quarantines_the_extract(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    path = write_csv(
        landing / "register" / "forsorjning_csn_20240701.csv",
        [["Personnummer", "Ersättning", "Belopp"], [ANNA, "Studiemedel", "3 000"]],
    )
    con = duckdb.connect()
    report = ingest(con, landing, KEY, KINDS, settle_seconds=0)
    assert [(o.file_name, o.status) for o in report.outcomes] == [(path.name, "quarantined")]
    assert "obligatoriska kolumner saknas: Månad" in report.outcomes[0].reason
    assert (landing / "quarantine" / "register" / f"{path.name}.reason.txt").exists()
    assert con.execute("SELECT count(*) FROM raw.income_support_months").fetchone() == (0,)


def months_by_file(settings: Settings) -> list[tuple]:
    return query(
        settings,
        "SELECT file_name, is_current, count(months.file_id) FROM raw.file_registry "
        "LEFT JOIN raw.income_support_months AS months USING (file_id) "
        "WHERE source_kind = 'income_support' GROUP BY ALL ORDER BY 1",
    )


def run_assets() -> dg.ExecuteInJobResult:
    result = materialize(ingest_assets)
    assert result.success
    return result


def purged(result: dg.ExecuteInJobResult) -> int:
    events = result.asset_materializations_for_node("ingest_income_support")
    return events[0].metadata["rows_purged_without_consent"].value


def test_supersede_duplicate_and_withdrawn_consent(finsam_env: Settings) -> None:
    """A later extract supersedes the earlier (history kept), the same file loads once, a
    withdrawn consent deletes what was stored, and many rows dropped hold nothing back."""
    landing = finsam_env.landing
    case_export(landing, "gwa_hassleholm_20240601.csv", {ANNA: "J", CIA: "J"})
    both = [[ANNA, "2024-01", "", "", "0"], [CIA, "2024-01", "", "", "0"]]
    first = extract(landing, "forsorjning_fk_20240701.csv", both)
    assert purged(run_assets()) == 0
    # The same content again, under another name: loads once.
    (landing / "register" / "forsorjning_fk_20240702.csv").write_bytes(first.read_bytes())
    # A later full snapshot whose rows are mostly persons without consent (below the floor
    # of 50 % loaded if dropped rows counted as not loaded).
    strangers = [[FIA, f"2024-{month:02d}", "", "", "0"] for month in range(1, 11)]
    extract(landing, "forsorjning_fk_20240801.csv", [*both, *strangers])
    result = run_assets()
    events = result.asset_materializations_for_node("ingest_income_support")
    assert events[0].metadata["files_already_loaded"].value == 2  # the first, and its copy
    assert events[0].metadata["rows_dropped"].value == 10
    assert months_by_file(finsam_env) == [
        ("forsorjning_fk_20240701.csv", False, 2),
        ("forsorjning_fk_20240801.csv", True, 2),
    ]
    assert query(
        finsam_env,
        "SELECT count(*) FROM raw.income_support_extracts JOIN raw.file_registry "
        "USING (file_id) WHERE is_current",
    ) == [(1,)]

    # Cia withdraws consent in a newer case delivery; no new extract lands.
    case_export(landing, "gwa_hassleholm_20240901.csv", {ANNA: "J", CIA: "N"})
    assert purged(run_assets()) == 2  # cia's row in both extracts
    cia = query(
        finsam_env,
        "SELECT DISTINCT person_id FROM raw.case_enrolments WHERE case_id = 'C-1'",
    )
    assert query(
        finsam_env,
        "SELECT count(*) FROM raw.income_support_months WHERE person_id = ?",
        [cia[0][0]],
    ) == [(0,)]
    assert query(
        finsam_env,
        "SELECT file_name, rows_loaded FROM raw.file_registry "
        "WHERE source_kind = 'income_support' AND status = 'loaded' ORDER BY 1",
    ) == [("forsorjning_fk_20240701.csv", 1), ("forsorjning_fk_20240801.csv", 1)]
    assert purged(run_assets()) == 0


def test_income_support_waits_for_the_case_enrolments() -> None:
    (income_support,) = [a for a in ingest_assets if a.node_def.name == "ingest_income_support"]
    months = dg.AssetKey(["raw", "income_support_months"])
    assert dg.AssetKey(["raw", "case_enrolments"]) in income_support.asset_deps[months]
    assert {check.name for check in income_support.check_specs} == {
        "files_readable",
        "rows_valid",
    }


def test_key_rotation_reads_the_extracts_again(tmp_path: Path) -> None:
    """The rotated extract rows equal a fresh build with the new key (trailer and all)."""
    landing = tmp_path / "landing"
    case_export(landing, "gwa_hassleholm_20240601.csv", {ANNA: "J", CIA: "J"})
    rows = [
        [ANNA, "2024-01", "", "", "0"],
        [CIA, "202401", "", "", "0"],
        [FIA, "2024-01", "", "", "0"],
    ]
    extract(landing, FK, rows, trailer="# Okända personnummer: 1")
    rotated, fresh = duckdb.connect(), duckdb.connect()
    ingest(rotated, landing, b"old-key", KINDS, settle_seconds=0)
    rotation = rotate(rotated, landing, b"old-key", KEY)
    ingest(fresh, landing, KEY, KINDS, settle_seconds=0)
    assert rotation is not None and rotation.deliveries == 2
    sql = "SELECT row_number, person_id FROM raw.income_support_months ORDER BY 1"
    assert rotated.execute(sql).fetchall() == fresh.execute(sql).fetchall()
    assert len(fresh.execute(sql).fetchall()) == 2
