"""Export the data stewards' worklist from the published warehouse as CSV or Excel.

    python -m expectations.worklist --unit Hässleholm --caseworker ANLA01 --format xlsx \
        --out arbetslista.xlsx

Which case (ÄrendeID, never personnummer) lacks which field since when: first what the
figures count by a rule until it is fixed (priority 1), then oldest first.
Reads FINSAM_WAREHOUSE read-only, so it can run while the pipeline builds the next one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import pandas as pd

from expectations.declarations import field_label
from pipelines.settings import load_settings
from pipelines.spreadsheet_safety import XLSX_OPTIONS, csv_bytes, neutralise_frame

EXPORT_COLUMNS = {
    "unit": "Enhet",
    "caseworker": "Handläggare",
    "case_id": "ÄrendeID",
    "case_status": "Ärendet",
    "exit_date": "Avslutsdatum",
    "insats": "Insats",
    "organisation": "Organisation",
    "field": "Fält",
    "problem": "Problem",
    "since_date": "Sedan",
    "days_open": "Dagar",
    "severity": "Allvarlighetsgrad",
}
SEVERITY_LABELS = {"error": "fel", "warning": "varning"}


def read_worklist(
    warehouse: Path,
    unit: str | None = None,
    caseworker: str | None = None,
    fixable_only: bool = True,
) -> pd.DataFrame:
    """The latest run's case findings for one unit and/or caseworker, priority 1 first;
    by default only what can still be fixed (active cases, recently closed ones)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        frame = con.execute(
            f"""select {", ".join(EXPORT_COLUMNS)} from marts.steward_worklist
            where ($unit is null or unit = $unit)
                and ($caseworker is null or caseworker = $caseworker)
                and (is_fixable or not $fixable_only)
            order by unit nulls last, caseworker nulls last, priority,
                days_open desc nulls last, case_id, field""",
            {"unit": unit, "caseworker": caseworker, "fixable_only": fixable_only},
        ).df()
    frame["field"] = frame["field"].map(field_label)
    frame["severity"] = frame["severity"].map(SEVERITY_LABELS)
    return frame.rename(columns=EXPORT_COLUMNS)


def write_worklist(frame: pd.DataFrame, out: Path, file_format: str) -> None:
    """CSV for any tool (UTF-8 with BOM and `;`, as Swedish Excel expects), or a real xlsx.

    Case text comes from agencies' files: text that would run as a formula is neutralised.
    """
    if file_format == "csv":
        out.write_bytes(csv_bytes(frame, ";"))
        return
    frame = neutralise_frame(frame)
    with pd.ExcelWriter(
        out, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}
    ) as writer:
        frame.to_excel(writer, sheet_name="Arbetslista", index=False)
        sheet = writer.sheets["Arbetslista"]
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
        for position, column in enumerate(frame.columns):
            width = max([len(column), *frame[column].astype(str).str.len().head(500)]) + 2
            sheet.set_column(position, position, min(width, 80))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m expectations.worklist",
        description="Arbetslista för datavårdare: vilket ärende saknar vilket fält sedan när.",
    )
    parser.add_argument("--unit", help="enhet, t.ex. Hässleholm (utelämnad: alla)")
    parser.add_argument("--caseworker", help="handläggarsignatur, t.ex. ANLA01 (utelämnad: alla)")
    parser.add_argument(
        "--all",
        action="store_true",
        dest="everything",
        help="också avvikelser på ärenden avslutade för länge sedan (worklist_fixable_days)",
    )
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv", dest="file_format")
    parser.add_argument("--out", type=Path, required=True, help="fil att skriva")
    args = parser.parse_args(argv)
    warehouse = load_settings().warehouse
    if not warehouse.exists():
        print(f"Hittar inget publicerat lager i {warehouse} (FINSAM_WAREHOUSE).", file=sys.stderr)
        return 2
    try:
        frame = read_worklist(warehouse, args.unit, args.caseworker, not args.everything)
    except duckdb.CatalogException:
        print(f"{warehouse} saknar marts.steward_worklist: kör pipelinen först.", file=sys.stderr)
        return 2
    write_worklist(frame, args.out, args.file_format)
    print(f"{len(frame)} rader skrivna till {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
